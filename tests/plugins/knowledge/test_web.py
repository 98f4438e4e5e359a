"""The API and the pages: 422 with field messages, 409 on a stale version, the ranked search,
a new project from a template, the export, the project panel and the as-of view."""
from __future__ import annotations

from datetime import date

from events.context import command_context
from plugins.knowledge import queries, services
from tests.conftest import csrf_token_from
from tests.plugins.knowledge.conftest import SMALL, problem


def post_form(client, url: str, data: dict):
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_the_api_records_searches_and_refuses_bad_or_stale_input(enabled, places, as_):
    pmo = as_("pmo")
    created = pmo.post("/api/lessons", json={
        "title": "Supplier delivered late", "what_happened": "The supplier missed two deliveries.", "kind": "avoid",
        "recommendation": "Penalties", "category": "Suppliers", "tags": ["supplier"],
        "project_id": str(places["P-OWN"]), "reason": "closure workshop"})
    assert created.status_code == 201, created.get_data(as_text=True)
    lesson = created.get_json()
    assert (lesson["category"], lesson["project_code"], created.headers["ETag"]) == ("suppliers", "P-OWN", '"1"')
    bad = problem(pmo.post("/api/lessons", json={"title": "", "kind": "never", "what_happened": "x"}), 422)
    assert {"title", "kind", "recommendation", "category"} <= set(bad["errors"])
    found = pmo.get("/api/lessons?q=deliveries").get_json()
    assert [(r["title"], r["rank"]) for r in found] == [("Supplier delivered late", 1)]
    url = f"/api/lessons/{lesson['id']}"
    assert pmo.patch(url, json={"title": "Supplier late"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = problem(pmo.patch(url, json={"title": "Again"}, headers={"If-Match": '"1"'}), 409)
    assert stale["current_version"] == 2
    assert problem(pmo.post(f"{url}/retire", json={"note": " "}), 422)["errors"]
    # A manager records lessons of their own project only; a viewer none.
    body = {"title": "T", "what_happened": "W", "kind": "repeat", "recommendation": "R", "category": "scope"}
    assert as_("manager").post("/api/lessons", json={**body, "project_id": str(places["P-OWN"])}).status_code == 201
    problem(as_("manager").post("/api/lessons", json={**body, "project_id": str(places["P-OTHER"])}), 403)
    problem(as_("viewer").post("/api/lessons", json=body), 403)


def test_a_project_from_a_template_through_the_api_keeps_its_version(enabled, places, as_):
    pmo = as_("pmo")
    created = pmo.post("/api/templates", json={"name": "Small IT", **SMALL})
    assert created.status_code == 201, created.get_data(as_text=True)
    tid = created.get_json()["id"]
    made = pmo.post(f"/api/templates/{tid}/projects", json={"code": "P-T1", "name": "One", "start_date": "2026-01-05"})
    assert made.status_code == 201 and made.get_json()["template_version"] == 1
    problem(pmo.post(f"/api/templates/{tid}/projects", json={"code": "P-T2", "name": "Two"}), 422)
    assert pmo.patch(f"/api/templates/{tid}", json={"checklists": {"approved": ["Budget"]}},
                     headers={"If-Match": '"1"'}).get_json()["number"] == 2
    problem(pmo.patch(f"/api/templates/{tid}", json={"name": "X"}, headers={"If-Match": '"1"'}), 409)
    problem(pmo.post(f"/api/templates/{tid}/projects", json={"code": "P-T3", "name": "Three",
                                                            "start_date": "2026-01-05", "version": 1}), 409)
    problem(pmo.post("/api/templates", json={"name": "Bad", "milestones": [{"name": "X", "offset_days": -3}]}), 422)
    v1 = pmo.get(f"/api/templates/{tid}?version=1").get_json()
    assert v1["checklists"]["approved"] == ["Brief signed"]
    pid = made.get_json()["id"]
    assert pmo.get(f"/api/project-profiles/{pid}").get_json()["template_version"] == 1
    assert [p["code"] for p in pmo.get(f"/api/templates/{tid}/projects").get_json()] == ["P-T1"]


def test_pages_search_export_and_the_project_panel(enabled, places, sign_in):
    with command_context("pmo-user", "lessons"):
        lesson = services.record_lesson(enabled, "Supplier delivered late", "Missed <b>deliveries</b>.", "avoid",
                                        "Penalties", "suppliers", ["supplier"], "", None, date(2025, 3, 1))
        services.endorse_lesson(enabled, lesson.id)
        template = services.define_template(enabled, "Small IT", **SMALL)
    before = enabled.ledger.max_position()
    client = sign_in("pmo")
    page = client.get("/knowledge/?q=deliveries").get_data(as_text=True)
    assert "Supplier delivered late" in page and "1 lesson," in page and "lessons-chart" in page
    export = client.get("/knowledge/?q=supplier&format=csv")
    assert export.status_code == 200 and "Supplier delivered late" in export.get_data(as_text=True)
    assert client.get("/knowledge/?format=xlsx").status_code == 200
    bad = post_form(client, "/knowledge/lessons/new", {"title": "", "kind": "avoid", "project_id": ""})
    assert bad.status_code == 422 and "This field is required" in bad.get_data(as_text=True)
    made = post_form(client, f"/knowledge/templates/{template.id}/apply", {
        "version": "1", "code": "P-NEW", "name": "New", "start_date": "2026-01-05"})
    assert made.status_code == 303 and made.headers["Location"].endswith("/projects/P-NEW")
    project = client.get("/projects/P-NEW").get_data(as_text=True)
    assert "Made from template" in project and "Supplier delivered late" in project
    # Retired now; as of before, the lesson was endorsed.
    with command_context("pmo-user", "closed"):
        services.retire_lesson(enabled, lesson.id, "Old")
    assert "Retired" in client.get(f"/knowledge/lessons/{lesson.id}").get_data(as_text=True)
    assert queries.get_lesson(enabled, lesson.id, before)["status"] == "endorsed"
    # A closing project asks for lessons, prominently.
    with command_context("pmo-user", "closure"):
        from core.services import projects
        for stage in ("proposed", "approved", "active", "closed"):
            projects.move_project_to_stage(enabled, places["P-OWN"], stage, "gate passed")
    closed = client.get("/projects/P-OWN").get_data(as_text=True)
    assert "Lessons learned at closure" in closed and "Record lessons" in closed
