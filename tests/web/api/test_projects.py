"""A PMO officer and project managers work with projects through the API."""
from tests.web.api.conftest import etag, problem


def test_register_find_update_and_pass_gates(as_):
    pmo = as_("pmo")
    # The PMO sets up a programme and registers a project in it.
    programme = pmo.post("/api/programmes", json={"code": "PR-1", "name": "Digital"}).get_json()
    created = pmo.post("/api/projects", json={
        "code": "P-042", "name": "New CRM", "manager": "manager-user", "programme_id": programme["id"],
        "start_date": "2025-01-06", "end_date": "2025-12-19",
    })
    assert created.status_code == 201
    project = created.get_json()
    assert created.headers["Location"] == f"/api/projects/{project['id']}"
    assert etag(created) == '"1"'
    assert project["stage"] == "idea" and project["start_date"] == "2025-01-06"

    # Anyone can find it by id or code, and in the list filtered by manager and text.
    assert pmo.get(f"/api/projects/{project['id']}").get_json()["code"] == "P-042"
    shown = as_("viewer").get("/api/projects/p-042")
    assert shown.status_code == 200 and etag(shown) == '"1"'
    listed = as_("viewer").get("/api/projects?manager=manager-user&q=crm").get_json()
    assert [p["code"] for p in listed] == ["P-042"]
    assert as_("viewer").get("/api/projects?stage=active").get_json() == []

    # The PMO renames it, naming the version it read.
    renamed = pmo.patch("/api/projects/P-042", json={"name": "CRM replacement"},
                        headers={"If-Match": etag(created)})
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["name"] == "CRM replacement" and etag(renamed) == '"2"'

    # It passes its first gate, with the gate decision kept in its stage history.
    moved = pmo.post("/api/projects/P-042/stage", json={
        "stage": "proposed", "gate_decision": "Idea board: worth a business case"})
    assert moved.status_code == 200 and moved.get_json()["stage"] == "proposed"
    history = pmo.get("/api/projects/P-042/stage-history").get_json()
    assert [(h["from_stage"], h["stage"], h["actor"]) for h in history] == [("idea", "proposed", "pmo-user")]


def test_a_gate_cannot_be_skipped(as_, projects):
    skipped = as_("pmo").post("/api/projects/P-OWN/stage", json={"stage": "active", "gate_decision": "go"})
    assert problem(skipped, 422)["errors"] == {"stage": [
        "a project in stage idea can move to proposed or cancelled, not active"]}


def test_a_taken_code_is_a_conflict(as_, projects):
    again = as_("pmo").post("/api/projects", json={"code": "p-own", "name": "Clash"})
    assert "already taken" in problem(again, 409)["detail"]


def test_unknown_project_is_not_found(as_):
    assert problem(as_("viewer").get("/api/projects/NOPE"), 404)["detail"] == "no project NOPE"


def test_a_manager_registers_projects_for_themselves_only(as_, people):
    manager = as_("manager")
    # Without naming a manager, the project manager becomes its manager.
    mine = manager.post("/api/projects", json={"code": "P-MINE", "name": "Mine"})
    assert mine.status_code == 201 and mine.get_json()["manager"] == "manager-user"
    # Naming someone else is refused.
    theirs = manager.post("/api/projects", json={"code": "P-THEIRS", "name": "X", "manager": "pmo-user"})
    problem(theirs, 403)
    assert as_("pmo").get("/api/projects/P-THEIRS").status_code == 404


def test_a_manager_edits_their_project_but_cannot_hand_it_over(as_, projects):
    manager = as_("manager")
    assert manager.patch("/api/projects/P-OWN", json={"sponsor": "CFO"}).status_code == 200
    problem(manager.patch("/api/projects/P-OWN", json={"manager": "manager2-user"}), 403)
    # The PMO can hand it over.
    handed = as_("pmo").patch("/api/projects/P-OWN", json={"manager": "manager2-user"})
    assert handed.get_json()["manager"] == "manager2-user"


def test_the_project_shows_its_latest_published_rag(as_, projects):
    as_("manager").post("/api/status-reports", json={
        "project_id": projects["P-OWN"], "period_start": "2025-03-01", "period_end": "2025-03-31",
        "overall": "amber", "schedule": "amber", "cost": "green", "scope": "green",
        "progress_pct": 40, "publish": True})
    project = as_("viewer").get("/api/projects/P-OWN").get_json()
    assert (project["overall"], project["progress_pct"], project["last_report"]) == (
        "amber", 40, "2025-03-31")
    assert [p["code"] for p in as_("viewer").get("/api/projects?rag=amber").get_json()] == ["P-OWN"]
