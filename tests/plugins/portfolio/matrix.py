"""Who may call the portfolio plugin's routes (see tests/security/matrix.py), and its things."""
from __future__ import annotations

from typing import Any, Callable

from tests.security.matrix import EVERYONE, PORTFOLIO, READ, Call, X, const


def scores(call: Call) -> dict:
    return {"scores": [{"criterion_id": str(call.world.sides["own"]["criterion"]), "score": 3, "rationale": "r"}]}


def form_score(call: Call) -> dict:
    return {"criterion_id": str(call.world.sides["own"]["criterion"]), "score": "3", "rationale": "r"}


PROJECT = {"project_id": lambda w, side: w.sides["own"]["project"]}
KIND = "<any(drop, shift, cost, must_do, budget, capacity):kind>"
WITHDRAW = {"key": lambda w, side: "budget"}


def stale_form(call: Call) -> dict:
    """A version that is not the scenario's: the allowed get past the permission check to a 409."""
    return {"version": "999"}

TABLE: dict[str, dict[str, Any]] = {
    "/portfolio/ranking": {"GET": READ},
    "/portfolio/selection": {"GET": READ},
    "/portfolio/changes": {"GET": READ},
    "/portfolio/criteria/": {"GET": READ},
    "/portfolio/criteria/new": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(ref="", name="T", weight="1"))},
    "/portfolio/criteria/<uuid:criterion_id>/edit": {"GET": PORTFOLIO,
                                                     "POST": X(PORTFOLIO, body=const(name="Value", weight="2"))},
    "/portfolio/projects/<uuid:project_id>/score": {"GET": X(PORTFOLIO, params=PROJECT),
                                                    "POST": X(PORTFOLIO, body=form_score, params=PROJECT)},
    "/portfolio/projects/<uuid:project_id>/estimate": {"GET": X(PORTFOLIO, params=PROJECT),
                                                       "POST": X(PORTFOLIO, body=const(cost="100"), params=PROJECT)},
    "/portfolio/envelope": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(budget="1000"))},
    "/api/portfolio/criteria": {"GET": READ, "POST": X(PORTFOLIO, body=const(ref="", name="T", weight=1))},
    "/api/portfolio/criteria/<uuid:criterion_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(weight=2))},
    "/api/portfolio/projects/<uuid:project_id>/scores": {"POST": X(PORTFOLIO, body=scores, params=PROJECT)},
    "/api/portfolio/projects/<uuid:project_id>/estimate": {"PUT": X(PORTFOLIO, body=const(cost=100), params=PROJECT)},
    "/api/portfolio/envelope": {"GET": READ, "PUT": X(PORTFOLIO, body=const(budget=1000))},
    "/api/portfolio/ranking": {"GET": READ},
    "/api/portfolio/ranking/changes": {"GET": READ},
    "/api/portfolio/selection": {"GET": READ},
    "/portfolio/static/<path:filename>": {"GET": EVERYONE},
    "/portfolio/roadmap": {"GET": READ},
    "/portfolio/rollup": {"GET": READ},
    "/portfolio/scenarios/": {"GET": READ},
    "/portfolio/scenarios/new": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(name=""))},
    "/portfolio/scenarios/<uuid:scenario_id>": {"GET": READ},
    f"/portfolio/scenarios/<uuid:scenario_id>/change/{KIND}": {
        "GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(days="0", project_id="", cost="", budget="", role="",
                                                         period="", amount=""))},
    "/portfolio/scenarios/<uuid:scenario_id>/commit": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=stale_form)},
    "/portfolio/scenarios/<uuid:scenario_id>/discard": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=stale_form)},
    "/portfolio/scenarios/<uuid:scenario_id>/changes/<key>/withdraw": {
        "GET": X(PORTFOLIO, params=WITHDRAW), "POST": X(PORTFOLIO, body=stale_form, params=WITHDRAW)},
    "/api/portfolio/roadmap": {"GET": READ},
    "/api/portfolio/bubbles": {"GET": READ},
    "/api/portfolio/rollup": {"GET": READ},
    "/api/portfolio/scenarios": {"GET": READ, "POST": X(PORTFOLIO, body=const(name=""))},
    "/api/portfolio/scenarios/<uuid:scenario_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(name=""))},
    "/api/portfolio/scenarios/<uuid:scenario_id>/comparison": {"GET": READ},
    "/api/portfolio/scenarios/<uuid:scenario_id>/changes": {"POST": X(PORTFOLIO, body=const(kind="shift", days=0))},
    "/api/portfolio/scenarios/<uuid:scenario_id>/withdraw": {"POST": X(PORTFOLIO, body=const(key="no-such-change"))},
    "/api/portfolio/scenarios/<uuid:scenario_id>/discard": {"POST": X(PORTFOLIO, body=const(unknown="field"))},
    "/api/portfolio/scenarios/<uuid:scenario_id>/commit": {"POST": X(PORTFOLIO, body=const(unknown="field"))},
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """A criterion (every side names it); the own side's project scored and estimated; an envelope."""
    from plugins.portfolio import services

    criterion = services.define_criterion(pmo, "VALUE", text("Business value"), 3, text("5: large gains"))
    own = sides["own"]["project"]
    services.score_project(pmo, own, [{"criterion_id": criterion.id, "score": 4, "rationale": text("Big savings")}])
    services.estimate_project(pmo, own, 500, demands=[{"role": text("Developer"), "period": "2026-Q1", "amount": 5}])
    services.set_envelope(pmo, 1000, [{"role": text("Developer"), "period": "2026-Q1", "amount": 50}])
    from events.context import because
    from plugins.portfolio.scenarios import services as scenarios

    with because(text("what if")):
        scenario = scenarios.branch_scenario(pmo, text("Without the pilot"))
        scenarios.change_scenario(pmo, scenario.id, "budget", budget=900)
    for ids in sides.values():
        ids.update(criterion=criterion.id, scenario=scenario.id)
