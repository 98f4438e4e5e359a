"""Writers to one SQLite file take turns through a lock file, not through SQLite's busy wait.

SQLite lets one writer in at a time; the others retry under its busy handler, which sleeps
between attempts (1, 2, 5, 10, 15, 20, 25 ... ms), so a waiting write can sleep long after
the lock is free: under concurrent writes that sleep, not the work, made the slow tail. A
write (the ledger's transaction and the read models' catch-up after it) first takes an
exclusive ``flock`` on ``<database>-writers``; the kernel wakes the next waiter the moment
it is released. Readers are not involved (WAL), and a process that does not take the turn
(a rebuild, ``pmo projections run``) still meets SQLite's own lock, so this only changes how
long waiting writers wait. PostgreSQL and the in-memory store need none of it.
"""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from typing import Iterator


class WriterTurn:
    def __init__(self, database_path: str):
        self.path = f"{database_path}-writers"
        self._threads = threading.Lock()  # flock is per open file: threads of one process queue here
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        # Opened per process: a descriptor inherited across fork (gunicorn's preload) would be
        # one lock shared by parent and children, which excludes nobody.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._threads:
            fd = self._file()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


@contextmanager
def no_turn() -> Iterator[None]:
    yield
