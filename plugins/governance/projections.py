"""The governance plugin's read models: temporal tables, so every page can be shown as of a moment.

``governance_checklists``    the PMO's default checklist per gate (items one per line)
``governance_reviews``       one row per gate review: project, gate, checklist source, verdict
``governance_review_items``  each review's checklist items with their answer and evidence
``governance_series``        one row per meeting series (members one per line)
``governance_meetings``      one row per meeting: date, attendees, minutes, open or closed
``governance_agenda``        each meeting's agenda items (rewritten when the agenda changes)
``governance_links``         core decisions and actions -> the review or meeting that took them
                             (what the decision log's "taken in" link reads)
"""
from __future__ import annotations

import sqlalchemy as sa

from events import temporal
from events.projections import Projection, entity_columns, event_fields, mirror, row_stamp

projection = Projection("governance")
md = projection.metadata
S, T, D, I = sa.String, sa.Text, sa.Date, sa.Integer

checklists = temporal.temporal_table(
    "governance_checklists", md, "id", *entity_columns(),
    sa.Column("stage", S(20), index=True), sa.Column("items", T),
)
reviews = temporal.temporal_table(
    "governance_reviews", md, "id", *entity_columns(),
    sa.Column("project_id", sa.Uuid, index=True), sa.Column("project_code", S(40)),
    sa.Column("from_stage", S(20)), sa.Column("to_stage", S(20)), sa.Column("checklist_source", S(300)),
    sa.Column("chair", S(100)), sa.Column("planned_on", D), sa.Column("status", S(20), default="open"),
    sa.Column("verdict", S(30)), sa.Column("summary", T), sa.Column("decided_on", D),
    sa.Column("decision_id", sa.Uuid), sa.Column("items", I, default=0), sa.Column("met", I, default=0),
    sa.Column("not_met", I, default=0), sa.Column("n_a", I, default=0), sa.Column("conditions", I, default=0),
)
review_items = temporal.temporal_table(
    "governance_review_items", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("review_id", sa.Uuid, index=True, nullable=False),
    sa.Column("n", I), sa.Column("item", T), sa.Column("answer", S(20)), sa.Column("evidence", T),
)
series = temporal.temporal_table(
    "governance_series", md, "id", *entity_columns(),
    sa.Column("name", S(100)), sa.Column("kind", S(30)), sa.Column("cadence", S(20)), sa.Column("chair", S(100)),
    sa.Column("members", T), sa.Column("description", T), sa.Column("programme_id", sa.Uuid),
)
meetings = temporal.temporal_table(
    "governance_meetings", md, "id", *entity_columns(),
    sa.Column("series_id", sa.Uuid, index=True), sa.Column("title", S(200)), sa.Column("held_on", D, index=True),
    sa.Column("attendees", T), sa.Column("minutes", T), sa.Column("status", S(20), default="open"),
    sa.Column("closed_at", temporal.UTCDateTime()), sa.Column("closed_by", S(100)),
    sa.Column("decisions", I, default=0), sa.Column("actions", I, default=0), sa.Column("agenda_items", I, default=0),
)
agenda = temporal.temporal_table(
    "governance_agenda", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("meeting_id", sa.Uuid, index=True, nullable=False),
    sa.Column("n", I), sa.Column("title", S(200)), sa.Column("project_id", sa.Uuid, index=True),
)
links = temporal.temporal_table(
    "governance_links", md, "record_id",
    sa.Column("record_id", sa.Uuid, nullable=False), sa.Column("kind", S(20)),
    sa.Column("source_kind", S(20)), sa.Column("source_id", sa.Uuid, index=True), sa.Column("label", S(300)),
)


def _lines(values) -> str:
    return "\n".join(values or [])


# --- checklists and series: one row per aggregate ---------------------------------------------

mirror(projection, checklists, "governance.GateChecklist.Defined", {
    "governance.GateChecklist.Revised": lambda e: {"items": _lines(e.items)}},
    on_create=lambda e: {"items": _lines(e.items)})
mirror(projection, series, "governance.MeetingSeries.Established", {
    "governance.MeetingSeries.Revised": lambda e: {"members": _lines(e.members)}},
    on_create=lambda e: {"members": _lines(e.members)})


# --- gate reviews -----------------------------------------------------------------------------

