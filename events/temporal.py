"""Read-model rows that remember when they were true.

Each row carries the log positions between which it held: ``valid_from`` (the event that
made it so) and ``valid_to`` (the event that changed or removed it; NULL while current).
The current view filters ``valid_to IS NULL``; an as-of view at log position ``p`` filters
``valid_from <= p AND (valid_to IS NULL OR valid_to > p)``. One indexed query answers both.
"""
from __future__ import annotations

from datetime import timezone
from typing import Any

import sqlalchemy as sa


def temporal_table(name: str, metadata: sa.MetaData, key: str, *columns: sa.Column) -> sa.Table:
    """A table of versions of entities identified by ``key``."""
    return sa.Table(
        name,
        metadata,
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        *columns,
        sa.Column("valid_from", sa.Integer, nullable=False),
        sa.Column("valid_to", sa.Integer, nullable=True),
        sa.Index(f"ix_{name}_{key}_valid_to", key, "valid_to"),
        sa.Index(f"ix_{name}_valid_to", "valid_to"),
        info={"temporal_key": key},
    )


def visible(table: sa.Table, at: int | None = None) -> sa.ColumnElement[bool]:
    """Rows true now (``at`` is None) or at log position ``at``."""
    if at is None:
        return table.c.valid_to.is_(None)
    return sa.and_(
        table.c.valid_from <= at,
        sa.or_(table.c.valid_to.is_(None), table.c.valid_to > at),
    )


def _key(table: sa.Table) -> sa.Column:
    return table.c[table.info["temporal_key"]]


# Statements take their values as parameters, never baked in: SQLAlchemy then compiles each
# once per table and reuses it, which is most of the projection's speed.

def insert(conn: sa.Connection, table: sa.Table, values: dict[str, Any], position: int) -> None:
    row = {c.key: values.get(c.key, _default(c)) for c in table.c if c.key != "row_id"}
    row.update(valid_from=position, valid_to=None)
    conn.execute(table.insert(), row)


def _default(column: sa.Column) -> Any:
    return column.default.arg if column.default is not None and column.default.is_scalar else None


def current_row(conn: sa.Connection, table: sa.Table, key_value: Any) -> dict[str, Any] | None:
    stmt = sa.select(table).where(_key(table) == sa.bindparam("key"), table.c.valid_to.is_(None))
    row = conn.execute(stmt, {"key": key_value}).mappings().first()
    return dict(row) if row else None


def update(
    conn: sa.Connection, table: sa.Table, key_value: Any, changes: dict[str, Any], position: int
) -> dict[str, Any]:
    """Close the current version of an entity and insert the changed one."""
    old = current_row(conn, table, key_value)
    if old is None:
        raise LookupError(f"{table.name}: no current row for {key_value!r}")
    close(conn, table, key_value, position)
    new = {k: v for k, v in old.items() if k not in ("row_id", "valid_from", "valid_to")}
    new.update({k: v for k, v in changes.items() if k in table.c})
    insert(conn, table, new, position)
    return new


def close(conn: sa.Connection, table: sa.Table, key_value: Any, position: int) -> None:
    """The entity stops being visible from ``position`` on (deleted, or superseded)."""
    stmt = (
        table.update()
        .where(_key(table) == sa.bindparam("key"), table.c.valid_to.is_(None))
        .values(valid_to=sa.bindparam("position"))
    )
    conn.execute(stmt, {"key": key_value, "position": position})


class UTCDateTime(sa.types.TypeDecorator):
    """A moment, stored as naive UTC on every database and read back as aware UTC.

    SQLite keeps no time zone and PostgreSQL answers in the session's: with this, both give
    the same value, and comparisons never mix naive and aware datetimes.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None
