"""The JSON API: switched on and off, writes by role, ETags, as_of, heat map = register."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from events.context import command_context
from tests.plugins.risk.conftest import problem


def identify(caller, project_id, **fields):
    body = {"title": "Supplier late", "owner": "manager-user", "project_id": str(project_id), **fields}
    answer = caller.post("/api/risks", json=body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def test_enabling_adds_the_api_and_disabling_hides_it_but_keeps_the_data(the_pmo, people, places, as_):
    from core.services.plugins import disable_plugin, enable_plugin

    # A core-only install: the risk API answers that the plugin is off.
    off = problem(as_("pmo").get("/api/risks"), 404)
    assert "Risk register plugin is disabled" in off["detail"]
    with command_context("admin-user", "P3M3 level 2: a risk register"):
        enable_plugin(the_pmo, "risk")
    risk = identify(as_("pmo"), places["P-OWN"], probability=3, impact=3)
    assert [r["id"] for r in as_("viewer").get("/api/risks").get_json()] == [risk["id"]]
    with command_context("admin-user", "not used this year"):
        disable_plugin(the_pmo, "risk")
    assert "its data is kept" in problem(as_("pmo").get(f"/api/risks/{risk['id']}"), 404)["detail"]
    problem(as_("pmo").post("/api/issues", json={}), 404)
    with command_context("admin-user", "back"):
        enable_plugin(the_pmo, "risk")
    assert as_("viewer").get(f"/api/risks/{risk['id']}").get_json()["title"] == "Supplier late"


def test_score_and_level_are_computed_and_cannot_be_sent(enabled, places, as_):
    problem(as_("manager").post("/api/risks", json={
        "title": "x", "owner": "y", "project_id": str(places["P-OWN"]), "score": 25}), 422)
    risk = identify(as_("manager"), places["P-OWN"], probability=5, impact=4)
    assert (risk["score"], risk["level"], risk["inherent_level"]) == (20, "critical", "critical")
    bad = problem(as_("manager").post(f"/api/risks/{risk['id']}/assessments",
                                      json={"basis": "residual", "probability": 9, "impact": 1}), 422)
    assert "probability" in bad["errors"]


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_readers_write_nothing(enabled, places, as_, role):
    risk = identify(as_("pmo"), places["P-OWN"])
    head = enabled.ledger.max_position()
    caller = as_(role)
    for url, body in [("/api/risks", {"title": "x", "owner": "y", "project_id": str(places["P-OWN"])}),
                      (f"/api/risks/{risk['id']}/assessments", {"basis": "inherent", "probability": 1, "impact": 1}),
                      (f"/api/risks/{risk['id']}/close", {"closure": "x"}),
                      (f"/api/risks/{risk['id']}/materialise", {}),
                      ("/api/issues", {"title": "x", "owner": "y", "scope": "portfolio"})]:
        problem(caller.post(url, json=body), 403)
    problem(caller.patch(f"/api/risks/{risk['id']}", json={"title": "x"}), 403)
    problem(caller.put("/api/risks/scales", json={}), 403)
    assert enabled.ledger.max_position() == head
    assert caller.get(f"/api/risks/{risk['id']}").status_code == 200
    problem(as_("anonymous").get("/api/risks"), 401)


def test_managers_change_only_their_own_projects_risks(enabled, places, as_):
    own = identify(as_("manager"), places["P-OWN"])
    problem(as_("manager2").post(f"/api/risks/{own['id']}/response", json={"strategy": "reduce"}), 403)
    problem(as_("manager").post("/api/risks", json={"title": "x", "owner": "y",
                                                    "project_id": str(places["P-OTHER"])}), 403)
    problem(as_("manager").post("/api/risks", json={"title": "x", "owner": "y", "scope": "portfolio"}), 403)
    problem(as_("manager").post("/api/issues", json={"title": "x", "owner": "y", "scope": "programme",
                                                     "programme_id": str(places["PRG"])}), 403)
    answer = as_("manager").post(f"/api/risks/{own['id']}/response", json={"strategy": "reduce", "response": "plan B"})
    assert answer.status_code == 200 and answer.get_json()["strategy"] == "reduce"
    portfolio = as_("pmo").post("/api/risks", json={"title": "Budget cut", "owner": "pmo-user", "scope": "portfolio"})
    assert portfolio.status_code == 201 and portfolio.get_json()["project_id"] is None


def test_if_match_guards_against_lost_updates(enabled, places, as_):
    risk = identify(as_("manager"), places["P-OWN"])
    read = as_("manager").get(f"/api/risks/{risk['id']}")
    assert read.headers["ETag"] == f'"{risk["version"]}"'
    first = as_("manager").patch(f"/api/risks/{risk['id']}", json={"owner": "bo"}, headers={"If-Match": read.headers["ETag"]})
    assert first.status_code == 200 and first.headers["ETag"] == f'"{risk["version"] + 1}"'
    stale = problem(as_("manager").patch(f"/api/risks/{risk['id']}", json={"owner": "al"},
                                         headers={"If-Match": read.headers["ETag"]}), 409)
    assert stale["current_version"] == risk["version"] + 1
    problem(as_("manager").patch(f"/api/risks/{risk['id']}", json={"owner": "al"}, headers={"If-Match": "3"}), 400)


def test_mitigations_are_core_actions_and_show_overdue(enabled, places, as_):
    risk = identify(as_("manager"), places["P-OWN"])
    answer = as_("manager").post(f"/api/risks/{risk['id']}/mitigations",
                                 json={"title": "Penalty clause", "owner": "manager-user", "due_date": "2020-01-31"})
    assert answer.status_code == 201 and answer.get_json()["overdue"] is True
    action_id = answer.get_json()["id"]
    assert answer.headers["Location"] == f"/api/actions/{action_id}"
    actions = as_("viewer").get(f"/api/actions?project_id={places['P-OWN']}").get_json()
    assert [(a["id"], a["overdue"]) for a in actions] == [(action_id, True)]
    assert as_("viewer").get(f"/api/risks/{risk['id']}").get_json()["overdue_mitigations"] == 1
    as_("manager").post(f"/api/actions/{action_id}/close", json={"outcome": "signed"})
    assert as_("viewer").get(f"/api/risks/{risk['id']}").get_json()["overdue_mitigations"] == 0
    problem(as_("manager").post(f"/api/risks/{risk['id']}/mitigations", json={"action_id": action_id}), 422)


def test_heat_map_counts_match_the_register_for_the_same_filters_and_moment(enabled, places, as_):
    pmo_ = as_("pmo")
    a = identify(pmo_, places["P-OWN"], probability=4, impact=4)
    identify(pmo_, places["P-OWN"], probability=4, impact=4, title="Second")
    identify(pmo_, places["P-OTHER"], probability=2, impact=5, title="Elsewhere", owner="manager2-user")
    then = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    pmo_.post(f"/api/risks/{a['id']}/assessments", json={"basis": "residual", "probability": 2, "impact": 2})
    pmo_.post(f"/api/risks/{a['id']}/close", json={"closure": "mitigated"})

    for query in ("", f"&project_id={places['P-OWN']}", f"&programme_id={places['PRG']}", f"&as_of={then}",
                  f"&as_of={then}&project_id={places['P-OWN']}", "&status=all"):
        for basis in ("inherent", "residual"):
            grid = pmo_.get(f"/api/risks/heatmap?basis={basis}{query}")
            assert grid.status_code == 200, grid.get_data(as_text=True)
            for cell in grid.get_json()["cells"]:
                listed = pmo_.get(f"/api/risks?basis={basis}&probability={cell['probability']}"
                                  f"&impact={cell['impact']}{query}").get_json()
                assert cell["count"] == len(listed), (basis, query, cell)
    as_of = pmo_.get(f"/api/risks/heatmap?basis=inherent&as_of={then}")
    assert as_of.headers["X-As-Of-Position"].isdigit()
    assert {(c["probability"], c["impact"]): c["count"] for c in as_of.get_json()["cells"] if c["count"]} == {
        (4, 4): 2, (2, 5): 1}


def test_every_read_takes_as_of(enabled, places, as_):
    before = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    risk = identify(as_("pmo"), places["P-OWN"], probability=2, impact=2)
    issue = as_("pmo").post("/api/issues", json={"title": "Down", "owner": "pmo-user", "scope": "portfolio"}).get_json()
    viewer = as_("viewer")
    assert viewer.get(f"/api/risks?as_of={before}").get_json() == []
    assert viewer.get(f"/api/issues?as_of={before}").get_json() == []
    for url in (f"/api/risks/{risk['id']}", f"/api/issues/{issue['id']}", f"/api/risks/{risk['id']}/assessments"):
        problem(viewer.get(f"{url}?as_of={before}"), 404)
        assert viewer.get(url).status_code == 200
    assert viewer.get(f"/api/risks/scales?as_of={before}").get_json()["version"] == 0
    assert "as_of" in problem(viewer.get("/api/risks?as_of=yesterday"), 422)["errors"]


def test_issues_are_raised_escalated_and_resolved(enabled, places, as_):
    manager = as_("manager")
    issue = manager.post("/api/issues", json={"title": "Test server down", "owner": "manager-user",
                                              "priority": "high", "project_id": str(places["P-OWN"])})
    assert issue.status_code == 201
    iid = issue.get_json()["id"]
    up = manager.post(f"/api/issues/{iid}/escalate", json={"to": "programme", "note": "shared server"})
    assert up.get_json()["escalation"] == "programme"
    problem(manager.post(f"/api/issues/{iid}/escalate", json={"to": "programme"}), 422)
    done = manager.post(f"/api/issues/{iid}/resolve", json={"resolution": "New server"},
                        headers={"If-Match": up.headers["ETag"]})
    assert done.get_json()["status"] == "resolved"
    assert as_("viewer").get("/api/issues").get_json() == []
    assert [i["id"] for i in as_("viewer").get("/api/issues?status=all").get_json()] == [iid]


def test_scales_are_the_admins(enabled, places, as_):
    body = {"probability_labels": ["Low", "Medium", "High"], "impact_labels": ["Low", "Medium", "High"],
            "medium": 3, "high": 5, "critical": 8, "reason": "three-point scales"}
    problem(as_("pmo").put("/api/risks/scales", json=body), 403)
    shipped = as_("admin").get("/api/risks/scales").headers["ETag"]
    answer = as_("admin").put("/api/risks/scales", json=body, headers={"If-Match": shipped})
    assert answer.status_code == 200 and answer.headers["ETag"] == '"1"'
    # A second admin who read the scales as shipped does not overwrite the first one's.
    stale = problem(as_("admin").put("/api/risks/scales", json={**body, "critical": 9},
                                     headers={"If-Match": shipped}), 409)
    assert stale["current_version"] == 1
    problem(as_("admin").put("/api/risks/scales", json={**body, "critical": 99}), 422)
    risk = identify(as_("pmo"), places["P-OWN"], probability=3, impact=3)
    assert risk["level"] == "critical"
    grid = as_("viewer").get("/api/risks/heatmap?basis=inherent").get_json()
    assert len(grid["cells"]) == 9


def test_the_api_is_in_the_openapi_document(enabled, as_):
    doc = as_("viewer").get("/api/openapi.json").get_json()
    for path in ("/api/risks", "/api/risks/{risk_id}", "/api/risks/heatmap", "/api/risks/{risk_id}/assessments",
                 "/api/risks/{risk_id}/mitigations", "/api/risks/import", "/api/issues", "/api/issues/{issue_id}/escalate"):
        assert path in doc["paths"], path
    assert {"Risk", "RiskCreate", "Issue", "Heatmap", "Assessment"} <= set(doc["components"]["schemas"])
    post = doc["paths"]["/api/risks"]["post"]
    assert {"401", "403", "409", "422"} <= set(post["responses"])


def test_every_read_documents_as_of_and_answers_its_position(enabled, places, as_):
    risk = identify(as_("pmo"), places["P-OWN"])
    issue = as_("pmo").post("/api/issues", json={"title": "Down", "owner": "pmo-user", "scope": "portfolio"}).get_json()
    paths = as_("viewer").get("/api/openapi.json").get_json()["paths"]
    reads = [p for p, ops in paths.items() if p.startswith(("/api/risks", "/api/issues")) and "get" in ops]
    assert len(reads) == 8
    for path in reads:
        get = paths[path]["get"]
        assert "as_of" in [p["name"] for p in get["parameters"]], path
        assert "X-As-Of-Position" in get["responses"]["200"]["headers"], path
        url = path.replace("{risk_id}", risk["id"]).replace("{issue_id}", issue["id"])
        answer = as_("viewer").get(url, query_string={"as_of": "2025-03-12"})
        assert answer.status_code in (200, 404) and answer.headers["X-As-Of-Position"].isdigit(), url
        assert list(problem(as_("viewer").get(url, query_string={"as_of": "soon"}), 422)["errors"]) == ["as_of"]


def _plugin_routes(app, **values):
    """Every rule of the risk API, its parameters filled from ``values``."""
    import re

    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/risks", "/api/issues")):
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
            yield url, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_route_refuses_the_signed_out_and_every_write_refuses_readers(app, enabled, places, as_):
    risk = identify(as_("pmo"), places["P-OWN"])
    issue = as_("pmo").post("/api/issues", json={"title": "Down", "owner": "pmo-user", "scope": "portfolio"}).get_json()
    routes = list(_plugin_routes(app, risk_id=risk["id"], issue_id=issue["id"]))
    assert len(routes) == 15
    head = enabled.ledger.max_position()
    for url, methods in routes:
        for method in methods:
            assert problem(as_("anonymous").open(method, url, json={}), 401)["title"] == "Unauthorized", url
            if method != "GET":
                for role in ("viewer", "auditor"):
                    assert as_(role).open(method, url, json={"title": "x"}).status_code == 403, (role, method, url)
                assert as_("manager2").open(method, url, json={}).status_code in (403, 422), (method, url)
    assert enabled.ledger.max_position() == head
