"""Commands of the governance plugin, in the PMO's words.

Each command loads what it changes, calls the aggregates and saves once: a gate review's
verdict, its decision in the core decision log, its conditions as core actions and the
project's stage change are one transaction, and so are a meeting's decision (or action) and
the meeting's record of it. Permissions are the caller's business (pages, API, CLI).
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Iterable

from core.domain.decision import Decision
from core.domain.errors import ConflictError, NotFoundError, ValidationError
from core.domain.portfolio import Programme
from core.domain.project import NEXT_STAGE, Project
from core.pmo import PMO
from core.services import logs
from core.services.projects import stage_project
from events.context import current_context
from plugins.governance import queries
from plugins.governance.domain import (
    CADENCES, GATED_STAGES, SERIES_KINDS, GateChecklist, GateReview, Meeting, MeetingSeries, check_items, label,
    one_of,
)
from plugins.governance.templates_contract import project_template

# The ``via`` a gate review passes to the core's stage change, so the guard lets it through.
GATE_REVIEW = "governance.gate_review"
TITLE_MAX, PERSON_MAX, CONDITIONS_MAX = 200, 100, 20


def business_day() -> date:
    moment = current_context().occurred_at
    return moment.date() if moment is not None else date.today()


def _required(value: str | None, field: str, what: str, max_len: int = TITLE_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"{what} needs {field.replace('_', ' ')}", field)
    if len(value) > max_len:
        raise ValidationError(f"at most {max_len} characters", field)
    return value


def _project(pmo: PMO, project_id: uuid.UUID | None, field: str = "project_id") -> Project:
    try:
        return pmo.get(Project, project_id)
    except NotFoundError:
        raise ValidationError("no such project", field) from None


# --- checklists -------------------------------------------------------------------------------

def set_default_checklist(pmo: PMO, stage: str, items: list[str]) -> GateChecklist:
    """Set the PMO's default checklist for the gate to ``stage`` (projects of no template)."""
    one_of(stage, GATED_STAGES, "stage")
    items = check_items(items)
    if pmo.exists(GateChecklist.create_id(stage)):
        checklist = pmo.get(GateChecklist, GateChecklist.create_id(stage))
        checklist.revise(items)
    else:
        checklist = GateChecklist(stage=stage, items=items)
    pmo.save(checklist)
    return checklist


def checklist_for(pmo: PMO, project_id: uuid.UUID, stage: str) -> tuple[list[str], str]:
    """The checklist a review of ``project_id`` at the gate to ``stage`` starts from, and where
    it comes from: the project's template version, else the PMO's default."""
    template = project_template(pmo, project_id)
    items = list(((template or {}).get("checklists") or {}).get(stage) or [])
    if template and items:
        return items, f"template {template['template_name']} v{template['version']}"
    return queries.default_checklist(pmo, stage), "PMO default checklist"


# --- gate reviews -----------------------------------------------------------------------------

def open_gate_review(pmo: PMO, project_id: uuid.UUID, chair: str, planned_on: date | None = None,
                     to_stage: str | None = None) -> GateReview:
    """Open a review of the project's next gate (approved, active or closed), its checklist
    copied in now: later changes of the template or the default do not change it."""
    project = _project(pmo, project_id)
    chair = _required(chair, "chair", "a gate review", PERSON_MAX)
    next_stage = NEXT_STAGE.get(project.stage)
    to_stage = to_stage or next_stage
    if to_stage not in GATED_STAGES:
        raise ValidationError(f"project {project.code} is in stage {project.stage}: gate reviews are held for "
                              f"the gates to {', '.join(GATED_STAGES)}", "to_stage")
    if to_stage != next_stage:
        raise ValidationError(f"project {project.code} is in stage {project.stage}; its next gate is to "
                              f"{next_stage or 'none'}", "to_stage")
    if queries.open_review_of(pmo, project.id) is not None:
        raise ConflictError(f"project {project.code} already has an open gate review; decide it first")
    checklist, source = checklist_for(pmo, project.id, to_stage)
    review = GateReview(project_id=project.id, project_code=project.code, from_stage=project.stage,
                        to_stage=to_stage, checklist=checklist, checklist_source=source, chair=chair,
                        planned_on=planned_on or business_day())
    pmo.save(review)
    return review


def answer_gate_review(pmo: PMO, review_id: uuid.UUID, answers: list[dict],
                       expected_version: int | None = None) -> GateReview:
    """Keep the checklist's answers and evidence given so far."""
    review = pmo.get(GateReview, review_id, expected_version)
    review.answer(answers)
    pmo.save(review)
    return review


