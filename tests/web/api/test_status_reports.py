"""A project manager reports status each period: draft, revise, publish; or submit at once."""
from tests.web.api.conftest import etag, problem

MARCH = {"period_start": "2025-03-01", "period_end": "2025-03-31", "overall": "green",
         "schedule": "green", "cost": "amber", "scope": "green", "summary": "On track", "progress_pct": 30}


def test_draft_revise_then_publish(as_, projects):
    manager = as_("manager")
    # The manager drafts March's report.
    drafted = manager.post("/api/status-reports", json={"project_id": projects["P-OWN"], **MARCH})
    assert drafted.status_code == 201
    report = drafted.get_json()
    assert drafted.headers["Location"] == f"/api/status-reports/{report['id']}"
    assert report["published"] is False and etag(drafted) == '"1"'

    # The draft is not yet what the project shows.
    assert as_("viewer").get("/api/projects/P-OWN").get_json()["overall"] is None
    assert as_("viewer").get(f"/api/status-reports?project_id={projects['P-OWN']}&published=false").get_json()

    # They revise it, then publish it without a body.
    url = f"/api/status-reports/{report['id']}"
    revised = manager.patch(url, json={"overall": "amber", "progress_pct": 35},
                            headers={"If-Match": etag(drafted)})
    assert revised.status_code == 200 and revised.get_json()["overall"] == "amber"
    published = manager.post(f"{url}/publish", headers={"If-Match": etag(revised)})
    assert published.status_code == 200, published.get_json()
    body = published.get_json()
    assert body["published"] and body["published_by"] == "manager-user" and etag(published) == '"3"'

    # A published report is part of the record: it cannot change any more.
    refused = manager.patch(f"/api/status-reports/{report['id']}", json={"summary": "rewritten"})
    assert "cannot be changed" in problem(refused, 422)["detail"]
    assert as_("viewer").get(f"/api/status-reports/{report['id']}").get_json()["summary"] == "On track"
    assert as_("viewer").get("/api/projects/P-OWN").get_json()["overall"] == "amber"


def test_submit_drafts_and_publishes_in_one_step(as_, projects):
    submitted = as_("manager").post("/api/status-reports", json={
        "project_id": projects["P-OWN"], **MARCH, "publish": True})
    assert submitted.status_code == 201
    assert submitted.get_json()["published"] is True
    listed = as_("viewer").get("/api/status-reports?published=true").get_json()
    assert [r["id"] for r in listed] == [submitted.get_json()["id"]]


def test_a_report_for_an_unknown_project_names_the_field(as_, head):
    before = head()
    refused = as_("pmo").post("/api/status-reports", json={
        "project_id": "00000000-0000-0000-0000-000000000000", **MARCH})
    assert problem(refused, 422)["errors"] == {"project_id": ["no such project"]}
    assert head() == before


def test_ratings_must_be_red_amber_or_green(as_, projects):
    refused = as_("pmo").post("/api/status-reports", json={
        "project_id": projects["P-OWN"], **MARCH, "overall": "blue", "progress_pct": 120})
    assert set(problem(refused, 422)["errors"]) == {"overall", "progress_pct"}


def test_a_period_that_ends_before_it_starts_is_refused(as_, projects):
    refused = as_("pmo").post("/api/status-reports", json={
        "project_id": projects["P-OWN"], **MARCH, "period_end": "2025-02-01"})
    assert problem(refused, 422)["errors"] == {"period_end": ["period end is before period start"]}
