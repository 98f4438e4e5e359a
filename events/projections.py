"""Read models fed from the global log.

SQLite has no push subscription, so the runner polls ``select_notifications`` from each
projection's last position and commits the rows it writes *and* its new position in one
transaction: a crash leaves either both or neither. Several processes may run it at once
(gunicorn workers): the tracking rows are locked first (``BEGIN IMMEDIATE`` on SQLite,
``SELECT ... FOR UPDATE`` on PostgreSQL), so each event is applied exactly once.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from events import temporal
from events.store import Ledger
from events.temporal import UTCDateTime

# Events per transaction when rebuilding; catching up takes what is there in 1,000s.
REBUILD_BATCH = 5000
REBUILD_CACHE_KB = 128 * 1024
# Rows per table a runner remembers between two catch-ups (a web worker's memory stays flat).
KEPT_KEYS = 2_000

Handler = Callable[[sa.Connection, int, Any], None]
NamesResolver = Callable[[sa.Connection], Iterable[str]]
Progress = Callable[[int, int], None]  # (done, total)

PROJECTIONS_MODES = ("inline", "external")


def projections_mode() -> str:
    """``PMO_PROJECTIONS``: ``inline`` (default; every writer catches the read models up after
    its save) or ``external`` (``pmo projections run`` does, in its own process; writers wait
    for it to reach their write, up to ``PMO_PROJECTIONS_WAIT`` seconds, then do it themselves)."""
    mode = os.environ.get("PMO_PROJECTIONS", "inline").strip().lower() or "inline"
    if mode not in PROJECTIONS_MODES:
        raise ValueError(f"PMO_PROJECTIONS must be inline or external, not {mode!r}")
    return mode


tracking_metadata = sa.MetaData()
tracking_table = sa.Table(
    "projection_tracking",
    tracking_metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("schema_hash", sa.String(64)),
)


# Built once: catching up runs after every command, and building statements costs more than
# running them.
_LOCK_ALL: dict[str, str] = {}  # per dialect


def _set_position_sql(dialect: sa.Dialect) -> str:
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return f"UPDATE projection_tracking SET position = {mark} WHERE name = {mark}"


class Projection:
    """A named set of read-model tables and the event handlers that fill them."""

    def __init__(self, name: str, metadata: sa.MetaData | None = None):
        self.name = name
        self.metadata = metadata or sa.MetaData()
        self.handlers: dict[str, list[Handler]] = {}

    def on(self, *topics: str) -> Callable[[Handler], Handler]:
        """Register a handler; several may handle one topic, called in registration order."""
        def register(func: Handler) -> Handler:
            for topic in topics:
                self.handlers.setdefault(topic, []).append(func)
            return func

        return register

    def schema_hash(self) -> str:
        """A fingerprint of the tables' definitions: when the code changes them, rebuild."""
        from sqlalchemy.dialects import sqlite
        from sqlalchemy.schema import CreateTable

        ddl = "\n".join(str(CreateTable(t).compile(dialect=sqlite.dialect()))
                        for t in self.metadata.sorted_tables)
        return hashlib.sha256(ddl.encode()).hexdigest()

    def apply(self, conn: sa.Connection, position: int, event: Any) -> None:
        for handler in self.handlers.get(type(event).TOPIC, ()):
            handler(conn, position, event)


