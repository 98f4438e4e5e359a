"""API test helpers: callers by role, two managed projects, and the ledger's head."""
from __future__ import annotations

import pytest

from events.context import command_context
from tests.conftest import auth


class Caller:
    """A script calling the API with one user's bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _send(self, method: str, url: str, headers: dict | None = None, **kwargs):
        sent = {**(auth(self.token) if self.token else {}), **(headers or {})}
        return self.client.open(url, method=method, headers=sent, **kwargs)

    def get(self, url, **kwargs):
        return self._send("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self._send("POST", url, **kwargs)

    def put(self, url, **kwargs):
        return self._send("PUT", url, **kwargs)

    def patch(self, url, **kwargs):
        return self._send("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self._send("DELETE", url, **kwargs)


@pytest.fixture
def as_(client, people):
    """``as_("pmo").post(...)``: call the API as the user of that role ("anonymous": no token)."""
    def caller(role: str) -> Caller:
        return Caller(client, None if role == "anonymous" else people[role]["token"])
    return caller


@pytest.fixture
def projects(app, people):
    """P-OWN, managed by the manager; P-OTHER, managed by manager2. ``{code: id as str}``."""
    from core.services.projects import register_project
    from web.tenancy import current_pmo

    with app.app_context(), command_context("setup", "test fixture"):
        pmo = current_pmo()
        own = register_project(pmo, "P-OWN", "Own project", manager=people["manager"]["username"])
        other = register_project(pmo, "P-OTHER", "Other project", manager=people["manager2"]["username"])
    return {"P-OWN": str(own.id), "P-OTHER": str(other.id)}


@pytest.fixture
def head(app):
    """``head()``: the ledger's last position, to show that a refused request wrote nothing."""
    from web.tenancy import current_pmo

    def position() -> int:
        with app.app_context():
            return current_pmo().ledger.max_position()
    return position


def etag(response) -> str:
    return response.headers["ETag"]


def problem(response, status: int) -> dict:
    """Assert a problem+json answer with ``status`` and return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    return body
