"""Helpers for the pmo-budget plugin's tests: PMO Ledger's app with the plugin *as installed*
(found through its ``pmo.plugins`` entry point, as in production), on an in-memory store.

This folder is no package (PMO Ledger's own tests are the package ``tests``, and pytest runs
both suites in one session), so the test modules import this module by its own, unique name.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone

from events.context import command_context

os.environ.setdefault("PMO_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")  # fast hashes, tests only

PASSWORDS = {"admin": "admin-password", "manager": "manager-password", "viewer": "viewer-password"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(**config):
    from web.app import create_app

    return create_app({"TESTING": True, "PMO_STORE": "memory://", "SECRET_KEY": "budget-tests",
                       "PMO_ENTRY_POINTS": True, **config})


def the_pmo(app):
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo()


@contextmanager
def as_user(actor: str, reason: str = "", moment: str | None = None):
    """Run services as ``actor``; ``moment`` (an ISO time, UTC) backdates them."""
    when = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc) if moment else None
    with command_context(actor, reason, occurred_at=when) as ctx:
        yield ctx


def bearer(app, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.config['TOKENS'][role]}"}


def signed_in(app, role: str):
    """A browser session of ``role`` and its CSRF token."""
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"username": role, "password": PASSWORDS[role], "csrf_token": token})
    assert answer.status_code == 302
    return client, token
