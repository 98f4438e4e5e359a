"""Who may do what: signed out, readers, project managers, and browser sessions."""
import re

import pytest

from tests.conftest import csrf_token_from, login
from tests.web.api.conftest import plugin_rule, problem

WRITES = ("POST", "PUT", "PATCH", "DELETE")
SOMEONE = "00000000-0000-0000-0000-000000000001"


def _api_routes(app):
    """Every API route with its methods, its parameters filled with plausible values."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api") or rule.rule.startswith(("/api/docs", "/api/openapi")):
            continue
        if plugin_rule(app, rule):  # each plugin's: tests/plugins/<name>/ and the permission matrix
            continue
        url = re.sub(r"<uuid:\w+>", SOMEONE, rule.rule)
        url = re.sub(r"<(\w+:)?\w+>", "P-OWN", url)
        yield url, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_signed_out_callers_get_401_everywhere(app, as_, head):
    before = head()
    anonymous = as_("anonymous")
    for url, methods in _api_routes(app):
        for method in methods:
            answer = anonymous._send(method, url, json={})
            assert problem(answer, 401)["title"] == "Unauthorized", (method, url)
    assert head() == before


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_readers_get_403_on_every_write(app, as_, projects, head, role):
    before = head()
    reader = as_(role)
    writes = [(url, m) for url, methods in _api_routes(app) for m in methods if m in WRITES]
    assert len(writes) >= 25
    for url, method in writes:
        assert reader._send(method, url, json={"name": "x"}).status_code == 403, (method, url)
    assert head() == before
    # Reading is fine.
    assert reader.get("/api/projects/P-OWN").status_code == 200


def test_a_manager_cannot_write_on_another_managers_project(as_, projects, head):
    manager, other = as_("manager"), projects["P-OTHER"]
    report = {"period_start": "2025-01-01", "period_end": "2025-01-31", "overall": "green",
              "schedule": "green", "cost": "green", "scope": "green"}
    before = head()
    problem(manager.patch("/api/projects/P-OTHER", json={"name": "Mine"}), 403)
    problem(manager.post("/api/projects/P-OTHER/stage", json={
        "stage": "proposed", "gate_decision": "go"}), 403)
    problem(manager.post("/api/status-reports", json={"project_id": other, **report}), 403)
    problem(manager.post("/api/milestones", json={
        "project_id": other, "name": "M", "baseline_date": "2025-05-01"}), 403)
    problem(manager.post("/api/decisions", json={"project_id": other, "title": "T", "decision": "D",
                                                 "decided_by": "me", "decided_on": "2025-01-01"}), 403)
    assert head() == before
    # Their own project is theirs to change.
    mine = manager.post("/api/status-reports", json={"project_id": projects["P-OWN"], **report})
    assert mine.status_code == 201


def test_a_browser_session_writes_only_with_its_csrf_token(client, people, head):
    login(client, people["pmo"]["username"], people["pmo"]["password"])
    # Reading needs no token.
    assert client.get("/api/projects").status_code == 200
    before = head()
    refused = client.post("/api/actions", json={"title": "Via the browser", "owner": "pmo-user"})
    assert refused.status_code in (400, 403)
    assert refused.content_type == "application/problem+json"
    assert "CSRF" in refused.get_json()["detail"]
    assert head() == before

    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    accepted = client.post("/api/actions", json={"title": "Via the browser", "owner": "pmo-user"},
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert accepted.get_json()["created_by"] == "pmo-user"
