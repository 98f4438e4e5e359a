"""Gate reviews, default gate checklists, governance meeting series and meetings.

A *gate review* decides whether a project passes a stage gate (to approved, active or
closed): its checklist is copied in when it opens (from the project's template version, else
the PMO's default checklist for that stage), so later edits of either never change a review
held. Each item is answered met / not met / n.a. with evidence; the verdict is go, go with
conditions, no-go or hold. Only go and go with conditions move the project.

A *meeting series* is a recurring governance body (steering committee, portfolio board, PMO
network); a *meeting* of it has an agenda (items may name a project), attendees and minutes,
and records the decisions and actions taken in it (as core records it links to). Once closed
a meeting is the archived record: every change is refused (``MeetingClosedError``, 409).

No Flask, no marshmallow: the services call these methods; method bodies are replayed.
"""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import ConflictError, NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("5d0c7a8e-2b7f-4c61-9f0e-3a4b1d2c6e90")

GATED_STAGES = ("approved", "active", "closed")
ANSWERS = ("met", "not_met", "n_a")
VERDICTS = ("go", "go_with_conditions", "no_go", "hold")
MOVING = ("go", "go_with_conditions")  # the verdicts that pass the gate
REVIEW_STATUSES = ("open", "decided")
SERIES_KINDS = ("steering_committee", "portfolio_board", "pmo_network")
CADENCES = ("weekly", "fortnightly", "monthly", "quarterly")
MEETING_STATUSES = ("open", "closed")
ITEM_MAX = 300

# What a PMO asks at each gate when no template says otherwise; the PMO can change them.
BUILT_IN_CHECKLISTS: dict[str, tuple[str, ...]] = {
    "approved": ("A business case with costs, benefits and options is written",
                 "A sponsor is named and has agreed to the business case",
                 "The main risks are identified and assessed",
                 "The project fits the portfolio's priorities and budget"),
    "active": ("A plan with milestones and a baseline is agreed",
               "The team and the resources it needs are in place",
               "The steering group and the reporting rhythm are set",
               "The risk register is up to date"),
    "closed": ("The outputs are delivered and accepted by the business",
               "The benefits are handed over to their owners",
               "Lessons learned are recorded",
               "Open actions, risks and contracts are closed or handed over"),
}


def label(value: str) -> str:
    """'go_with_conditions' -> 'Go with conditions', 'n_a' -> 'N/a'."""
    return {"n_a": "N/a", "no_go": "No-go"}.get(value, value.replace("_", " ").capitalize())


class MeetingClosedError(ConflictError):
    """The meeting is closed: its record is archived and read-only."""


def one_of(value: str, choices, field: str) -> str:
    if value not in choices:
        raise ValidationError(f"{field.replace('_', ' ')} must be one of {', '.join(choices)}", field)
    return value


def check_items(items: list[str], field: str = "items") -> list[str]:
    """A checklist: 1-40 distinct one-line items."""
    cleaned = [(i or "").strip() for i in items or []]
    cleaned = [i for i in cleaned if i]
    if not cleaned:
        raise ValidationError("a checklist needs at least one item", field)
    if len(cleaned) > 40:
        raise ValidationError("a checklist has at most 40 items", field)
    for item in cleaned:
        if len(item) > ITEM_MAX or "\n" in item:
            raise ValidationError(f"each item is one line of at most {ITEM_MAX} characters", field)
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("an item appears twice", field)
    return cleaned


# --- default checklists -----------------------------------------------------------------------

class GateChecklist(LedgerAggregate):
    """The PMO's default checklist for one gate (used when a project has no template)."""

    TOPIC = "governance.GateChecklist"

    @staticmethod
    def create_id(stage: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"checklist:{stage}")

    @event("Defined", topic="governance.GateChecklist.Defined")
    def __init__(self, stage: str, items: list[str]):
        self.stage = stage
        self.items = list(items)

    def revise(self, items: list[str]) -> None:
        items = check_items(items)
        if items != self.items:
            self._revised(items=items)

    @event("Revised", topic="governance.GateChecklist.Revised")
    def _revised(self, items: list[str]) -> None:
        self.items = list(items)


