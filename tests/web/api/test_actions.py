"""Actions: assigned with an owner and a due date, updated, closed, cancelled, reopened."""
from datetime import date, timedelta

from tests.web.api.conftest import etag, problem


def test_assign_update_close_and_reopen(as_, projects):
    manager = as_("manager")
    assigned = manager.post("/api/actions", json={
        "title": "Book the venue", "owner": "manager-user", "due_date": "2025-05-01",
        "project_id": projects["P-OWN"]})
    assert assigned.status_code == 201
    action = assigned.get_json()
    url = f"/api/actions/{action['id']}"
    assert assigned.headers["Location"] == url and action["status"] == "open"

    updated = manager.patch(url, json={"owner": "pmo-user", "due_date": None},
                            headers={"If-Match": etag(assigned)})
    assert updated.status_code == 200
    assert (updated.get_json()["owner"], updated.get_json()["due_date"]) == ("pmo-user", None)

    closed = manager.post(f"{url}/close", json={"outcome": "Booked the town hall"})
    assert closed.status_code == 200
    assert (closed.get_json()["status"], closed.get_json()["outcome"]) == ("done", "Booked the town hall")
    assert closed.get_json()["closed_at"] is not None

    # A done action cannot be closed or changed again, only reopened.
    assert "already done" in problem(manager.post(f"{url}/close"), 422)["detail"]
    reopened = manager.post(f"{url}/reopen")
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    cancelled = manager.post(f"{url}/cancel", json={"outcome": "Event called off"})
    assert cancelled.get_json()["status"] == "cancelled" and etag(cancelled) == '"5"'
    assert etag(as_("viewer").get(url)) == '"5"'


def test_the_list_filters_by_owner_status_and_overdue(as_, projects):
    pmo = as_("pmo")
    yesterday, next_week = date.today() - timedelta(days=1), date.today() + timedelta(days=7)
    late = pmo.post("/api/actions", json={"title": "Late", "owner": "ann", "due_date": yesterday.isoformat()})
    pmo.post("/api/actions", json={"title": "Fine", "owner": "bob", "due_date": next_week.isoformat(),
                                   "project_id": projects["P-OTHER"]})
    viewer = as_("viewer")
    assert [a["title"] for a in viewer.get("/api/actions?overdue=true").get_json()] == ["Late"]
    assert late.get_json()["overdue"] is True
    assert [a["title"] for a in viewer.get("/api/actions?owner=bob&status=open").get_json()] == ["Fine"]
    other = viewer.get(f"/api/actions?project_id={projects['P-OTHER']}").get_json()
    assert [a["title"] for a in other] == ["Fine"]
    assert problem(viewer.get("/api/actions?status=finished"), 422)["errors"] == {
        "status": ["Must be one of: open, done, cancelled."]}
    assert list(problem(viewer.get("/api/actions?colour=red"), 422)["errors"]) == ["colour"]


def test_a_manager_cannot_touch_actions_of_another_project(as_, projects, head):
    theirs = as_("pmo").post("/api/actions", json={
        "title": "Theirs", "owner": "x", "project_id": projects["P-OTHER"]}).get_json()
    before = head()
    manager = as_("manager")
    problem(manager.post(f"/api/actions/{theirs['id']}/close"), 403)
    problem(manager.patch(f"/api/actions/{theirs['id']}", json={"title": "Mine now"}), 403)
    problem(manager.post("/api/actions", json={
        "title": "x", "owner": "x", "project_id": projects["P-OTHER"]}), 403)
    assert head() == before
