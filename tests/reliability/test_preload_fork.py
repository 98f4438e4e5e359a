"""gunicorn's preload_app: the workers are forked from a master that holds no store connection.

The master builds the app (which opens the store to read the plugins) and closes the store
before the first fork (``gunicorn.conf.py``, ``when_ready``): a SQLite connection must never
be used by two processes. Checked on the real server: no file of the store is open in the
master, the workers open it themselves, and writes through one worker are read through the
other.
"""
from __future__ import annotations

import os
from pathlib import Path

import requests

from tests.reliability.server import Gunicorn, Site, group_members, prepare


def _open_store_files(pid: int, store: Path) -> list[str]:
    """The files of the SQLite store (database, -wal, -shm) process ``pid`` holds open."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while we looked
            continue
        if target.startswith(str(store)):
            found.append(target)
    return found


def test_workers_forked_from_the_master_share_no_store_connection(tmp_path, var_dir):
    store = tmp_path / "pmo.sqlite"
    site = Site(tmp_path, f"sqlite:///{store}", env={"PMO_PRELOAD": "1"})
    token = prepare(site)
    server = Gunicorn(site, workers=2).start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        created = requests.post(f"{server.url}/api/actions", headers=headers, timeout=30, json={
            "title": "forked", "owner": "Load Script", "description": "written through one worker"})
        assert created.status_code == 201, created.text
        # Fresh connections each: the two workers take turns, and each must read the write.
        for _ in range(8):
            answer = requests.get(f"{server.url}/api/actions/{created.json()['id']}", headers=headers, timeout=30)
            assert answer.status_code == 200 and answer.json()["title"] == "forked"
            assert requests.get(f"{server.url}/readyz", timeout=30).status_code == 200

        master = server.process.pid
        workers = [pid for pid in group_members(master) if pid != master]
        assert len(workers) == 2
        assert _open_store_files(master, store) == []
        assert any(_open_store_files(pid, store) for pid in workers)
    finally:
        server.stop()