def decide_gate_review(pmo: PMO, review_id: uuid.UUID, verdict: str, answers: list[dict] | None = None,
                       summary: str = "", conditions: list[dict] | None = None, decided_on: date | None = None,
                       expected_version: int | None = None) -> GateReview:
    """Give the verdict. Go and go with conditions move the project to the review's stage; no-go
    and hold keep it. The verdict, its decision (in the core decision log), the conditions (as
    core actions on the project) and the stage change are saved together, or not at all."""
    review = pmo.get(GateReview, review_id, expected_version)
    review.require_open()
    summary = (summary or "").strip()
    decided_on = decided_on or business_day()
    conditions = [c for c in conditions or [] if any((c.get(k) or "") for k in ("title", "owner"))]
    if len(conditions) > CONDITIONS_MAX:
        raise ValidationError(f"at most {CONDITIONS_MAX} conditions", "conditions")
    code, gate = review.project_code, f"gate to {review.to_stage}"
    actions = []
    for n, c in enumerate(conditions, start=1):
        if not (c.get("title") or "").strip() or not (c.get("owner") or "").strip():
            raise ValidationError(f"condition {n} needs a title and an owner", "conditions")
        actions.append(logs.new_action(
            pmo, _required(c["title"], "title", "a condition"), _required(c["owner"], "owner", "a condition",
                                                                              PERSON_MAX),
            c.get("due_date"), review.project_id, priority="high",
            description=f"Condition of the gate review of {code} ({gate}), {label(verdict).lower()} on {decided_on}."))
    moving = verdict in ("go", "go_with_conditions")
    outcome = (f"{code} moves from {review.from_stage} to {review.to_stage}" if moving
               else f"{code} stays in {review.from_stage}")
    counts = ", ".join(f"{sum(a.get('answer') == k for a in (answers or review.answers))} {label(k).lower()}"
                       for k in ("met", "not_met", "n_a"))
    decision = Decision(
        title=f"Gate review {code}, {gate}: {label(verdict)}"[:TITLE_MAX],
        decision=f"{label(verdict)}: {outcome}." + (f" Conditions: {'; '.join(a.title for a in actions)}."
                                                    if actions else ""),
        rationale=(f"{summary}\n\n" if summary else "") + f"Checklist ({review.checklist_source}): {counts}. "
                  f"The gate review's record: /governance/reviews/{review.id}",
        decided_by=review.chair, decided_on=decided_on, project_id=review.project_id)
    review.decide(verdict, answers if answers is not None else review.answers, summary, decided_on, decision.id,
                  [a.id for a in actions])
    changed: list[Any] = [review, decision, *actions]
    if moving:
        gate_decision = f"Gate review {label(verdict).lower()} on {decided_on}" + (f": {summary}" if summary else "")
        changed.append(stage_project(pmo, review.project_id, review.to_stage, gate_decision, via=GATE_REVIEW))
    pmo.save(*changed)
    return review


def refusal(pmo: PMO, project: Project, to_stage: str, via: str | None) -> str | None:
    """The stage guard: a project whose template asks for gate reviews passes its gates to
    approved, active and closed only through a go review (cancelling stays possible)."""
    if via == GATE_REVIEW or to_stage not in GATED_STAGES or NEXT_STAGE.get(project.stage) != to_stage:
        return None
    template = project_template(pmo, project.id)
    if not template or not template.get("gate_reviews_required"):
        return None
    return (f"project {project.code} was made from template {template['template_name']} v{template['version']}, "
            f"which asks for gate reviews: it moves to {to_stage} only through a go verdict of a gate review "
            "(Governance > Gate reviews)")


# --- meeting series and meetings --------------------------------------------------------------

def _names(values: Iterable[str] | None, field: str) -> list[str]:
    names = []
    for value in values or []:
        value = (value or "").strip()
        if len(value) > PERSON_MAX:
            raise ValidationError(f"each name is at most {PERSON_MAX} characters", field)
        if value and value not in names:
            names.append(value)
    return names


def _programme(pmo: PMO, programme_id: uuid.UUID | None) -> None:
    if programme_id is None:
        return
    try:
        pmo.get(Programme, programme_id)
    except NotFoundError:
        raise ValidationError("no such programme", "programme_id") from None


def establish_series(pmo: PMO, name: str, kind: str, chair: str, cadence: str = "monthly",
                     members: list[str] | None = None, description: str = "",
                     programme_id: uuid.UUID | None = None) -> MeetingSeries:
    """Set up a recurring governance meeting (its decisions are recorded as decided by ``name``)."""
    name = _required(name, "name", "a meeting series", PERSON_MAX)
    one_of(kind, SERIES_KINDS, "kind")
    one_of(cadence, CADENCES, "cadence")
    _programme(pmo, programme_id)
    series = MeetingSeries(name=name, kind=kind, cadence=cadence, chair=_required(chair, "chair", "a meeting series",
                                                                                  PERSON_MAX),
                           members=_names(members, "members"), description=description or "",
                           programme_id=programme_id)
    pmo.save(series)
    return series


def revise_series(pmo: PMO, series_id: uuid.UUID, expected_version: int | None = None, **changes: Any) -> MeetingSeries:
    series = pmo.get(MeetingSeries, series_id, expected_version)
    for name in ("name", "chair"):
        if name in changes:
            changes[name] = _required(changes[name], name, "a meeting series", PERSON_MAX)
    if "kind" in changes:
        one_of(changes["kind"], SERIES_KINDS, "kind")
    if "cadence" in changes:
        one_of(changes["cadence"], CADENCES, "cadence")
    if "members" in changes:
        changes["members"] = _names(changes["members"], "members")
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    if "programme_id" in changes:
        _programme(pmo, changes["programme_id"])
    series.revise(**changes)
    pmo.save(series)
    return series


