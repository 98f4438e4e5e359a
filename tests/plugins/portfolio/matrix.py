"""Who may call the portfolio plugin's routes (see tests/security/matrix.py), and its things."""
from __future__ import annotations

from typing import Any, Callable

from tests.security.matrix import PORTFOLIO, READ, Call, X, const


def scores(call: Call) -> dict:
    return {"scores": [{"criterion_id": str(call.world.sides["own"]["criterion"]), "score": 3, "rationale": "r"}]}


def form_score(call: Call) -> dict:
    return {"criterion_id": str(call.world.sides["own"]["criterion"]), "score": "3", "rationale": "r"}


PROJECT = {"project_id": lambda w, side: w.sides["own"]["project"]}

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
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """A criterion (every side names it); the own side's project scored and estimated; an envelope."""
    from plugins.portfolio import services

    criterion = services.define_criterion(pmo, "VALUE", text("Business value"), 3, text("5: large gains"))
    own = sides["own"]["project"]
    services.score_project(pmo, own, [{"criterion_id": criterion.id, "score": 4, "rationale": text("Big savings")}])
    services.estimate_project(pmo, own, 500, demands=[{"role": text("Developer"), "period": "2026-Q1", "amount": 5}])
    services.set_envelope(pmo, 1000, [{"role": text("Developer"), "period": "2026-Q1", "amount": 50}])
    for ids in sides.values():
        ids.update(criterion=criterion.id)
