"""Pages and API as a person and a script use them: the curve, the map, the closure panel,
as_of on every read, the forms, the export and the OpenAPI document."""
from __future__ import annotations

import re

from core.services import projects
from events.context import command_context
from tests.conftest import csrf_token_from
from tests.plugins.benefits.conftest import at, problem

BEFORE_LAST = at(5).date().isoformat()  # the end of the day the third measurement was recorded


def submit(client, url: str, data: dict):
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_the_benefit_page_shows_the_curve_and_as_of_hides_the_last_measurement(story, sign_in):
    client = sign_in("viewer")
    url = f"/benefits/{story['benefit']}"
    html = client.get(url).get_data(as_text=True)
    assert 'class="curve-planned"' in html and 'class="curve-actual"' in html
    assert html.count('<tr class="measurement">') == 4 and "2024-11-30" in html
    assert "state-at-risk" in html and 'role="alert"' in html
    past = client.get(f"{url}?as_of={BEFORE_LAST}").get_data(as_text=True)
    assert past.count('<tr class="measurement">') == 3 and "2024-11-30" not in past
    for page in ("/benefits/", "/benefits/overview", "/benefits/map", f"/projects/P-OWN"):
        assert "2024-11-30" not in client.get(f"{page}?as_of={BEFORE_LAST}").get_data(as_text=True)
    assert ">24 %" in client.get("/benefits/").get_data(as_text=True)
    assert ">24 %" not in client.get(f"/benefits/?as_of={BEFORE_LAST}").get_data(as_text=True)
    csv = client.get(f"/benefits/export?format=csv&as_of={BEFORE_LAST}").get_data(as_text=True)
    assert "B-001" in csv and ",22.0," in csv and ",24.0," not in csv


def test_the_api_reads_honour_as_of(story, as_):
    viewer, bid = as_("viewer"), story["benefit"]
    now = viewer.get(f"/api/benefits/{bid}").get_json()
    assert now["state"] == "at risk" and now["latest_value"] == 24 and now["measurements"] == 4
    past = viewer.get(f"/api/benefits/{bid}?as_of={BEFORE_LAST}")
    assert past.headers["X-As-Of-Position"] and past.get_json()["latest_value"] == 22
    assert len(viewer.get(f"/api/benefits/{bid}/measurements?as_of={BEFORE_LAST}").get_json()) == 3
    assert [m["value"] for m in viewer.get(f"/api/benefits/{bid}/measurements").get_json()] == [14, 19, 22, 24]
    assert viewer.get(f"/api/benefits?as_of={BEFORE_LAST}").get_json()[0]["latest_value"] == 22
    assert viewer.get(f"/api/benefits/overview?as_of={BEFORE_LAST}").get_json()[0]["totals"][0]["realised"] == 12
    assert problem(viewer.get(f"/api/benefits/{bid}?as_of={at(1).date()}"), 404)


