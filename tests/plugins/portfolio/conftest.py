"""Portfolio plugin fixtures: the generic ones are the risk plugin's (the app's PMO, projects
P-OWN and P-OTHER, API callers and signed-in clients by role), reused as they are."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from events.context import command_context
from tests.plugins.risk.conftest import as_, places, problem, sign_in, the_pmo  # noqa: F401  (fixtures)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def at(n: int) -> datetime:
    """The n-th ledger moment of a story: a day apart, so ``as_of`` can fall between them."""
    return T0 + timedelta(days=n)


@pytest.fixture
def enabled(the_pmo, people):
    from core.services.plugins import enable_plugin

    with command_context(people["admin"]["username"], "P3M3 level 4: portfolio", occurred_at=at(0)):
        enable_plugin(the_pmo, "portfolio")
    return the_pmo