def _answers(conn, position, review_id, answers: list[dict], fresh: bool) -> dict:
    for n, a in enumerate(answers, start=1):
        row = {"key": f"{review_id}:{n}", "review_id": review_id, "n": n, "item": a["item"],
               "answer": a.get("answer") or "", "evidence": a.get("evidence") or ""}
        if fresh:
            temporal.insert(conn, review_items, row, position)
        else:
            temporal.update(conn, review_items, row["key"], row, position)
    return {k: sum((a.get("answer") or "") == k for a in answers) for k in ("met", "not_met", "n_a")}


@projection.on("governance.GateReview.Opened")
def _review_opened(conn, position, event):
    fields = event_fields(event)
    answers = [{"item": i} for i in fields.pop("checklist")]
    temporal.insert(conn, reviews, {**fields, "id": event.originator_id, "created_at": event.timestamp,
                                    "created_by": event.actor, **row_stamp(event), "status": "open",
                                    "items": len(answers)}, position)
    _answers(conn, position, event.originator_id, answers, fresh=True)


@projection.on("governance.GateReview.Answered")
def _review_answered(conn, position, event):
    counts = _answers(conn, position, event.originator_id, event.answers, fresh=False)
    temporal.update(conn, reviews, event.originator_id, {**counts, **row_stamp(event)}, position)


@projection.on("governance.GateReview.Decided")
def _review_decided(conn, position, event):
    counts = _answers(conn, position, event.originator_id, event.answers, fresh=False)
    review = temporal.update(conn, reviews, event.originator_id, {
        **counts, **row_stamp(event), "status": "decided", "verdict": event.verdict, "summary": event.summary,
        "decided_on": event.decided_on, "decision_id": event.decision_id, "conditions": len(event.action_ids)},
        position)
    label = f"Gate review of {review['project_code']}, gate to {review['to_stage']}"
    _link(conn, position, event.decision_id, "decision", "review", event.originator_id, label)
    for action_id in event.action_ids:
        _link(conn, position, action_id, "action", "review", event.originator_id, label)


def _link(conn, position, record_id, kind, source_kind, source_id, label) -> None:
    temporal.insert(conn, links, {"record_id": record_id, "kind": kind, "source_kind": source_kind,
                                  "source_id": source_id, "label": label[:300]}, position)


# --- meetings ---------------------------------------------------------------------------------

def _agenda(conn, position, meeting_id, items: list[dict], old: int) -> int:
    for n in range(1, old + 1):
        temporal.close(conn, agenda, f"{meeting_id}:{n}", position)
    for n, item in enumerate(items, start=1):
        temporal.insert(conn, agenda, {"key": f"{meeting_id}:{n}", "meeting_id": meeting_id, "n": n,
                                       "title": item["title"], "project_id": _uuid(item.get("project_id"))},
                        position)
    return len(items)


def _uuid(value):
    import uuid

    return uuid.UUID(str(value)) if value else None


@projection.on("governance.Meeting.Scheduled")
def _meeting_scheduled(conn, position, event):
    fields = event_fields(event)
    items = fields.pop("agenda")
    n = _agenda(conn, position, event.originator_id, items, 0)
    temporal.insert(conn, meetings, {**fields, "attendees": _lines(event.attendees), "id": event.originator_id,
                                     "created_at": event.timestamp, "created_by": event.actor, **row_stamp(event),
                                     "status": "open", "agenda_items": n}, position)


@projection.on("governance.Meeting.Updated")
def _meeting_updated(conn, position, event):
    row = temporal.current_row(conn, meetings, event.originator_id)
    fields = event_fields(event)
    n = _agenda(conn, position, event.originator_id, fields.pop("agenda"), row["agenda_items"] or 0)
    temporal.update(conn, meetings, event.originator_id, {**fields, "attendees": _lines(event.attendees),
                                                          "agenda_items": n, **row_stamp(event)}, position)


@projection.on("governance.Meeting.DecisionTaken", "governance.Meeting.ActionTaken")
def _meeting_took(conn, position, event):
    row = temporal.current_row(conn, meetings, event.originator_id)
    kind = "decision" if hasattr(event, "decision_id") else "action"
    count = f"{kind}s"
    temporal.update(conn, meetings, event.originator_id, {count: (row[count] or 0) + 1, **row_stamp(event)}, position)
    record = event.decision_id if kind == "decision" else event.action_id
    title = row["title"] if str(row["held_on"]) in row["title"] else f"{row['title']} ({row['held_on']})"
    _link(conn, position, record, kind, "meeting", event.originator_id, title)


@projection.on("governance.Meeting.Closed")
def _meeting_closed(conn, position, event):
    temporal.update(conn, meetings, event.originator_id, {
        "status": "closed", "closed_at": event.timestamp, "closed_by": event.actor, **row_stamp(event)}, position)