# --- gate reviews -----------------------------------------------------------------------------

def check_answers(checklist: list[str], answers: list[dict], complete: bool) -> list[dict]:
    """One answer per item, in the checklist's order: ``{"answer", "evidence"}``; ``complete``
    asks every item answered, and evidence for each one met."""
    if len(answers) != len(checklist):
        raise ValidationError(f"give one answer per checklist item ({len(checklist)})", "answers")
    cleaned = []
    for n, (item, given) in enumerate(zip(checklist, answers), start=1):
        answer = (given.get("answer") or "").strip()
        evidence = (given.get("evidence") or "").strip()
        if answer and answer not in ANSWERS:
            raise ValidationError(f"item {n}: answer met, not_met or n_a", "answers")
        if complete and not answer:
            raise ValidationError(f"item {n} ({item}) is not answered", "answers")
        if complete and answer == "met" and not evidence:
            raise ValidationError(f"item {n} ({item}) is met: say what shows it (evidence)", "answers")
        cleaned.append({"item": item, "answer": answer, "evidence": evidence})
    return cleaned


class GateReview(LedgerAggregate):
    """A review of a project at a stage gate, its answers and its verdict."""

    TOPIC = "governance.GateReview"

    @event("Opened", topic="governance.GateReview.Opened")
    def __init__(self, project_id: uuid.UUID, project_code: str, from_stage: str, to_stage: str,
                 checklist: list[str], checklist_source: str, chair: str, planned_on: date):
        self.project_id, self.project_code = project_id, project_code
        self.from_stage, self.to_stage = from_stage, to_stage
        self.checklist = list(checklist)
        self.checklist_source = checklist_source
        self.chair, self.planned_on = chair, planned_on
        self.answers = [{"item": i, "answer": "", "evidence": ""} for i in checklist]
        self.status = "open"
        self.verdict = ""

    def require_open(self) -> None:
        if self.status != "open":
            raise NotAllowedError(f"this gate review is already decided ({label(self.verdict)})")

    def answer(self, answers: list[dict]) -> None:
        """Keep the answers given so far (the verdict comes later)."""
        self.require_open()
        cleaned = check_answers(self.checklist, answers, complete=False)
        if cleaned != self.answers:
            self._answered(answers=cleaned)

    @event("Answered", topic="governance.GateReview.Answered")
    def _answered(self, answers: list[dict]) -> None:
        self.answers = answers

    def decide(self, verdict: str, answers: list[dict], summary: str, decided_on: date,
               decision_id: uuid.UUID, action_ids: list[uuid.UUID]) -> None:
        self.require_open()
        one_of(verdict, VERDICTS, "verdict")
        cleaned = check_answers(self.checklist, answers, complete=True)
        if verdict == "go" and any(a["answer"] == "not_met" for a in cleaned):
            raise ValidationError("an item is not met: the verdict is go with conditions, no-go or hold", "verdict")
        if verdict == "go_with_conditions" and not action_ids:
            raise ValidationError("go with conditions needs at least one condition", "conditions")
        if verdict in ("no_go", "hold") and not summary.strip():
            raise ValidationError("say why the gate is not passed", "summary")
        self._decided(verdict=verdict, answers=cleaned, summary=summary.strip(), decided_on=decided_on,
                      decision_id=decision_id, action_ids=list(action_ids))

    @event("Decided", topic="governance.GateReview.Decided")
    def _decided(self, verdict: str, answers: list[dict], summary: str, decided_on: date,
                 decision_id: uuid.UUID, action_ids: list[uuid.UUID]) -> None:
        self.answers = answers
        self.verdict = verdict
        self.status = "decided"

    @property
    def passes(self) -> bool:
        return self.verdict in MOVING


