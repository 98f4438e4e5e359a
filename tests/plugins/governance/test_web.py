"""Pages and API as a person and a script use them: the done-when of issue 12 for gate reviews
and meetings, the guard's refusal in the core's API and form, 422/409, as_of, the CLI."""
from __future__ import annotations

from datetime import date

from core import queries as core_queries
from core.services import projects
from events.context import command_context
from plugins.governance import services
from plugins.knowledge import services as knowledge
from tests.conftest import csrf_token_from
from tests.plugins.governance.conftest import HELD_ON, answers, problem


def submit(client, url: str, data: dict):
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_hook_stage_change_guard(enabled, places, as_, sign_in):
    """A project made from a template that asks for gate reviews: the core's stage change is
    refused in the API (422 naming stage) and on the form; a go review moves it."""
    with command_context("pmo-user", "templates"):
        template = knowledge.define_template(enabled, "Large", gate_reviews_required=True,
                                             checklists={"approved": ["Signed"], "active": ["Plan"], "closed": ["Done"]})
        pid = knowledge.project_from_template(enabled, template.id, "BIG-1", "Big", date(2025, 1, 1)).id
        projects.move_project_to_stage(enabled, pid, "proposed", "proposal")
    refused = problem(as_("pmo").post("/api/projects/BIG-1/stage", json={"stage": "approved",
                                                                         "gate_decision": "board said so"}), 422)
    assert "only through a go verdict" in refused["errors"]["stage"][0]
    review = as_("pmo").post("/api/gate-reviews", json={"project_id": str(pid), "chair": "nora"}).get_json()
    assert review["checklist_source"] == "template Large v1" and review["items"] == 1
    verdict = as_("pmo").post(f"/api/gate-reviews/{review['id']}/verdict", json={
        "verdict": "go", "answers": answers(1)}, headers={"If-Match": f'"{review["version"]}"'})
    assert verdict.status_code == 200, verdict.get_data(as_text=True)
    assert core_queries.get_project(enabled, pid)["stage"] == "approved"
    # On the core's form the refusal is shown next to the stage (the next gate, to active).
    page = submit(sign_in("pmo"), "/projects/BIG-1/stage", {"stage": "active", "gate_decision": "board said so"})
    assert page.status_code == 422 and "only through a go verdict" in page.get_data(as_text=True)
    assert core_queries.get_project(enabled, pid)["stage"] == "approved"


def test_no_go_keeps_the_stage_go_moves_it_and_the_decision_log_links_to_the_review(enabled, places, as_, sign_in):
    pmo_caller, pid = as_("pmo"), places["P-OWN"]
    assert problem(pmo_caller.post("/api/gate-reviews", json={"project_id": str(places["P-OTHER"]),
                                                              "chair": "nora"}), 422)["errors"]["to_stage"]
    review = pmo_caller.post("/api/gate-reviews", json={"project_id": str(pid), "chair": "nora"})
    assert review.status_code == 201, review.get_data(as_text=True)
    rid = review.get_json()["id"]
    url = f"/api/gate-reviews/{rid}/verdict"
    assert problem(pmo_caller.post(url, json={"verdict": "maybe"}), 422)["errors"]["verdict"]
    assert problem(pmo_caller.post(url, json={"verdict": "no_go", "answers": answers(2)}), 422)["errors"]["answers"]
    assert problem(pmo_caller.post(url, json={"verdict": "go"}, headers={"If-Match": '"7"'}), 409)["current_version"] == 1
    assert problem(as_("manager").post(url, json={"verdict": "go", "answers": answers(4)}), 403)
    no_go = pmo_caller.post(url, json={"verdict": "no_go", "answers": answers(4, **{"0": ("not_met", "unsigned")}),
                                       "summary": "Sign the business case first"})
    assert no_go.get_json()["verdict"] == "no_go" and core_queries.get_project(enabled, pid)["stage"] == "proposed"
    assert problem(pmo_caller.post(url, json={"verdict": "go", "answers": answers(4)}), 422)

    second = pmo_caller.post("/api/gate-reviews", json={"project_id": str(pid), "chair": "nora"}).get_json()
    go = pmo_caller.post(f"/api/gate-reviews/{second['id']}/verdict", json={"verdict": "go", "answers": answers(4)})
    assert go.status_code == 200 and core_queries.get_project(enabled, pid)["stage"] == "approved"
    decision_id = go.get_json()["decision_id"]

    client = sign_in("viewer")
    log = client.get("/decisions?project=P-OWN").get_data(as_text=True)
    assert f'href="/governance/reviews/{second["id"]}"' in log and f'href="/governance/reviews/{rid}"' in log
    shown = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert f'href="/governance/reviews/{second["id"]}"' in shown and "Taken in gate review" in shown
    page = client.get(f"/governance/reviews/{second['id']}").get_data(as_text=True)
    assert f'href="/decisions/{decision_id}' in page and "Verdict: Go" in page
    assert "review-timeline" in client.get("/governance/").get_data(as_text=True)


