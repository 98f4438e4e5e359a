"""Who may call the benefits plugin's routes (see tests/security/matrix.py), and its things on each side."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from tests.security.matrix import (EDIT, EVERYONE, ITEM_SIDES, PORTFOLIO, READ, WRITE, Call, X, const, spare)

SIDED_PARAMS = {"benefit_id": ITEM_SIDES}

MEASURE = {"indicator": "Online share", "unit": "%", "baseline_value": 10, "baseline_date": "2024-01-01",
           "target_value": 30, "target_date": "2025-01-01"}


def api_benefit(call: Call) -> dict:
    pid = call.project_id()
    return {"title": "T", "owner": "pia", **MEASURE, "enablers": [{"project_id": pid}] if pid else []}


def form_benefit(call: Call) -> dict:
    pid = call.project_id()
    return {"title": "T", "owner": "pia", "kind": "benefit", "category": "financial", "benefit_type": "other",
            "frequency": "quarterly", **MEASURE, **({"project_ids": pid} if pid else {})}


OBJECTIVE = {"title": "T", "owner": "pia", "period_start": "2024-01-01", "period_end": "2026-12-31"}

TABLE: dict[str, dict[str, Any]] = {
    "/benefits/static/<path:filename>": {"GET": EVERYONE},
    "/benefits/": {"GET": READ},
    "/benefits/export": {"GET": READ},
    "/benefits/overview": {"GET": READ},
    "/benefits/map": {"GET": READ},
    "/benefits/objectives/": {"GET": READ},
    "/benefits/objectives/new": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(**OBJECTIVE))},
    "/benefits/objectives/<uuid:objective_id>/edit": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(**OBJECTIVE))},
    "/benefits/new": {"GET": WRITE, "POST": X(EDIT, body=form_benefit, sides=ITEM_SIDES)},
    "/benefits/<uuid:benefit_id>": {"GET": READ},
    "/benefits/<uuid:benefit_id>/edit": {"GET": EDIT, "POST": X(EDIT, body=form_benefit)},
    "/benefits/<uuid:benefit_id>/measure": {"GET": EDIT, "POST": X(EDIT, body=const(value="12"))},
    "/benefits/<uuid:benefit_id>/hand-over": {"GET": EDIT, "POST": X(EDIT, body=const(measurement_owner="pia"))},
    "/benefits/<uuid:benefit_id>/close": {
        "GET": X(EDIT, params=spare("benefit_id", "benefit_end_ui")),
        "POST": X(EDIT, body=const(outcome="realised", note="done"), params=spare("benefit_id", "benefit_end_ui"))},
    "/api/objectives": {"GET": READ, "POST": X(PORTFOLIO, body=const(**OBJECTIVE))},
    "/api/objectives/<uuid:objective_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(title="Faster permits"))},
    "/api/benefits": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=api_benefit)},
    "/api/benefits/map": {"GET": READ},
    "/api/benefits/overview": {"GET": READ},
    "/api/benefits/<uuid:benefit_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Online applications"))},
    "/api/benefits/<uuid:benefit_id>/measurements": {"GET": READ, "POST": X(EDIT, body=const(value=12))},
    "/api/benefits/<uuid:benefit_id>/hand-over": {"POST": X(EDIT, body=const(measurement_owner="pia"))},
    "/api/benefits/<uuid:benefit_id>/close": {
        "POST": X(EDIT, body=const(outcome="realised", note="done"), params=spare("benefit_id", "benefit_end_api"))},
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """An objective (every side names it); per side a benefit enabled by the side's project
    (none: by no project) serving it, measured twice; one to close through the API and one
    through the pages."""
    from plugins.benefits import services as benefits

    objective = benefits.define_objective(pmo, text("Faster permits"), text("nora"), date(2024, 1, 1),
                                          date(2026, 12, 31), text("Most errands online"))
    for side, ids in sides.items():
        enablers = [{"project_id": ids["project"], "output": text("Portal live")}] if ids["project"] else []

        def new_benefit(title: str):
            return benefits.register_benefit(
                pmo, text(title), text("pia"), text("Online share"), text("%"), 10, date(2024, 1, 1), 30,
                date(2025, 1, 1), description=text("Residents apply online"), post_project_owner=text("nora"),
                objective_ids=[objective.id], enablers=enablers)

        main = new_benefit("Online applications")
        benefits.measure_benefit(pmo, main.id, 14, date(2024, 3, 1), text("From the portal"))
        benefits.measure_benefit(pmo, main.id, 19, date(2024, 6, 1), text("From the portal"))
        ids.update(benefit=main.id, benefit_end_api=new_benefit("Fewer calls").id,
                   benefit_end_ui=new_benefit("Less paper").id, objective=objective.id)
