"""Who changed what, when and why: readable field-level changes for any entity.

Temporal read models keep every version of a row, so an entity's history is the difference
between consecutive versions, joined with the log index for actor, reason and time.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from core import projections as p
from core.pmo import PMO

# Bookkeeping columns: they change with every event and say nothing to a reader.
HIDDEN = {"row_id", "valid_from", "valid_to", "version", "updated_at", "updated_by",
          "created_at", "created_by", "id", "password_hash"}
ENTITY_TABLES = [p.projects, p.programmes, p.portfolio, p.status_reports, p.milestones,
                 p.decisions, p.actions, p.users]


def _label(column: str) -> str:
    return column.replace("_pct", " %").replace("_id", "").replace("_", " ")


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def entity_history(pmo: PMO, entity_id: uuid.UUID, at: int | None = None,
                   extra_tables: list[sa.Table] | None = None,
                   table: sa.Table | None = None) -> list[dict[str, Any]]:
    """Newest first: ``{position, occurred_at, actor, reason, topic, changes: [(field, old, new)]}``.

    ``table``: the one read model the entity lives in, when the caller knows it (a page
    listing a project's milestones); otherwise each entity table is tried in turn."""
    log = pmo.log_index.table
    tables = [table] if table is not None else [*ENTITY_TABLES, *(extra_tables or [])]
    for table in tables:
        key = table.c[table.info["temporal_key"]]
        stmt = sa.select(table).where(key == entity_id).order_by(table.c.valid_from)
        if at is not None:
            stmt = stmt.where(table.c.valid_from <= at)
        with pmo.read() as conn:
            versions = [dict(r) for r in conn.execute(stmt).mappings()]
            if not versions:
                continue
            meta = {r["position"]: dict(r) for r in conn.execute(
                sa.select(log).where(log.c.position.in_([v["valid_from"] for v in versions]))).mappings()}
        entries, before = [], {}
        for version in versions:
            changes = [(_label(k), _show(before.get(k)), _show(v)) for k, v in version.items()
                       if k not in HIDDEN and before.get(k) != v and (before or v not in (None, ""))]
            m = meta.get(version["valid_from"], {})
            entries.append({
                "position": version["valid_from"], "occurred_at": m.get("occurred_at"),
                "actor": m.get("actor"), "reason": m.get("reason"), "topic": m.get("topic"),
                "created": not before, "changes": changes,
            })
            before = version
        return list(reversed(entries))
    return []


def describe(entry: dict[str, Any]) -> str:
    """'overall amber -> red by j.smith: supplier delay'."""
    what = "; ".join(f"{f} {old} -> {new}" for f, old, new in entry["changes"]) or entry["topic"]
    if entry["created"]:
        what = f"created ({entry['topic']})"
    text = f"{what} by {entry['actor']}"
    return f"{text}: {entry['reason']}" if entry.get("reason") else text


def log_page(
    pmo: PMO, *, entity_id: uuid.UUID | None = None, actor: str | None = None, topic: str | None = None,
    plugin: str | None = None, correlation_id: str | None = None, since: Any = None, until: Any = None,
    before: int | None = None, at: int | None = None, limit: int = 50,
) -> dict[str, Any]:
    """One page of the ledger, newest first, filtered; ``next_before`` continues it.

    Keyset pagination on the position keeps every page one index range scan, however
    large the ledger.
    """
    from core.asof import position_at

    log = pmo.log_index.table
    stmt = sa.select(log)
    if entity_id is not None:
        stmt = stmt.where(log.c.originator_id == entity_id)
    if actor:
        stmt = stmt.where(log.c.actor == actor)
    if topic:
        stmt = stmt.where(log.c.topic.contains(topic, autoescape=True))
    if plugin:
        stmt = stmt.where(log.c.topic.startswith(f"{plugin}.", autoescape=True))
    if correlation_id:
        stmt = stmt.where(log.c.correlation_id == correlation_id)
    if since is not None:
        stmt = stmt.where(log.c.position > position_at(pmo, since))
    if until is not None:
        stmt = stmt.where(log.c.position <= position_at(pmo, until))
    if at is not None:
        stmt = stmt.where(log.c.position <= at)
    if before is not None:
        stmt = stmt.where(log.c.position < before)
    with pmo.read() as conn:
        rows = [dict(r) for r in
                conn.execute(stmt.order_by(log.c.position.desc()).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_before": rows[-1]["position"] if more else None}
