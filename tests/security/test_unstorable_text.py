"""Text no store can keep (NUL, unpaired surrogates) is refused with a 422 naming the field."""
from __future__ import annotations

import pytest

from core.services import projects
from events.aggregate import EventFieldTypeError
from events.context import command_context
from tests.conftest import auth, csrf_token_from, login


def head(app) -> int:
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo().ledger.max_position()


@pytest.mark.parametrize("bad", ["bad\x00name", "bad\ud800name"])
def test_api_refuses_unstorable_text(app, people, bad):
    before = head(app)
    response = app.test_client().post("/api/projects", json={"code": "P-NUL", "name": bad},
                                      headers=auth(people["admin"]["token"]))
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]
    assert head(app) == before


def test_form_refuses_unstorable_text(app, people):
    client = app.test_client()
    login(client, people["admin"]["username"], people["admin"]["password"])
    csrf = csrf_token_from(client.get("/projects/new").get_data(as_text=True))
    before = head(app)
    response = client.post("/projects/new", data={"code": "P-NUL", "name": "a\x00b", "csrf_token": csrf})
    assert response.status_code == 422
    assert "cannot be stored" in response.get_data(as_text=True)
    assert head(app) == before


def test_the_ledger_refuses_it_even_without_the_web(pmo):
    with command_context("pia", "test"), pytest.raises(EventFieldTypeError):
        projects.register_project(pmo, "P-NUL", "bad\x00name")
