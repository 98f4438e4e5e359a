"""Who may call the risk plugin's routes (see tests/security/matrix.py), and its things on each side."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable

from tests.security.matrix import (ADMIN, EDIT, EVERYONE, ITEM_SIDES, PORTFOLIO, READ, WRITE, Call, X, const,
                                   spare)

SIDED_PARAMS = {"risk_id": ITEM_SIDES, "issue_id": ITEM_SIDES}


def risk_place(call: Call) -> dict:
    """Where a new risk or issue goes: the side's project, or (none) the whole portfolio."""
    pid = call.project_id()
    return {"scope": "project", "project_id": pid} if pid else {"scope": "portfolio"}


def risk_form_place(call: Call) -> dict:
    pid = call.project_id()
    return {"where": f"project:{pid}" if pid else "portfolio"}


TABLE: dict[str, dict[str, Any]] = {
    "/risks/static/<path:filename>": {"GET": EVERYONE},
    "/risks/": {"GET": READ},
    "/risks/heatmap": {"GET": READ},
    "/risks/review-due": {"GET": READ},
    "/risks/export": {"GET": READ},
    "/risks/scales": {"GET": READ},
    "/risks/scales/edit": {"GET": ADMIN, "POST": ADMIN},
    "/risks/import": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    "/risks/new": {"GET": WRITE, "POST": X(EDIT, body=risk_form_place, sides=ITEM_SIDES)},
    "/risks/<uuid:risk_id>": {"GET": READ},
    "/risks/<uuid:risk_id>/edit": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/assess": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/response": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/mitigate": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/review": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/close": {"GET": X(EDIT, params=spare("risk_id", "risk_end_ui")),
                                    "POST": X(EDIT, params=spare("risk_id", "risk_end_ui"))},
    "/risks/<uuid:risk_id>/materialise": {"GET": X(EDIT, params=spare("risk_id", "risk_end_ui")),
                                          "POST": X(EDIT, params=spare("risk_id", "risk_end_ui"))},
    "/risks/issues/": {"GET": READ},
    "/risks/issues/export": {"GET": READ},
    "/risks/issues/new": {"GET": WRITE, "POST": X(EDIT, body=risk_form_place, sides=ITEM_SIDES)},
    "/risks/issues/<uuid:issue_id>": {"GET": READ},
    "/risks/issues/<uuid:issue_id>/<any(edit, escalate, resolve):change>": {"GET": EDIT, "POST": EDIT},
    "/api/risks": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=lambda c: {
        "title": "T", "owner": "pia", **risk_place(c)})},
    "/api/risks/heatmap": {"GET": READ},
    "/api/risks/scales": {"GET": READ, "PUT": X(ADMIN, body=const())},
    "/api/risks/import": {"POST": X(PORTFOLIO, body=const())},
    "/api/risks/<uuid:risk_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Supplier may fail"))},
    "/api/risks/<uuid:risk_id>/assessments": {
        "GET": READ, "POST": X(EDIT, body=const(basis="residual", probability=2, impact=2))},
    "/api/risks/<uuid:risk_id>/response": {"POST": X(EDIT, body=const(strategy="reduce"))},
    "/api/risks/<uuid:risk_id>/mitigations": {"GET": READ, "POST": X(EDIT, body=const(title="T", owner="pia"))},
    "/api/risks/<uuid:risk_id>/review": {"POST": X(EDIT, body=const(next_review=None))},
    "/api/risks/<uuid:risk_id>/close": {"POST": X(EDIT, body=const(closure="gone"), params=spare("risk_id", "risk_end_api"))},
    "/api/risks/<uuid:risk_id>/materialise": {"POST": X(EDIT, body=const(), params=spare("risk_id", "risk_end_api"))},
    "/api/issues": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=lambda c: {
        "title": "T", "owner": "pia", **risk_place(c)})},
    "/api/issues/<uuid:issue_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Basement floods"))},
    "/api/issues/<uuid:issue_id>/escalate": {"POST": X(EDIT, body=const(to="portfolio"))},
    "/api/issues/<uuid:issue_id>/resolve": {
        "POST": X(EDIT, body=const(resolution="fixed"), params=spare("issue_id", "issue_end_api"))},

}


TODAY = date.today()


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """The risk plugin's things on each side (own, other: project items; none: portfolio-wide):
    a risk with its assessment, response, review and mitigation; one to end (close or
    materialise) through the API and one through the pages; an issue and one to resolve."""
    from plugins.risk import services as risk

    for side, ids in sides.items():
        where = {"scope": "project", "project_id": ids["project"]} if ids["project"] else {"scope": "portfolio"}

        def new_risk(title: str):
            return risk.identify_risk(pmo, text(title), text("pia"), description=text("What could happen"),
                                      cause=text("Because"), effect=text("Then"), probability=3, impact=4, **where)

        main = new_risk("Supplier fails")
        risk.plan_response(pmo, main.id, "reduce", text("Second supplier"))
        risk.assess_risk(pmo, main.id, "residual", 2, 3, note=text("After the second supplier"))
        risk.review_risk(pmo, main.id, TODAY + timedelta(days=30), text("Still likely"))
        if ids["project"]:
            risk.add_mitigation(pmo, main.id, text("Find a second supplier"), text("pia"), TODAY + timedelta(days=9))
        closed = new_risk("Licence lapses")
        risk.close_risk(pmo, closed.id, text("Licence renewed"))
        issue = risk.raise_issue(pmo, text("Server room floods"), text("pia"), description=text("Water everywhere"),
                                 **where)
        resolved = risk.raise_issue(pmo, text("Badge readers down"), text("pia"), **where)
        risk.resolve_issue(pmo, resolved.id, text("Readers replaced"))
        ids.update(risk=main.id, risk_end_api=new_risk("Key person leaves").id,
                   risk_end_ui=new_risk("Budget cut").id, closed_risk=closed.id, issue=issue.id,
                   issue_end_api=risk.raise_issue(pmo, text("Printer jammed"), text("pia"), **where).id,
                   resolved_issue=resolved.id)
