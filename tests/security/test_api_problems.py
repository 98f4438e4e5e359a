"""Error answers match the documented problem+json schema, whatever the input's shape."""
from __future__ import annotations

import pytest

from tests.conftest import auth


def documented_errors_shape(app) -> dict:
    spec = app.test_client().get("/api/openapi.json").get_json()
    return spec["components"]["schemas"]["Problem"]["properties"]["errors"]


def assert_field_messages(errors: dict) -> None:
    """``errors`` as documented: {field: [message, ...]}."""
    for field, messages in errors.items():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), (field, messages)


def test_problem_errors_are_documented_as_lists_of_messages(app):
    shape = documented_errors_shape(app)
    assert shape["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_field_errors_of_core_writes_match_the_schema(client, people):
    answer = client.post("/api/projects", headers=auth(people["admin"]["token"]),
                         json={"code": "", "name": 7, "start_date": "soon", "extra": True})
    assert answer.status_code == 422
    assert_field_messages(answer.get_json()["errors"])


def test_errors_of_list_items_match_the_schema(app, client, people):
    from web.tenancy import current_pmo

    with app.app_context():
        pmo = current_pmo()
        if "risk" not in pmo.plugins:
            pytest.skip("the risk plugin is not installed")
        if "risk" not in pmo.enabled_plugins():
            from core.services.plugins import enable_plugin
            from events.context import command_context

            with command_context("setup", "test"):
                enable_plugin(pmo, "risk")
    answer = client.put("/api/risks/scales", headers=auth(people["admin"]["token"]), json={
        "probability_labels": [""], "impact_labels": ["low", "high"], "medium": 1, "high": 2, "critical": 3})
    assert answer.status_code == 422
    assert_field_messages(answer.get_json()["errors"])
