"""Who may call the governance plugin's routes (see tests/security/matrix.py), and its things on each side.

Reviews hang off a project (own, other); series and meetings are the PMO's (pmo, admin). Calls
that would pass a gate are built to be refused with 422 (an unanswered checklist, go with
conditions and none), so the matrix never moves the world's projects.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from tests.security.matrix import EDIT, EVERYONE, PORTFOLIO, PROJECT_SIDES, READ, WRITE, Call, X, const, spare

SIDED_PARAMS = {"review_id": PROJECT_SIDES}
STAGE = {"stage": "approved"}
ANSWERS = [{"answer": "met", "evidence": "seen"}] * 4


def open_review(call: Call) -> dict:
    return {"project_id": call.project_id(), "chair": "pia"}


def open_review_form(call: Call) -> dict:
    return {"project_id": call.project_id(), "chair": "pia"}


def new_meeting(call: Call) -> dict:
    return {"series_id": str(call.world.sides["own"]["series"]), "held_on": "2025-03-04"}


TABLE: dict[str, dict[str, Any]] = {
    "/governance/static/<path:filename>": {"GET": EVERYONE},
    "/governance/": {"GET": READ},
    "/governance/checklists": {"GET": READ},
    "/governance/checklists/<stage>": {
        "GET": X(PORTFOLIO, params=STAGE),
        "POST": X(PORTFOLIO, body=const(items="Sponsor signed\nBudget reserved"), params=STAGE)},
    "/governance/reviews/": {"GET": READ},
    "/governance/reviews/new": {"GET": WRITE, "POST": X(EDIT, body=open_review_form, sides=PROJECT_SIDES)},
    "/governance/reviews/<uuid:review_id>": {"GET": READ},
    "/governance/reviews/<uuid:review_id>/answers": {
        "GET": EDIT, "POST": X(EDIT, body=const(answer_0="met", evidence_0="seen"))},
    "/governance/reviews/<uuid:review_id>/verdict": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(verdict="go"))},
    "/governance/meetings/": {"GET": READ},
    "/governance/series/new": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(
        name="Board", kind="portfolio_board", cadence="monthly", chair="pia"))},
    "/governance/meetings/new": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(held_on="2025-03-04",
                                                                                   agenda="Status"))},
    "/governance/meetings/<uuid:meeting_id>": {"GET": READ},
    "/governance/meetings/<uuid:meeting_id>/edit": {
        "GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(held_on="2025-03-04", minutes="Noted"))},
    "/governance/meetings/<uuid:meeting_id>/decision": {
        "GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(title="Go", decision="Go ahead"))},
    "/governance/meetings/<uuid:meeting_id>/action": {
        "GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(title="Call", owner="pia", priority="normal"))},
    "/governance/meetings/<uuid:meeting_id>/close": {
        "GET": X(PORTFOLIO, params=spare("meeting_id", "meeting_to_close")),
        "POST": X(PORTFOLIO, body=const(note="Done"), params=spare("meeting_id", "meeting_end_ui"))},
    "/api/gate-checklists": {"GET": READ, "POST": X(PORTFOLIO, body=const(stage="approved", items=["Sponsor signed"]))},
    "/api/gate-reviews": {"GET": READ, "POST": X(EDIT, body=open_review, sides=PROJECT_SIDES)},
    "/api/gate-reviews/<uuid:review_id>": {"GET": READ},
    "/api/gate-reviews/<uuid:review_id>/answers": {"POST": X(EDIT, body=const(answers=ANSWERS))},
    "/api/gate-reviews/<uuid:review_id>/verdict": {"POST": X(PORTFOLIO, body=const(verdict="go_with_conditions"))},
    "/api/meeting-series": {"GET": READ, "POST": X(PORTFOLIO, body=const(name="Board", kind="portfolio_board",
                                                                          chair="pia"))},
    "/api/meeting-series/<uuid:series_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(cadence="monthly"))},
    "/api/meetings": {"GET": READ, "POST": X(PORTFOLIO, body=new_meeting)},
    "/api/meetings/<uuid:meeting_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(minutes="Noted"))},
    "/api/meetings/<uuid:meeting_id>/decisions": {"POST": X(PORTFOLIO, body=const(title="Go", decision="Go ahead"))},
    "/api/meetings/<uuid:meeting_id>/actions": {"POST": X(PORTFOLIO, body=const(title="Call", owner="pia"))},
    "/api/meetings/<uuid:meeting_id>/close": {
        "POST": X(PORTFOLIO, body=const(note="Done"), params=spare("meeting_id", "meeting_end_api"))},
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """A steering committee with an open meeting on the own project (and a closed one, and two
    to close); per project side an open review of the project's next gate (to closed)."""
    from plugins.governance import services as governance

    series = governance.establish_series(pmo, text("Steering committee"), "steering_committee", text("pia"),
                                         members=[text("nora"), text("pia")], description=text("Steers"))

    def meeting(title: str, close: bool = False):
        m = governance.schedule_meeting(pmo, series.id, date(2025, 3, 4), text(title), agenda=[
            {"title": text("Status"), "project_id": sides["own"]["project"]}], attendees=[text("nora")],
            minutes=text("Minutes"))
        if close:
            governance.close_meeting(pmo, m.id, text("Approved"))
        return m.id

    main = meeting("March")
    governance.record_meeting_decision(pmo, main, text("Go with B"), text("Contract B"), text("Cheaper"),
                                       sides["own"]["project"])
    governance.assign_meeting_action(pmo, main, text("Sign"), text("pia"), None, sides["own"]["project"])
    shared = {"series": series.id, "meeting": main, "closed_meeting": meeting("February", close=True),
              "meeting_to_close": meeting("April"), "meeting_end_ui": meeting("May"),
              "meeting_end_api": meeting("June")}
    for side, ids in sides.items():
        ids.update(shared)
        if ids["project"]:
            ids["review"] = governance.open_gate_review(pmo, ids["project"], text("nora")).id