class ProjectionRunner:
    def __init__(self, ledger: Ledger, engine: sa.Engine, projections: Iterable[Projection],
                 reader: sa.Engine | None = None):
        self.ledger = ledger
        self.engine = engine
        # Reads of the tracking rows need no write lock (on SQLite the writer engine takes it).
        self.reader = reader or engine
        self.projections = {p.name: p for p in projections}
        temporal.watch_engine(engine)
        # The rows the last catch-up touched and the positions it committed (see catch_up);
        # a list so that two threads never share one (each takes it out while working).
        self._kept: list[tuple[temporal.Batch, dict[str, int]]] = []

    def setup(self) -> None:
        """Create missing tables. A projection seen for the first time, or whose tables the
        code has changed since they were built, starts (again) from position 0."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Processes starting together (gunicorn workers) create tables one at a time.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('pmo-readmodel-ddl'))"))
            tracking_metadata.create_all(conn)
            known = dict(conn.execute(sa.select(tracking_table.c.name, tracking_table.c.schema_hash)).all())
            for name, projection in self.projections.items():
                fingerprint = projection.schema_hash()
                if known.get(name) != fingerprint:
                    # New, or built by other code: whatever tables are there can't be trusted.
                    projection.metadata.drop_all(conn)
                    conn.execute(tracking_table.delete().where(tracking_table.c.name == name))
                    conn.execute(tracking_table.insert().values(name=name, position=0, schema_hash=fingerprint))
                projection.metadata.create_all(conn)
            # Indexes are not part of the fingerprint: one added to an existing table needs
            # no rebuild, only creating (once, here).
            existing = set(conn.execute(sa.text(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                if conn.dialect.name == "postgresql" else
                "SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
            for projection in self.projections.values():
                for table in projection.metadata.sorted_tables:
                    for index in table.indexes:
                        if index.name not in existing:
                            index.create(conn)

    def positions(self) -> dict[str, int]:
        with self.reader.connect() as conn:
            rows = conn.execute(sa.select(tracking_table.c.name, tracking_table.c.position))
            return {name: pos for name, pos in rows if name in self.projections}

    def wait_for(self, position: int, names: Iterable[str], timeout: float | None = None,
                 interval: float = 0.01) -> bool:
        """Wait until the named projections have applied ``position``; False on timeout."""
        names = list(names)
        if timeout is None:
            timeout = float(os.environ.get("PMO_PROJECTIONS_WAIT", "2"))
        deadline = time.monotonic() + timeout
        query = sa.select(sa.func.min(tracking_table.c.position)).where(tracking_table.c.name.in_(names))
        while True:
            with self.reader.connect() as conn:
                if (conn.execute(query).scalar() or 0) >= position:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def lag(self) -> int:
        positions = self.positions()
        return self.ledger.max_position() - min(positions.values(), default=0)

    def catch_up(
        self, names: Iterable[str] | NamesResolver | None = None, progress: Progress | None = None,
        batch: int = 1000, rows: temporal.Batch | None = None, written: list[tuple[int, Any]] | None = None,
    ) -> int:
        """Apply every event not yet applied; returns how many log records were read.

        One transaction per ``batch`` records. ``names``: the projections to catch up, or a
        function that picks them inside the transaction (from the read models as they are
        under the lock). The temporal rows the handlers touch are remembered from one
        transaction to the next, and from one call to the next (``rows``, else the runner's
        own), unless someone else moved a tracking position in between: then they are
        looked up again.

        ``written``: the ``(position, event)`` records the caller has just written. When the
        projections stand right before them (nobody else's events in between), they are
        applied without reading the log back, and the call ends there: whoever wrote later
        records catches them up after their own save.
        """
        resolve = names if callable(names) else None
        fixed = None if resolve is not None else list(names or self.projections)
        if fixed is not None and not fixed:
            return 0
        head = self.ledger.max_position() if progress is not None else 0
        done = 0
        start = None
        if rows is None:
            # Remembered from this runner's last commit: true while nobody else moved a position.
            try:
                rows, left = self._kept.pop()
            except IndexError:
                rows, left = temporal.Batch(), None
            fresh, keep = left is None, True
        else:
            fresh, keep, left = False, False, None
        try:
            while True:
                with self.engine.begin() as conn:
                    if batch >= REBUILD_BATCH and conn.dialect.name == "sqlite":
                        # Big batches touch indexes all over big tables: give SQLite a page cache
                        # to match (its default is 2 MB), for this connection.
                        conn.exec_driver_sql(f"PRAGMA cache_size = -{REBUILD_CACHE_KB}")
                    positions = self._lock_positions(conn)
                    if left is not None and positions != left:
                        rows.discard()  # another process applied events in between
                    selected = [self.projections[n] for n in (resolve(conn) if resolve else fixed)]
                    if not selected:
                        return done
                    if fresh and left is None:
                        # Nothing applied yet means no rows yet (rows and position commit together).
                        rows.empty.update(t for p in selected if not positions.get(p.name)
                                          for t in p.metadata.sorted_tables)
                    low = min(positions.get(p.name, 0) for p in selected)
                    if start is None:
                        start = low
                    if written and written[0][0] - 1 == low:
                        records, last_round = written, True
                    else:
                        records, last_round = self.ledger.read_batch(after=low, limit=batch), False
                    written = None
                    with temporal.batch(conn, rows):
                        self._apply(conn, selected, positions, records)
                    if records:
                        last = records[-1][0]
                        moved = [p.name for p in selected if last > positions.get(p.name, 0)]
                        if moved:
                            temporal.driver_executemany(conn, _set_position_sql(conn.dialect),
                                                        [(last, n) for n in moved])
                            positions.update(dict.fromkeys(moved, last))
                    left = positions
                done += len(records)
                if progress is not None:
                    progress(min(done, max(head - start, done)), max(head - start, done))
                # ``limit`` counts records, not positions, so a short batch is the end of the log
                # even where the numbering skips (PostgreSQL).
                if last_round or len(records) < batch:
                    break
        except BaseException:
            keep = False
            raise
        finally:
            if keep and left is not None and len(self._kept) < 4:
                rows.trim(KEPT_KEYS)
                self._kept.append((rows, left))
        return done

    def _lock_positions(self, conn: sa.Connection) -> dict[str, int]:
        """Every tracking row, locked until the transaction ends (SQLite: BEGIN IMMEDIATE
        has locked the database already)."""
        sql = _LOCK_ALL.get(conn.dialect.name)
        if sql is None:
            sql = _LOCK_ALL[conn.dialect.name] = (
                "SELECT name, position FROM projection_tracking"
                + (" FOR UPDATE" if conn.dialect.name == "postgresql" else ""))
        return {name: position for name, position in temporal.driver_rows(conn, sql)
                if name in self.projections}

    def forget(self) -> None:
        """Drop the rows remembered between calls (the tables were rebuilt or replaced)."""
        self._kept.clear()

    @staticmethod
    def _apply(conn: sa.Connection, selected: list[Projection], positions: dict[str, int],
               records: list[tuple[int, Any]]) -> None:
        if not records:
            return
        # Most batches start where every selected projection stands: no per-event check then.
        if all(positions.get(p.name, 0) < records[0][0] for p in selected):
            appliers = [p.apply for p in selected]
            for position, event in records:
                for apply in appliers:
                    apply(conn, position, event)
            return
        for position, event in records:
            for projection in selected:
                if position > positions.get(projection.name, 0):
                    projection.apply(conn, position, event)

    def rebuild(self, names: Iterable[str] | None = None, progress: Progress | None = None) -> int:
        """Drop the read-model tables and build them again from the whole ledger."""
        selected = list(names or self.projections)
        self.forget()
        with self.engine.begin() as conn:
            for name in selected:
                self.projections[name].metadata.drop_all(conn)
                self.projections[name].metadata.create_all(conn)
                conn.execute(tracking_table.delete().where(tracking_table.c.name == name))
                conn.execute(tracking_table.insert().values(
                    name=name, position=0, schema_hash=self.projections[name].schema_hash()))
        # The tables are empty now: rows the batch has not seen need no looking up.
        empty = [t for name in selected for t in self.projections[name].metadata.sorted_tables]
        return self.catch_up(selected, progress=progress, batch=REBUILD_BATCH, rows=temporal.Batch(empty))


# --- helpers for the common case: one temporal row per aggregate --------------------------

METADATA_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic",
     "actor", "reason", "correlation_id"}
)


def event_fields(event: Any) -> dict[str, Any]:
    """The event's own fields, without the envelope (ids, version, metadata)."""
    return {k: v for k, v in vars(event).items() if k not in METADATA_FIELDS}


def row_stamp(event: Any) -> dict[str, Any]:
    return {
        "version": event.originator_version,
        "updated_at": event.timestamp,
        "updated_by": event.actor,
    }


def mirror(
    projection: Projection,
    table: sa.Table,
    created: str,
    changed: dict[str, Callable[[Any], dict[str, Any]] | None],
    on_create: Callable[[Any], dict[str, Any]] | None = None,
) -> None:
    """Keep one temporal row per aggregate in ``table``.

    The created event inserts a row from its fields; each changed event copies the row,
    applies the event's fields that are columns, plus what ``changed[topic](event)`` derives.
    """
    from events import temporal

    @projection.on(created)
    def _created(conn: sa.Connection, position: int, event: Any) -> None:
        temporal.insert(
            conn, table,
            {**event_fields(event), "id": event.originator_id, "created_at": event.timestamp,
             "created_by": event.actor, **row_stamp(event),
             **(on_create(event) if on_create else {})},
            position,
        )

    for topic, derive in changed.items():
        def _changed(conn, position, event, derive=derive):
            changes = {**event_fields(event), **row_stamp(event)}
            if derive is not None:
                changes.update(derive(event))
            temporal.update(conn, table, event.originator_id, changes, position)

        projection.on(topic)(_changed)


def entity_columns() -> list[sa.Column]:
    """Columns every mirrored table has: identity, version (the ETag) and last change."""
    return [
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime()),
        sa.Column("created_by", sa.String(100)),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("updated_by", sa.String(100)),
    ]


# --- the log index: who did what when, and timestamp -> position --------------------------

def log_index_projection() -> Projection:
    """One row per ledger record: the event browser's table and the as-of time index."""
    projection = Projection("log_index")
    table = sa.Table(
        "ledger_log",
        projection.metadata,
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("topic", sa.String(200), nullable=False, index=True),
        sa.Column("originator_id", sa.Uuid, nullable=False, index=True),
        sa.Column("originator_version", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(100), index=True),
        sa.Column("reason", sa.Text),
        sa.Column("correlation_id", sa.String(64), index=True),
    )
    projection.table = table  # type: ignore[attr-defined]

    def apply(conn: sa.Connection, position: int, event: Any) -> None:
        temporal.append(conn, table, dict(
            position=position, occurred_at=event.timestamp, topic=type(event).TOPIC,
            originator_id=event.originator_id, originator_version=event.originator_version,
            actor=getattr(event, "actor", None), reason=getattr(event, "reason", None),
            correlation_id=getattr(event, "correlation_id", None),
        ))

    projection.apply = apply  # type: ignore[method-assign]
    return projection