def _agenda(pmo: PMO, items: list[dict] | None) -> list[dict]:
    agenda = []
    for n, item in enumerate(items or [], start=1):
        title = (item.get("title") or "").strip()
        if not title:
            raise ValidationError(f"agenda item {n} needs a title", "agenda")
        if len(title) > TITLE_MAX:
            raise ValidationError(f"agenda item {n}: at most {TITLE_MAX} characters", "agenda")
        pid = item.get("project_id")
        if pid:
            pid = _project(pmo, pid if isinstance(pid, uuid.UUID) else _uuid(pid, "agenda"), "agenda").id
        agenda.append({"title": title, "project_id": str(pid) if pid else ""})
    if len(agenda) > 50:
        raise ValidationError("at most 50 agenda items", "agenda")
    return agenda


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError("no such project", field) from None


def schedule_meeting(pmo: PMO, series_id: uuid.UUID, held_on: date, title: str = "",
                     agenda: list[dict] | None = None, attendees: list[str] | None = None,
                     minutes: str = "") -> Meeting:
    """Schedule a meeting of a series, with its agenda (items may name a project)."""
    try:
        series = pmo.get(MeetingSeries, series_id)
    except NotFoundError:
        raise ValidationError("no such meeting series", "series_id") from None
    title = (title or "").strip() or f"{series.name} {held_on.isoformat()}"
    meeting = Meeting(series_id=series.id, title=_required(title, "title", "a meeting"), held_on=held_on,
                      agenda=_agenda(pmo, agenda), attendees=_names(attendees, "attendees"), minutes=minutes or "")
    pmo.save(meeting)
    return meeting


def _open_meeting(pmo: PMO, meeting_id: uuid.UUID, expected_version: int | None) -> Meeting:
    """The meeting, refused first of all when closed (409), whatever else the input says."""
    meeting = pmo.get(Meeting, meeting_id)
    meeting.require_open()
    if expected_version is not None:
        meeting = pmo.get(Meeting, meeting_id, expected_version)
    return meeting


def update_meeting(pmo: PMO, meeting_id: uuid.UUID, expected_version: int | None = None, **changes: Any) -> Meeting:
    """Change an open meeting's title, date, agenda, attendees or minutes."""
    meeting = _open_meeting(pmo, meeting_id, expected_version)
    if "title" in changes:
        changes["title"] = _required(changes["title"], "title", "a meeting")
    if "agenda" in changes:
        changes["agenda"] = _agenda(pmo, changes["agenda"])
    if "attendees" in changes:
        changes["attendees"] = _names(changes["attendees"], "attendees")
    if "minutes" in changes:
        changes["minutes"] = changes["minutes"] or ""
    if changes.get("held_on") is None:
        changes.pop("held_on", None)
    meeting.update(**changes)
    pmo.save(meeting)
    return meeting


def _series_name(pmo: PMO, meeting: Meeting) -> str:
    return pmo.get(MeetingSeries, meeting.series_id).name


def record_meeting_decision(pmo: PMO, meeting_id: uuid.UUID, title: str, decision: str, rationale: str = "",
                            project_id: uuid.UUID | None = None, expected_version: int | None = None) -> Decision:
    """A decision taken in the meeting: into the core decision log (decided by the series, on
    the meeting's date, for a project or portfolio-wide), linked back to the meeting."""
    meeting = _open_meeting(pmo, meeting_id, expected_version)
    title = _required(title, "title", "a decision")
    if not (decision or "").strip():
        raise ValidationError("say what was decided", "decision")
    if project_id is not None:
        _project(pmo, project_id)
    record = Decision(title=title, decision=decision, rationale=rationale or "", decided_by=_series_name(pmo, meeting),
                      decided_on=meeting.held_on, project_id=project_id)
    meeting.take_decision(record.id, project_id, title)
    pmo.save(meeting, record)
    return record


def assign_meeting_action(pmo: PMO, meeting_id: uuid.UUID, title: str, owner: str, due_date: date | None = None,
                          project_id: uuid.UUID | None = None, description: str = "", priority: str = "normal",
                          expected_version: int | None = None):
    """An action agreed in the meeting: onto the core action list, linked back to the meeting."""
    meeting = _open_meeting(pmo, meeting_id, expected_version)
    action = logs.new_action(pmo, _required(title, "title", "an action"), _required(owner, "owner", "an action",
                                                                                    PERSON_MAX),
                             due_date, project_id, description or "", priority or "normal")
    meeting.take_action(action.id, project_id, action.title)
    pmo.save(meeting, action)
    return action


def close_meeting(pmo: PMO, meeting_id: uuid.UUID, note: str = "", expected_version: int | None = None) -> Meeting:
    """Close the meeting: its record (agenda, attendees, minutes, decisions, actions) is final."""
    meeting = _open_meeting(pmo, meeting_id, expected_version)
    meeting.close(note or "")
    pmo.save(meeting)
    return meeting
