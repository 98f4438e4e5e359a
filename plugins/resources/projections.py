"""The resources plugin's read models: temporal tables, so every view can be shown as of a moment.

``resources_people``       one row per person; ``personal`` is the sealed name and email
``resources_capacity``     every capacity period (part-time, leave, contract), ``note`` sealed
``resources_skills``       a person's skills at their latest level
``resources_development``  development records, ``details`` (title, note) sealed
``resources_allocations``  one row per allocation (withdrawn ones stay, with their status)
``resources_demands``      one row per role-based demand, with the FTE still open
``resources_fills``        which allocation fills which demand, for how much

Sealed columns hold ciphertext; queries open them with the person's key (``vault``). When a
person is forgotten, their key is deleted here too (so a store rebuilt or copied from the
ledger forgets the same people) and their sealed columns are emptied in every version.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from events import temporal
from events.projections import Projection, entity_columns, event_fields, mirror, row_stamp
from plugins.resources import vault
from plugins.resources.domain import skill_key

projection = Projection("resources")
md = projection.metadata
S, T, D, I, F = sa.String, sa.Text, sa.Date, sa.Integer, sa.Float

people = temporal.temporal_table(
    "resources_people", md, "id", *entity_columns(),
    sa.Column("personal", T), sa.Column("role", S(100), index=True), sa.Column("department", S(100), index=True),
    sa.Column("hours_per_week", F), sa.Column("forgotten", sa.Boolean, default=False),
    sa.Column("forgotten_on", D),
)
capacity = temporal.temporal_table(
    "resources_capacity", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("person_id", sa.Uuid, index=True, nullable=False),
    sa.Column("period", I), sa.Column("kind", S(20)), sa.Column("start_date", D), sa.Column("end_date", D),
    sa.Column("hours_per_week", F), sa.Column("note", T), sa.Column("recorded_by", S(100)),
)
skills = temporal.temporal_table(
    "resources_skills", md, "key",
    sa.Column("key", S(200), nullable=False), sa.Column("person_id", sa.Uuid, index=True, nullable=False),
    sa.Column("skill", S(80)), sa.Column("skill_key", S(80), index=True), sa.Column("level", I),
    sa.Column("assessed_on", D),
)
development = temporal.temporal_table(
    "resources_development", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("person_id", sa.Uuid, index=True, nullable=False),
    sa.Column("record", I), sa.Column("kind", S(20)), sa.Column("recorded_on", D), sa.Column("details", T),
)
allocations = temporal.temporal_table(
    "resources_allocations", md, "id", *entity_columns(),
    sa.Column("person_id", sa.Uuid, index=True), sa.Column("project_id", sa.Uuid, index=True),
    sa.Column("start_date", D), sa.Column("end_date", D), sa.Column("percent", I),
    sa.Column("hours_per_month", F), sa.Column("demand_id", sa.Uuid), sa.Column("status", S(20), default="active"),
)
demands = temporal.temporal_table(
    "resources_demands", md, "id", *entity_columns(),
    sa.Column("project_id", sa.Uuid, index=True), sa.Column("role", S(100), index=True), sa.Column("fte", F),
    sa.Column("open_fte", F), sa.Column("start_date", D), sa.Column("end_date", D), sa.Column("note", T),
    sa.Column("status", S(20), default="open"),
)
fills = temporal.temporal_table(
    "resources_fills", md, "key",
    sa.Column("key", S(80), nullable=False), sa.Column("demand_id", sa.Uuid, index=True, nullable=False),
    sa.Column("allocation_id", sa.Uuid, nullable=False), sa.Column("person_id", sa.Uuid), sa.Column("fte", F),
)

mirror(projection, people, "resources.Person.Registered", {"resources.Person.DetailsChanged": None})
mirror(projection, allocations, "resources.Allocation.Made", {
    "resources.Allocation.Changed": None,
    "resources.Allocation.Withdrawn": lambda e: {"status": "withdrawn"},
})
mirror(projection, demands, "resources.Demand.Raised", {
    "resources.Demand.Withdrawn": lambda e: {"status": "withdrawn"},
}, on_create=lambda e: {"open_fte": e.fte})


def _touch(conn: sa.Connection, table: sa.Table, event: Any, position: int, **changes: Any) -> dict:
    return temporal.update(conn, table, event.originator_id, {**changes, **row_stamp(event)}, position)


@projection.on("resources.Person.CapacityChanged")
def _capacity(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, capacity, {**event_fields(event), "key": f"{event.originator_id}:{event.period}",
                                     "person_id": event.originator_id, "recorded_by": event.actor}, position)
    _touch(conn, people, event, position)


@projection.on("resources.Person.SkillAssessed")
def _skill(conn: sa.Connection, position: int, event: Any) -> None:
    key = f"{event.originator_id}:{skill_key(event.skill)}"
    values = {"key": key, "person_id": event.originator_id, "skill": event.skill, "skill_key": skill_key(event.skill),
              "level": event.level, "assessed_on": event.assessed_on}
    if temporal.current_row(conn, skills, key) is None:
        temporal.insert(conn, skills, values, position)
    else:
        temporal.update(conn, skills, key, values, position)
    _touch(conn, people, event, position)


@projection.on("resources.Person.SkillRemoved")
def _skill_removed(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.close(conn, skills, f"{event.originator_id}:{event.skill}", position)
    _touch(conn, people, event, position)


@projection.on("resources.Person.DevelopmentRecorded")
def _development(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, development, {**event_fields(event), "key": f"{event.originator_id}:{event.record}",
                                        "person_id": event.originator_id}, position)
    _touch(conn, people, event, position)


@projection.on("resources.Person.Forgotten")
def _forgotten(conn: sa.Connection, position: int, event: Any) -> None:
    pid = event.originator_id
    vault.drop_key(conn, pid)
    # Ciphertext without its key says nothing, but nobody needs to keep it either.
    conn.execute(people.update().where(people.c.id == pid).values(personal=""))
    conn.execute(capacity.update().where(capacity.c.person_id == pid).values(note=""))
    conn.execute(development.update().where(development.c.person_id == pid).values(details=""))
    _touch(conn, people, event, position, forgotten=True, forgotten_on=event.forgotten_on)


@projection.on("resources.Demand.Filled")
def _filled(conn: sa.Connection, position: int, event: Any) -> None:
    temporal.insert(conn, fills, {"key": f"{event.originator_id}:{event.allocation_id}",
                                  "demand_id": event.originator_id, "allocation_id": event.allocation_id,
                                  "person_id": event.person_id, "fte": event.fte}, position)
    row = temporal.current_row(conn, demands, event.originator_id)
    left = round(row["open_fte"] - event.fte, 2)
    _touch(conn, demands, event, position, open_fte=max(left, 0.0), status="filled" if left <= 0 else "open")


@projection.on("resources.Demand.Released")
def _released(conn: sa.Connection, position: int, event: Any) -> None:
    key = f"{event.originator_id}:{event.allocation_id}"
    fill = temporal.current_row(conn, fills, key)
    temporal.close(conn, fills, key, position)
    row = temporal.current_row(conn, demands, event.originator_id)
    _touch(conn, demands, event, position, open_fte=round(row["open_fte"] + (fill["fte"] if fill else 0), 2),
           status="open")
