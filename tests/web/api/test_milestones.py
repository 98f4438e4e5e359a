"""A manager plans a milestone, moves its forecast, and records when it was met."""
from tests.web.api.conftest import etag, problem


def test_plan_reforecast_and_achieve(as_, projects):
    manager = as_("manager")
    planned = manager.post("/api/milestones", json={
        "project_id": projects["P-OWN"], "name": "Go-live", "baseline_date": "2025-06-30"})
    assert planned.status_code == 201
    milestone = planned.get_json()
    assert planned.headers["Location"] == f"/api/milestones/{milestone['id']}"
    assert milestone["forecast_date"] == "2025-06-30" and milestone["slippage_days"] == 0

    # The forecast slips two weeks; the baseline stays, so the slip shows.
    slipped = manager.post(f"/api/milestones/{milestone['id']}/reforecast",
                           json={"forecast_date": "2025-07-14", "reason": "vendor late"},
                           headers={"If-Match": etag(planned)})
    assert slipped.status_code == 200
    assert (slipped.get_json()["baseline_date"], slipped.get_json()["slippage_days"]) == ("2025-06-30", 14)

    achieved = manager.post(f"/api/milestones/{milestone['id']}/achieve", json={"actual_date": "2025-07-10"})
    assert achieved.status_code == 200 and etag(achieved) == '"3"'
    shown = as_("viewer").get(f"/api/milestones/{milestone['id']}")
    assert shown.get_json()["actual_date"] == "2025-07-10" and etag(shown) == '"3"'
    listed = as_("viewer").get(f"/api/milestones?project_id={projects['P-OWN']}").get_json()
    assert [m["name"] for m in listed] == ["Go-live"]

    # Once met, it cannot be met again.
    again = manager.post(f"/api/milestones/{milestone['id']}/achieve", json={"actual_date": "2025-07-11"})
    assert "already achieved" in problem(again, 422)["detail"]


def test_dates_must_be_iso_dates(as_, projects):
    refused = as_("pmo").post("/api/milestones", json={
        "project_id": projects["P-OWN"], "name": "Go-live", "baseline_date": "30/06/2025"})
    assert problem(refused, 422)["errors"] == {"baseline_date": ["Not a valid date."]}


def test_an_unknown_milestone_is_not_found(as_):
    problem(as_("viewer").get("/api/milestones/00000000-0000-0000-0000-000000000000"), 404)
    problem(as_("viewer").get("/api/milestones/not-a-uuid"), 404)