def test_the_map_draws_exactly_the_links_that_exist(story, as_, sign_in):
    pmo, places = story["pmo"], story["places"]
    pmo_caller = as_("pmo")
    second = pmo_caller.post("/api/benefits", json={
        "title": "Printing cost", "owner": "saga", "kind": "dis-benefit", "indicator": "Cost", "unit": "SEK",
        "baseline_value": 0, "baseline_date": "2024-01-01", "target_value": 5000, "target_date": "2025-01-01",
        "enablers": [{"project_id": str(places["P-OTHER"])}, {"project_id": str(places["P-OWN"])}]})
    assert second.status_code == 201, second.get_data(as_text=True)
    lone = pmo_caller.post("/api/benefits", json={
        "title": "Lone", "owner": "saga", "indicator": "I", "unit": "u", "baseline_value": 1,
        "baseline_date": "2024-01-01", "target_value": 2, "target_date": "2025-01-01"}).get_json()
    b1, b2 = str(story["benefit"]), second.get_json()["id"]
    expected = {("objective", str(story["objective"]), b1), ("project", b1, str(places["P-OWN"])),
                ("project", b2, str(places["P-OWN"])), ("project", b2, str(places["P-OTHER"]))}
    edges = as_("viewer").get("/api/benefits/map").get_json()["edges"]
    assert {(e["kind"], e["source"], e["target"]) for e in edges} == expected and len(edges) == 4
    # Unlinking removes the line (API calls first: the signed-in client below shares the cookies).
    answer = pmo_caller.patch(f"/api/benefits/{b2}", json={"enablers": [{"project_id": str(places["P-OTHER"])}]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    expected -= {("project", b2, str(places["P-OWN"]))}
    edges = as_("viewer").get("/api/benefits/map").get_json()["edges"]
    assert {(e["kind"], e["source"], e["target"]) for e in edges} == expected
    client = sign_in("viewer")
    html = client.get("/benefits/map").get_data(as_text=True)
    assert set(re.findall(r'class="edge edge-(\w+)" data-from="([^"]+)" data-to="([^"]+)"', html)) == expected
    assert html.count('class="node node-benefit') == 3 and "node-benefit dis-benefit" in html
    # A programme's map: the benefits its projects enable, with all their links; not the lone one.
    prg = client.get("/benefits/map?programme=PRG").get_data(as_text=True)
    assert set(re.findall(r'class="edge edge-(\w+)" data-from="([^"]+)" data-to="([^"]+)"', prg)) == {
        e for e in expected if e[1] != b2}
    assert lone["id"] not in prg and b2 not in prg


def test_closing_the_project_keeps_the_benefit_measurable_and_the_panel_lists_it(story, sign_in, as_):
    pmo, pid = story["pmo"], story["places"]["P-OWN"]
    with command_context("pmo-user", "gates"):
        for stage in ("proposed", "approved", "active", "closed"):
            projects.move_project_to_stage(pmo, pid, stage, f"Board: {stage}")
    client = sign_in("manager")
    panel = client.get("/projects/P-OWN").get_data(as_text=True)
    assert "Benefits to measure after closure" in panel and "after-user" in panel and "Online applications" in panel
    # The manager of the closed project records a measurement through the form.
    answer = submit(client, f"/benefits/{story['benefit']}/measure", {"measured_on": "2025-02-01", "value": "31"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    row = as_("viewer").get(f"/api/benefits/{story['benefit']}").get_json()
    assert row["state"] == "realised" and row["measured_by"] == "after-user" and row["status"] == "open"
    overview = as_("viewer").get("/api/benefits/overview").get_json()
    assert overview[0]["benefits"][0]["ref"] == "B-001" and overview[0]["totals"][0]["realised"] == 21


def test_forms_register_a_benefit_and_refuse_bad_input_with_422(story, sign_in, as_):
    bad = as_("pmo").post(f"/api/benefits/{story['benefit']}/measurements", json={"value": "lots"})
    assert "value" in problem(bad, 422)["errors"]  # (API first: the signed-in client shares the cookies)
    client = sign_in("manager")
    data = {"title": "Fewer paper forms", "kind": "benefit", "category": "financial", "benefit_type": "cost_saving",
            "owner": "saga", "indicator": "Forms printed", "unit": "forms", "baseline_value": "1000",
            "baseline_date": "2024-01-01", "target_value": "200", "target_date": "2024-01-01",
            "frequency": "monthly", "project_ids": str(story["places"]["P-OWN"])}
    refused = submit(client, "/benefits/new", data)
    assert refused.status_code == 422 and "target date must come after" in refused.get_data(as_text=True)
    created = submit(client, "/benefits/new", {**data, "target_date": "2025-01-01"})
    assert created.status_code == 303
    assert "Fewer paper forms" in client.get(created.headers["Location"]).get_data(as_text=True)
    # Not the manager's project: refused (403) before the form is read, nothing written.
    other = submit(client, "/benefits/new", {**data, "target_date": "2025-01-01",
                                             "project_ids": str(story["places"]["P-OTHER"])})
    assert other.status_code == 403
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/benefits/{benefit_id}/measurements" in spec["paths"] and "/api/objectives" in spec["paths"]
