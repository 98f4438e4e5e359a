"""Bad input is refused field by field, and a refused request writes nothing.

The refused requests share one app for the module (``shared_as``, ``shared_head``): each test
asserts that its request wrote nothing, so the next one finds the app as it was."""
import pytest

from tests.web.api.conftest import etag, problem

NOWHERE = "00000000-0000-0000-0000-000000000000"

MISSING = [
    ("/api/portfolio", {"name"}),
    ("/api/programmes", {"code", "name"}),
    ("/api/projects", {"code", "name"}),
    ("/api/status-reports", {"project_id", "period_start", "period_end",
                             "overall", "schedule", "cost", "scope"}),
    ("/api/milestones", {"project_id", "name", "baseline_date"}),
    ("/api/decisions", {"title", "decision", "decided_by", "decided_on"}),
    ("/api/actions", {"title", "owner"}),
    ("/api/users", {"username", "password", "role"}),
]

WRONG_TYPES = [
    ("/api/projects", {"code": 42, "name": ["CRM"], "start_date": "next week", "programme_id": "PR-1",
                       "budget": 100}, {"code", "name", "start_date", "programme_id", "budget"}),
    ("/api/status-reports", {"project_id": NOWHERE, "period_start": "2025-01-01", "period_end": 20250131,
                             "overall": "GREEN", "schedule": "green", "cost": "green", "scope": "green",
                             "progress_pct": "half", "publish": "maybe"},
     {"period_end", "overall", "progress_pct", "publish"}),
    ("/api/actions", {"title": "", "owner": None, "due_date": "2025-02-30", "project_id": 7},
     {"title", "owner", "due_date", "project_id"}),
    ("/api/decisions", {"title": "T", "decision": "D", "decided_by": "me", "decided_on": "yesterday",
                        "superseded_by": NOWHERE}, {"decided_on", "superseded_by"}),
    ("/api/programmes", {"code": "PR-1", "name": "x" * 201}, {"name"}),
]


@pytest.mark.parametrize(("url", "fields"), MISSING, ids=[m[0] for m in MISSING])
def test_missing_fields_are_named_and_nothing_is_written(shared_as, shared_head, url, fields):
    before = shared_head()
    refused = shared_as("admin").post(url, json={})
    assert set(problem(refused, 422)["errors"]) == fields
    assert shared_head() == before


@pytest.mark.parametrize(("url", "body", "fields"), WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_wrongly_typed_fields_are_named_and_nothing_is_written(shared_as, shared_head, url, body, fields):
    before = shared_head()
    refused = shared_as("admin").post(url, json=body)
    assert set(problem(refused, 422)["errors"]) == fields
    assert shared_head() == before


def test_an_update_with_bad_fields_changes_nothing(as_, projects, head):
    before = head()
    refused = as_("pmo").patch("/api/projects/P-OWN", json={
        "name": 5, "end_date": "soon", "stage": "active"})
    assert set(problem(refused, 422)["errors"]) == {"name", "end_date", "stage"}
    refused = as_("pmo").patch("/api/projects/P-OWN", json={
        "start_date": "2025-06-01", "end_date": "2025-01-01"})
    assert problem(refused, 422)["errors"] == {"end_date": ["end date is before start date"]}
    assert head() == before
    assert as_("pmo").get("/api/projects/P-OWN").get_json()["name"] == "Own project"


def test_a_body_that_is_not_json_is_refused(shared_as, shared_head):
    before = shared_head()
    refused = shared_as("pmo").post("/api/actions", data="{title: oops", content_type="application/json")
    problem(refused, 400)
    assert shared_head() == before


def test_a_stale_if_match_is_a_conflict_and_writes_nothing(as_, projects, head):
    pmo = as_("pmo")
    read = pmo.get("/api/projects/P-OWN")
    # Someone else changes the project after we read it.
    as_("manager").patch("/api/projects/P-OWN", json={"sponsor": "CFO"})
    before = head()
    stale = pmo.patch("/api/projects/P-OWN", json={"name": "Overwrite"}, headers={"If-Match": etag(read)})
    body = problem(stale, 409)
    assert body["current_version"] == 2
    assert head() == before
    assert pmo.get("/api/projects/P-OWN").get_json()["name"] == "Own project"
    # Retrying with the current version works.
    retried = pmo.patch("/api/projects/P-OWN", json={"name": "Overwrite"}, headers={"If-Match": '"2"'})
    assert retried.status_code == 200


@pytest.mark.parametrize("command", ["close", "cancel"])
def test_stale_if_match_on_commands(as_, head, command):
    action = as_("pmo").post("/api/actions", json={"title": "Stale", "owner": "x"})
    url = f"/api/actions/{action.get_json()['id']}"
    as_("pmo").patch(url, json={"title": "Moved on"})
    before = head()
    assert problem(as_("pmo").post(f"{url}/{command}", headers={"If-Match": etag(action)}), 409)[
        "current_version"] == 2
    assert head() == before
    assert as_("pmo").get(url).get_json()["status"] == "open"


@pytest.mark.parametrize("header", ['W/"1"', "1", '"one"', '"1", "2"'])
def test_a_malformed_if_match_is_refused_clearly(shared_as, shared_projects, shared_head, header):
    before = shared_head()
    refused = shared_as("pmo").patch("/api/projects/P-OWN", json={"name": "x"}, headers={"If-Match": header})
    assert "If-Match must be one strong ETag" in problem(refused, 400)["detail"]
    assert shared_head() == before