def test_the_ui_runs_a_review_to_go_with_a_condition(enabled, places, sign_in):
    client = sign_in("pmo")
    opened = submit(client, "/governance/reviews/new?project=P-OWN", {"project_id": str(places["P-OWN"]),
                                                                     "chair": "nora"})
    assert opened.status_code == 303, opened.get_data(as_text=True)
    url = opened.headers["Location"]
    form = {f"answer_{n}": "met" for n in range(4)} | {f"evidence_{n}": "seen" for n in range(4)}
    refused = submit(client, f"{url}/verdict", {**form, "answer_3": "not_met", "verdict": "go_with_conditions"})
    assert refused.status_code == 422 and "needs at least one condition" in refused.get_data(as_text=True)
    done = submit(client, f"{url}/verdict", {**form, "answer_3": "not_met", "verdict": "go_with_conditions",
                                             "condition_1_title": "Trim the budget", "condition_1_owner": "nora"})
    assert done.status_code == 303, done.get_data(as_text=True)
    assert core_queries.get_project(enabled, places["P-OWN"])["stage"] == "approved"
    assert [a["title"] for a in core_queries.list_actions(enabled, places["P-OWN"])] == ["Trim the budget"]


def test_a_closed_meeting_cannot_be_edited_and_its_records_are_in_the_project_logs(enabled, places, as_, sign_in):
    pmo_caller, pid = as_("pmo"), places["P-OWN"]
    series = pmo_caller.post("/api/meeting-series", json={"name": "Steering committee", "kind": "steering_committee",
                                                          "chair": "nora", "members": ["nora", "ruud"]}).get_json()
    created = pmo_caller.post("/api/meetings", json={"series_id": series["id"], "held_on": HELD_ON.isoformat(),
                                                     "agenda": [{"title": "Status", "project_id": str(pid)}],
                                                     "attendees": ["nora", "ruud"]})
    assert created.status_code == 201, created.get_data(as_text=True)
    mid = created.get_json()["id"]
    assert problem(pmo_caller.post("/api/meetings", json={"series_id": series["id"]}), 422)["errors"]["held_on"]
    assert problem(pmo_caller.post(f"/api/meetings/{mid}/decisions", json={"title": "Go B", "decision": "B",
                                                                           "project_id": str(places["PRG"])}), 422)
    assert pmo_caller.post(f"/api/meetings/{mid}/decisions", json={
        "title": "Go with supplier B", "decision": "Contract B", "project_id": str(pid)}).status_code == 201
    assert pmo_caller.post(f"/api/meetings/{mid}/actions", json={
        "title": "Sign the contract", "owner": "nora", "project_id": str(pid)}).status_code == 201
    assert problem(pmo_caller.patch(f"/api/meetings/{mid}", json={"minutes": "x"}, headers={"If-Match": '"1"'}), 409)
    assert pmo_caller.post(f"/api/meetings/{mid}/close", json={"note": "Minutes approved"}).status_code == 200

    for method, path, body in (("PATCH", "", {"minutes": "rewritten"}), ("POST", "/decisions", {"title": "T", "decision": "D"}),
                               ("POST", "/actions", {"title": "T", "owner": "nora"}), ("POST", "/close", {})):
        answer = problem(pmo_caller.open(method, f"/api/meetings/{mid}{path}", json=body), 409)
        assert "archived" in answer["detail"]
    client = sign_in("pmo")
    for form in ("edit", "decision", "action", "close"):
        page = client.get(f"/governance/meetings/{mid}/{form}")
        assert page.status_code == 409 and "archived" in page.get_data(as_text=True)
    project_page = client.get("/projects/P-OWN").get_data(as_text=True)
    assert "Go with supplier B" in project_page and "Sign the contract" in project_page
    meeting_page = client.get(f"/governance/meetings/{mid}").get_data(as_text=True)
    assert 'id="archived"' in meeting_page and "Record a decision" not in meeting_page


def test_a_meeting_as_of_its_date_shows_the_papers_as_they_were(enabled, places, as_, sign_in):
    with command_context("pmo-user", "board"):
        series = services.establish_series(enabled, "Board", "portfolio_board", "nora")
        meeting = services.schedule_meeting(enabled, series.id, date.today(),
                                            agenda=[{"title": "P-OWN", "project_id": places["P-OWN"]}])
    then = as_("viewer").get(f"/api/meetings/{meeting.id}").get_json()
    moment = then["updated_at"]
    with command_context("pmo-user", "later"):
        projects.move_project_to_stage(enabled, places["P-OWN"], "approved", "approved after the meeting")
    now = as_("viewer").get(f"/api/meetings/{meeting.id}").get_json()
    past = as_("viewer").get(f"/api/meetings/{meeting.id}", query_string={"as_of": moment})
    assert now["agenda"][0]["project"]["stage"] == "approved"
    assert past.headers["X-As-Of-Position"] and past.get_json()["agenda"][0]["project"]["stage"] == "proposed"
    html = sign_in("viewer").get(f"/governance/meetings/{meeting.id}", query_string={"as_of": moment}).get_data(
        as_text=True)
    assert '<td class="paper-stage">proposed</td>' in html
