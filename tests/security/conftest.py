"""Security tests share one seeded app per module (see ``world.py``): building it takes a
moment, and the checks only read it or make changes the tables below account for."""
from __future__ import annotations

import pytest

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world():
    built = build_world()
    yield built
    built.close()
