"""The governance plugin's part of the demo PMO: a steering committee of the digital services
programme that met every month of the demo year, a quarterly portfolio board and the PMO
network, with agendas on the programme's projects, decisions and actions; and gate reviews
(a no-go, a hold, and one answered and waiting for its verdict). No demo review says go: a go
moves its project, and the core demo's story fixes how many projects are in each stage.

The core demo has written its year and the ledger's time only grows, so these commands are
stamped a couple of seconds apart after the ledger's last record (``kit.DemoClock``); the year
lives in the business dates (each meeting's date, each verdict's date). Every meeting but the
latest is closed, as a secretary would once the minutes are approved. Deterministic: the same
``today`` gives the same story.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from core import queries as core_queries
from core.domain.project import NEXT_STAGE
from core.pmo import PMO
from plugins import kit
from plugins.governance import queries, services
from plugins.governance.domain import GATED_STAGES

SERIES = [
    ("Steering committee Digital services", "steering_committee", "monthly", "ruud",
     ["ruud", "karin", "joris", "lena", "saga"], "Steers the digital services programme: scope, money, gates."),
    ("Portfolio board", "portfolio_board", "quarterly", "nora", ["nora", "ruud", "henrik", "saga"],
     "Chooses and balances the portfolio; decides which proposals go ahead."),
    ("PMO network", "pmo_network", "monthly", "saga", ["saga", "joris", "lena", "mehmet"],
     "Project managers and the PMO share methods, templates and lessons."),
]
TOPICS = ["Status and RAG", "Milestones and re-forecast", "Risks to escalate", "Budget and spend",
          "Change requests", "Benefits so far"]
DECISIONS = [("Accept the re-forecast", "The new milestone dates are the baseline from now on.",
              "The supplier's delay is outside the project's control; the board accepts the later date."),
             ("Release the contingency", "Up to SEK 250,000 of contingency is released to the project.",
              "Needed to keep the go-live date; the risk it covers has materialised."),
             ("Defer the extra scope", "The extra reports move to a later release.",
              "Keeps the first release on time; the users' core needs are met without them."),
             ("Extend the pilot by a month", "The pilot runs one month longer before the wider roll-out.",
              "Too few users have tried it to judge it yet.")]
ACTIONS = ["Update the plan with the agreed dates", "Report the spend against the released contingency",
           "Tell the users which reports come later", "Collect the pilot users' feedback"]


def load(pmo: PMO, today: date) -> None:
    rng = random.Random(f"governance-{today.isoformat()}")
    clock = kit.DemoClock(pmo)
    series = [clock.run("saga", "Governance set up in PMO Ledger", lambda s=s: services.establish_series(
        pmo, s[0], s[1], s[3], s[2], s[4], s[5])) for s in SERIES]
    projects = core_queries.list_projects(pmo)
    digital = [p for p in projects if p["code"].startswith("DIG") and p["stage"] not in ("idea", "cancelled")]
    steering = series[0]
    for month in range(12, 0, -1):
        held = _first_tuesday(_months_back(today, month))
        if held >= today:
            continue
        topics = rng.sample(digital, k=min(3, len(digital)))
        agenda = [{"title": f"{p['code']}: {rng.choice(TOPICS)}", "project_id": p["id"]} for p in topics]
        attendees = [m for m in SERIES[0][4] if rng.random() > 0.2] or [SERIES[0][3]]
        meeting = clock.run("saga", "Minutes of the steering committee", lambda: services.schedule_meeting(
            pmo, steering.id, held, agenda=agenda, attendees=attendees,
            minutes=f"The committee went through {len(agenda)} items. " + " ".join(
                f"{p['code']} reported on {a['title'].split(': ', 1)[1].lower()}." for p, a in zip(topics, agenda))))
        title, decision, rationale = DECISIONS[month % len(DECISIONS)]
        subject = topics[0]
        clock.run("saga", "Decision of the steering committee", lambda: services.record_meeting_decision(
            pmo, meeting.id, f"{subject['code']}: {title.lower()}", decision, rationale, subject["id"]))
        clock.run("saga", "Action of the steering committee", lambda: services.assign_meeting_action(
            pmo, meeting.id, ACTIONS[month % len(ACTIONS)], subject["manager"] or "saga", held + timedelta(days=21),
            subject["id"]))
        if month > 1:
            clock.run("saga", "Minutes approved", lambda: services.close_meeting(pmo, meeting.id, "Minutes approved."))
    for quarter in (9, 6, 3):
        held = _first_tuesday(_months_back(today, quarter)) + timedelta(days=7)
        meeting = clock.run("saga", "Minutes of the portfolio board", lambda: services.schedule_meeting(
            pmo, series[1].id, held, agenda=[{"title": "Portfolio overview and balance"},
                                             {"title": "Proposals for the next quarter"}],
            attendees=SERIES[1][4], minutes="The board reviewed the portfolio's balance and the proposals."))
        clock.run("saga", "Decision of the portfolio board", lambda: services.record_meeting_decision(
            pmo, meeting.id, "Keep the portfolio's balance", "No new large projects start this quarter.",
            "Capacity is fully booked by the running projects."))
        clock.run("saga", "Minutes approved", lambda: services.close_meeting(pmo, meeting.id, "Minutes approved."))
    _reviews(pmo, clock, today, projects)


def _reviews(pmo: PMO, clock: kit.DemoClock, today: date, projects: list[dict]) -> None:
    """A no-go, a hold and an open review (answered, waiting for the verdict), on projects at a gate."""
    at_gate = [p for p in projects if NEXT_STAGE.get(p["stage"]) in GATED_STAGES
               and queries.open_review_of(pmo, p["id"]) is None]
    plan = ["no_go", "hold", None]
    for n, (project, verdict) in enumerate(zip(at_gate, plan)):
        day = today - timedelta(days=40 - 10 * n)
        review = clock.run("saga", "Gate review held", lambda: services.open_gate_review(
            pmo, project["id"], "ruud", day))
        answers = [{"answer": "met", "evidence": "Seen in the project's documents"} for _ in review.checklist]
        if verdict is None:
            clock.run("saga", "Checklist prepared", lambda: services.answer_gate_review(pmo, review.id, answers))
            continue
        conditions = []
        if verdict == "no_go":
            answers[1] = {"answer": "not_met", "evidence": "The sponsor has not signed yet"}
            summary = "Come back when the sponsor has signed the business case."
        else:
            answers[-1] = {"answer": "not_met", "evidence": "Register last updated two months ago"}
            conditions = [{"title": "Bring the risk register up to date", "owner": project["manager"] or "saga",
                           "due_date": day + timedelta(days=14)}]
            summary = "On hold until the risk register is up to date and the budget round is done."
        clock.run("ruud", "Gate review verdict", lambda: services.decide_gate_review(
            pmo, review.id, verdict, answers, summary, conditions, day))


def _months_back(today: date, months: int) -> date:
    year, month = today.year, today.month - months
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


def _first_tuesday(first: date) -> date:
    return first + timedelta(days=(1 - first.weekday()) % 7)
