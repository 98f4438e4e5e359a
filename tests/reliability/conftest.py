"""Where the reliability tests keep their stores, and the audit key they share with the server."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    """This process opens the store with the same audit key as the server it tests."""
    monkeypatch.setenv("PMO_VAR", str(tmp_path / "var"))
    return tmp_path / "var"


@pytest.fixture
def memory_dir(tmp_path):
    """A folder in RAM (/dev/shm) when there is one, else ``tmp_path``: for tests that write
    thousands of events to set the scene. A process killed with SIGKILL leaves the same files
    behind either way (the page cache outlives it); only a power cut would tell them apart.
    """
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="pmo-reliability-", dir=shm))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