# --- meetings ---------------------------------------------------------------------------------

class MeetingSeries(LedgerAggregate):
    """A recurring governance body: a steering committee, a portfolio board, a PMO network."""

    TOPIC = "governance.MeetingSeries"

    @event("Established", topic="governance.MeetingSeries.Established")
    def __init__(self, name: str, kind: str, cadence: str, chair: str, members: list[str], description: str,
                 programme_id: uuid.UUID | None):
        self.name, self.kind, self.cadence = name, kind, cadence
        self.chair, self.members, self.description = chair, list(members), description
        self.programme_id = programme_id

    def revise(self, **changes) -> None:
        fields = ("name", "kind", "cadence", "chair", "members", "description", "programme_id")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged != {f: getattr(self, f) for f in fields}:
            self._revised(**merged)

    @event("Revised", topic="governance.MeetingSeries.Revised")
    def _revised(self, name: str, kind: str, cadence: str, chair: str, members: list[str], description: str,
                 programme_id: uuid.UUID | None) -> None:
        self.name, self.kind, self.cadence = name, kind, cadence
        self.chair, self.members, self.description = chair, list(members), description
        self.programme_id = programme_id


class Meeting(LedgerAggregate):
    """One meeting of a series: agenda, attendees, minutes, what it decided; archived when closed."""

    TOPIC = "governance.Meeting"

    @event("Scheduled", topic="governance.Meeting.Scheduled")
    def __init__(self, series_id: uuid.UUID, title: str, held_on: date, agenda: list[dict], attendees: list[str],
                 minutes: str):
        self.series_id = series_id
        self.title, self.held_on, self.agenda = title, held_on, list(agenda)
        self.attendees, self.minutes = list(attendees), minutes
        self.status = "open"
        self.decision_ids: list[uuid.UUID] = []
        self.action_ids: list[uuid.UUID] = []

    def require_open(self) -> None:
        if self.status != "open":
            raise MeetingClosedError(f"the meeting \u201c{self.title}\u201d of {self.held_on} is closed; its record "
                                     "is archived and can no longer be changed", current_version=self.version)

    def update(self, **changes) -> None:
        self.require_open()
        fields = ("title", "held_on", "agenda", "attendees", "minutes")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged != {f: getattr(self, f) for f in fields}:
            self._updated(**merged)

    @event("Updated", topic="governance.Meeting.Updated")
    def _updated(self, title: str, held_on: date, agenda: list[dict], attendees: list[str], minutes: str) -> None:
        self.title, self.held_on, self.agenda = title, held_on, list(agenda)
        self.attendees, self.minutes = list(attendees), minutes

    def take_decision(self, decision_id: uuid.UUID, project_id: uuid.UUID | None, title: str) -> None:
        self.require_open()
        self._decision_taken(decision_id=decision_id, project_id=project_id, title=title)

    @event("DecisionTaken", topic="governance.Meeting.DecisionTaken")
    def _decision_taken(self, decision_id: uuid.UUID, project_id: uuid.UUID | None, title: str) -> None:
        self.decision_ids = [*self.decision_ids, decision_id]

    def take_action(self, action_id: uuid.UUID, project_id: uuid.UUID | None, title: str) -> None:
        self.require_open()
        self._action_taken(action_id=action_id, project_id=project_id, title=title)

    @event("ActionTaken", topic="governance.Meeting.ActionTaken")
    def _action_taken(self, action_id: uuid.UUID, project_id: uuid.UUID | None, title: str) -> None:
        self.action_ids = [*self.action_ids, action_id]

    def close(self, note: str = "") -> None:
        self.require_open()
        if not self.attendees:
            raise ValidationError("record who attended before closing the meeting", "attendees")
        self._closed(note=note)

    @event("Closed", topic="governance.Meeting.Closed")
    def _closed(self, note: str) -> None:
        self.status = "closed"
