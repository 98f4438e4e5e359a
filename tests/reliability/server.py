"""The real thing, as production runs it: gunicorn with ``gunicorn.conf.py``, and ``pmo``.

Each runs as a child process in its own process group, so ``kill()`` can SIGKILL the gunicorn
master and every worker at once, as the OOM killer or an operator's kill -9 would: no polite
shutdown, no clean-up.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from click.testing import CliRunner, Result

from core.services import users
from events.context import command_context
from web.cli import make_cli
from web.tenancy import open_pmo

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Site:
    """One installation: a working folder (var/ holds the secret and audit keys) and a store."""

    workdir: Path
    store_url: str
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {**os.environ, "PMO_STORE": self.store_url, "PMO_VAR": str(self.workdir / "var"),
                    **self.env}
        self.env.pop("PMO_DEBUG", None)

    def pmo(self, *args: str, check: bool = True) -> Result:
        """Run a ``pmo`` command. In this process, through click: the same code and output
        without a second start-up of the app (the processes the tests kill are real ones)."""
        result = CliRunner().invoke(make_cli(), ["--store", self.store_url, *args],
                                    env={"PMO_VAR": self.env["PMO_VAR"]})
        if check and result.exit_code != 0:
            raise AssertionError(f"pmo {' '.join(args)} exited {result.exit_code}:\n{result.output}")
        return result

    def spawn(self, args: list[str], log_name: str, **env: str) -> subprocess.Popen:
        """A child in its own process group (one killpg reaches all of it), output to a log."""
        with (self.workdir / log_name).open("ab") as out:
            return subprocess.Popen(args, env={**self.env, **env}, cwd=self.workdir, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)


def prepare(site: Site) -> str:
    """`pmo init`, then a pmo-role user with an API token (through the services); the token."""
    site.pmo("init", "--portfolio", "Crash-tested portfolio")
    pmo = open_pmo(site.store_url)
    try:
        with command_context("setup", "crash test: the load's API user"):
            user = users.create_user(pmo, "loader", "loader-password-1", "pmo", display_name="Load Script")
            _token_id, token = users.issue_token(pmo, user.id, "crash test")
    finally:
        pmo.close()
    return token


def group_members(pgid: int) -> list[int]:
    """Live processes in a process group (the gunicorn master and its workers)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
                members.append(int(entry.name))
    return members


def kill_group(process: subprocess.Popen) -> int:
    """SIGKILL the whole process group at once; returns how many processes were in it."""
    members = group_members(process.pid)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while group_members(process.pid) and time.monotonic() < deadline:  # workers are reaped by init
        time.sleep(0.02)
    return len(members)


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py web.wsgi:app`` on a free port."""

    def __init__(self, site: Site, workers: int = 3):
        self.site = site
        self.workers = workers
        self.log = site.workdir / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 60) -> "Gunicorn":
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = self.site.spawn([str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "web.wsgi:app"],
                                       self.log.name, PMO_BIND=f"127.0.0.1:{port}",
                                       PMO_WORKERS=str(self.workers))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/login", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:  # not listening yet, or a worker still booting
                pass
            time.sleep(0.05)
        raise AssertionError(f"gunicorn not ready after {timeout}s:\n{self.log_tail()}")

    def kill(self) -> int:
        """kill -9 the master and the workers; returns how many processes died."""
        assert self.process is not None
        killed = kill_group(self.process)
        self.process = None
        return killed

    def stop(self) -> None:
        """A graceful stop (SIGTERM), or a kill when that takes too long."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_group(self.process)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
