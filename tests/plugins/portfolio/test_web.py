"""Pages, API and CLI as a PMO officer and a script use them: define and weigh criteria, score
and estimate projects, see the ranking and the selection, ask why the ranking changed."""
from __future__ import annotations

from datetime import datetime, timezone

from core.services.plugins import enable_plugin
from events.context import command_context
from tests.conftest import csrf_token_from
from tests.plugins.portfolio.conftest import at, problem


def submit(client, url: str, data: dict):
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_a_script_scores_ranks_selects_and_asks_why(enabled, places, as_):
    pmo_caller, viewer = as_("pmo"), as_("viewer")
    value = pmo_caller.post("/api/portfolio/criteria", json={"ref": "VALUE", "name": "Value", "weight": 3})
    risk = pmo_caller.post("/api/portfolio/criteria", json={"ref": "RISK", "name": "Risk", "weight": 1})
    assert value.status_code == 201 and risk.status_code == 201, value.get_data(as_text=True)
    v, r = value.get_json()["id"], risk.get_json()["id"]
    own, other = places["P-OWN"], places["P-OTHER"]
    for pid, (sv, sr) in ((own, (5, 1)), (other, (3, 5))):
        answer = pmo_caller.post(f"/api/portfolio/projects/{pid}/scores", json={"scores": [
            {"criterion_id": v, "score": sv, "rationale": "savings"}, {"criterion_id": r, "score": sr, "rationale": "risk"}]})
        assert answer.status_code == 200, answer.get_data(as_text=True)
    assert [p["code"] for p in viewer.get("/api/portfolio/ranking").get_json()] == ["P-OWN", "P-OTHER"]
    before = datetime.now(timezone.utc).isoformat()
    assert pmo_caller.patch(f"/api/portfolio/criteria/{r}", json={"weight": 3, "reason": "overruns"}).status_code == 200
    assert [p["code"] for p in viewer.get("/api/portfolio/ranking").get_json()] == ["P-OTHER", "P-OWN"]
    why = viewer.get("/api/portfolio/ranking/changes", query_string={"since": before}).get_json()
    assert why["reordered"] and why["scores"] == []
    assert [(w["ref"], w["before"], w["after"], w["reason"]) for w in why["weights"]] == [("RISK", 1, 3, "overruns")]

    for pid, cost in ((own, 700), (other, 400)):
        assert pmo_caller.put(f"/api/portfolio/projects/{pid}/estimate", json={"cost": cost}).status_code == 200
    assert pmo_caller.put("/api/portfolio/envelope", json={"budget": 1000}).status_code == 200
    chosen = viewer.get("/api/portfolio/selection").get_json()
    assert [p["code"] for p in chosen["chosen"]] == ["P-OTHER"] and chosen["binding"] == ["budget"]
    assert len(viewer.get("/api/portfolio/selection?budget=2000").get_json()["chosen"]) == 2
    # Bad input: field messages, nothing written.
    bad = problem(pmo_caller.post(f"/api/portfolio/projects/{own}/scores", json={"scores": [
        {"criterion_id": v, "score": 9, "rationale": "x"}]}), 422)
    assert "scores.0.score" in bad["errors"]
    assert problem(viewer.put("/api/portfolio/envelope", json={"budget": 1}), 403)
    assert problem(as_("manager").post("/api/portfolio/criteria", json={"ref": "X", "name": "X", "weight": 1}), 403)


def test_the_pages_score_estimate_and_select(enabled, places, sign_in):
    client = sign_in("pmo")
    assert submit(client, "/portfolio/criteria/new", {"ref": "VALUE", "name": "Value", "weight": "2"}).status_code == 303
    form = client.get(f"/portfolio/projects/{places['P-OWN']}/score").get_data(as_text=True)
    criterion = form.split('<option value="')[1].split('"')[0]
    done = submit(client, f"/portfolio/projects/{places['P-OWN']}/score",
                  {"criterion_id": criterion, "score": "4", "rationale": "Saves <b>money</b>"})
    assert done.status_code == 303
    again = submit(client, f"/portfolio/projects/{places['P-OWN']}/score",
                   {"criterion_id": criterion, "score": "7", "rationale": ""})
    assert again.status_code == 422 and "Rationale" in again.get_data(as_text=True)
    assert submit(client, f"/portfolio/projects/{places['P-OWN']}/estimate",
                  {"cost": "500", "demands": "Developer 2026-Q1 80"}).status_code == 303
    bad = submit(client, f"/portfolio/projects/{places['P-OTHER']}/estimate", {"cost": "5", "demands": "nonsense"})
    assert bad.status_code == 422 and "role period amount" in bad.get_data(as_text=True)
    assert submit(client, "/portfolio/envelope", {"budget": "400", "capacities": "Developer 2026-Q1 100"}).status_code == 303
    ranking = client.get("/portfolio/ranking").get_data(as_text=True)
    assert "Saves &lt;b&gt;money&lt;/b&gt;" in ranking and "svg" in ranking
    selection = client.get("/portfolio/selection").get_data(as_text=True)
    assert "Binding: <strong>budget</strong>" in selection
    assert client.get("/portfolio/selection?budget=1000").get_data(as_text=True).count("No limit binds") == 1
    assert client.get("/portfolio/selection?budget=lots").status_code == 422
    assert client.get("/portfolio/changes?since=2000-01-01").status_code == 200
    assert client.get("/portfolio/changes?since=never").status_code == 422


def test_enabled_late_the_ranking_shows_projects_as_of_before(the_pmo, places, sign_in, people):
    """Projects registered before the plugin existed are ranked as of any earlier moment."""
    with command_context(people["admin"]["username"], "later", occurred_at=at(400)):
        enable_plugin(the_pmo, "portfolio")
    client = sign_in("viewer")
    html = client.get("/portfolio/ranking?as_of=2000-01-01").get_data(as_text=True)
    assert "P-OWN" not in html  # nothing existed then
    today = client.get("/portfolio/ranking").get_data(as_text=True)
    assert "P-OWN" in today and "P-OTHER" in today
