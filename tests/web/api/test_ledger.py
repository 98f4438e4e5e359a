"""Every change through the API lands in the ledger: who, when, why, and in which request."""
from datetime import datetime, timedelta

from core import queries
from tests.web.api.conftest import problem
from web.tenancy import current_pmo


def _events(as_, correlation_id: str) -> list[dict]:
    answer = as_("auditor").get(f"/api/events?correlation_id={correlation_id}")
    assert answer.status_code == 200
    return answer.get_json()["items"]


def _assert_stamped(events: list[dict], topic: str, actor: str, correlation_id: str,
                    reason: str = "") -> None:
    assert [e["topic"] for e in events] == [topic]
    event = events[0]
    assert (event["actor"], event["correlation_id"], event["reason"]) == (actor, correlation_id, reason)
    assert datetime.fromisoformat(event["occurred_at"]).utcoffset() == timedelta(0)  # UTC, said so


def test_registering_a_project_is_recorded_with_actor_time_and_request(as_, app):
    created = as_("manager").post("/api/projects", json={"code": "P-9", "name": "Audit me"},
                                  headers={"X-Correlation-ID": "req-project-1", "X-Reason": "new contract"})
    assert created.headers["X-Correlation-ID"] == "req-project-1"
    _assert_stamped(_events(as_, "req-project-1"), "core.Project.Registered", "manager-user",
                    "req-project-1", "new contract")
    # The same rows, straight from the read model.
    with app.app_context():
        rows = queries.events_for_correlation(current_pmo(), "req-project-1")
    assert [(r["originator_id"].hex, r["originator_version"]) for r in rows] == [
        (created.get_json()["id"].replace("-", ""), 1)]


def test_publishing_a_status_report_is_recorded(as_, projects):
    draft = as_("manager").post("/api/status-reports", json={
        "project_id": projects["P-OWN"], "period_start": "2025-04-01", "period_end": "2025-04-30",
        "overall": "green", "schedule": "green", "cost": "green", "scope": "green"}).get_json()
    as_("manager").post(f"/api/status-reports/{draft['id']}/publish", json={"reason": "April board"},
                        headers={"X-Correlation-ID": "req-publish-1"})
    _assert_stamped(_events(as_, "req-publish-1"), "core.StatusReport.Published", "manager-user",
                    "req-publish-1", "April board")


def test_closing_an_action_is_recorded(as_, projects):
    action = as_("pmo").post("/api/actions", json={"title": "Chase invoice", "owner": "pmo-user"}).get_json()
    as_("pmo").post(f"/api/actions/{action['id']}/close", json={"outcome": "paid"},
                    headers={"X-Correlation-ID": "req-close-1"})
    _assert_stamped(_events(as_, "req-close-1"), "core.Action.Closed", "pmo-user", "req-close-1")


def test_any_reader_sees_an_entitys_history_but_only_auditors_browse_requests(as_, projects):
    as_("manager").patch("/api/projects/P-OWN", json={"sponsor": "CIO"})
    history = as_("viewer").get(f"/api/entities/{projects['P-OWN']}/history").get_json()
    assert [(e["topic"], e["actor"]) for e in history] == [  # newest first
        ("core.Project.Updated", "manager-user"), ("core.Project.Registered", "setup")]
    problem(as_("viewer").get("/api/entities/00000000-0000-0000-0000-000000000000/history"), 404)
    problem(as_("viewer").get("/api/events?correlation_id=x"), 403)
    assert as_("admin").get("/api/events?correlation_id=x").get_json() == {"items": [], "next": None}
    assert list(problem(as_("auditor").get("/api/events?correlation=x"), 422)["errors"]) == ["correlation"]
