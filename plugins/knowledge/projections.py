"""Read models of the knowledge plugin, fed from the ledger (temporal rows: every page has an as-of).

``knowledge_lessons``            one row per lesson version, with a full-text index (``search.py``)
``knowledge_categories``         the PMO's category list
``knowledge_templates``          one row per template: its current version
``knowledge_template_versions``  every version of every template, never changed once written
``knowledge_profiles``           one row per profiled project: category, tags, template and version
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from events import temporal
from events.projections import Projection, entity_columns, event_fields, mirror
from events.temporal import UTCDateTime
from plugins.knowledge import search

projection = Projection("knowledge")
md = projection.metadata
S, T, D, I, J = sa.String, sa.Text, sa.Date, sa.Integer, sa.JSON


def tag_keys(tags: list[str]) -> str:
    """Tags as one delimited string ("|budget|supplier|"): a tag filter is one LIKE '%|tag|%'."""
    return "|" + "|".join(tags) + "|" if tags else ""


lessons = temporal.temporal_table(
    "knowledge_lessons", md, "id", *entity_columns(),
    sa.Column("title", S(200)), sa.Column("what_happened", T), sa.Column("kind", S(10)),
    sa.Column("recommendation", T), sa.Column("category", S(60), index=True), sa.Column("tags", J),
    sa.Column("tag_keys", T), sa.Column("stage", S(20)), sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("recorded_on", D), sa.Column("status", S(10), default="proposed"),
    sa.Column("status_on", D), sa.Column("status_note", T),
)
search.index(lessons)

categories = temporal.temporal_table(
    "knowledge_categories", md, "id", *entity_columns(), sa.Column("categories", J))



def _content() -> list[sa.Column]:
    """A template version's content (a column belongs to one table: made afresh for each)."""
    return [sa.Column("name", S(200)), sa.Column("description", T), sa.Column("category", S(60)),
            sa.Column("tags", J), sa.Column("milestones", J), sa.Column("actions", J), sa.Column("checklists", J),
            sa.Column("recommended_plugins", J), sa.Column("gate_reviews_required", sa.Boolean)]


templates = temporal.temporal_table(
    "knowledge_templates", md, "id", *entity_columns(), *_content(), sa.Column("number", I),
    sa.Column("withdrawn", sa.Boolean, default=False))

template_versions = temporal.temporal_table(
    "knowledge_template_versions", md, "key", sa.Column("key", S(60), nullable=False),
    sa.Column("template_id", sa.Uuid, index=True, nullable=False), sa.Column("number", I),
    *_content(), sa.Column("defined_at", UTCDateTime()), sa.Column("defined_by", S(100)),
    sa.Column("reason", T))

profiles = temporal.temporal_table(
    "knowledge_profiles", md, "project_id", *entity_columns(), sa.Column("project_id", sa.Uuid, nullable=False),
    sa.Column("category", S(60), index=True), sa.Column("tags", J), sa.Column("tag_keys", T),
    sa.Column("template_id", sa.Uuid, index=True), sa.Column("template_name", S(200)),
    sa.Column("template_version", I))


def _tags(event: Any) -> dict[str, Any]:
    return {"tag_keys": tag_keys(event.tags)}


mirror(projection, lessons, "knowledge.Lesson.Recorded", {
    "knowledge.Lesson.Revised": _tags,
    "knowledge.Lesson.Endorsed": lambda e: {"status": "endorsed", "status_on": e.endorsed_on, "status_note": e.note},
    "knowledge.Lesson.Retired": lambda e: {"status": "retired", "status_on": e.retired_on, "status_note": e.note},
}, on_create=_tags)
mirror(projection, categories, "knowledge.LessonCategories.Set", {"knowledge.LessonCategories.Changed": None})
mirror(projection, templates, "knowledge.Template.Defined", {
    "knowledge.Template.Revised": None,
    "knowledge.Template.Withdrawn": lambda e: {"withdrawn": True},
})


@projection.on("knowledge.Template.Defined", "knowledge.Template.Revised")
def _version(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, template_versions, {
        **event_fields(event), "key": f"{event.originator_id}:{event.number}", "template_id": event.originator_id,
        "defined_at": event.timestamp, "defined_by": event.actor, "reason": event.reason}, position)


def _profile_row(event: Any) -> dict[str, Any]:
    return {"tag_keys": tag_keys(event.tags), "id": event.originator_id}


@projection.on("knowledge.ProjectProfile.Created")
def _profiled(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, profiles, {
        **event_fields(event), **_profile_row(event), "version": event.originator_version,
        "created_at": event.timestamp, "created_by": event.actor, "updated_at": event.timestamp,
        "updated_by": event.actor}, position)


@projection.on("knowledge.ProjectProfile.Changed")
def _reprofiled(conn: sa.Connection, position: int, event: Any) -> None:
    # Profiles are keyed by project (what every reader asks by); the event names the profile.
    row = conn.execute(sa.select(profiles.c.project_id).where(
        profiles.c.id == event.originator_id, profiles.c.valid_to.is_(None))).scalar_one()
    temporal.update(conn, profiles, row, {
        "category": event.category, "tags": list(event.tags), "tag_keys": tag_keys(event.tags),
        "version": event.originator_version, "updated_at": event.timestamp, "updated_by": event.actor}, position)
