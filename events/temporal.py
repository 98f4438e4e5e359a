"""Read-model rows that remember when they were true.

Each row carries the log positions between which it held: ``valid_from`` (the event that
made it so) and ``valid_to`` (the event that changed or removed it; NULL while current).
The current view filters ``valid_to IS NULL``; an as-of view at log position ``p`` filters
``valid_from <= p AND (valid_to IS NULL OR valid_to > p)``. One indexed query answers both.

Writing: ``insert``, ``update``, ``close`` and ``current_row`` work on any connection, one
statement at a time. Inside ``batch(conn)`` (the projection runner opens one around each
transaction) the same calls are buffered instead: current rows are remembered, a row that
is inserted and superseded within the batch is written once with both positions, and what
remains goes to the database as a few ``executemany`` statements. Any other statement run
on the connection meanwhile (a handler's own query or insert) first flushes the buffer, so
handlers always read what they wrote.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
import itertools
import operator
import uuid
import weakref
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa


def temporal_table(name: str, metadata: sa.MetaData, key: str, *columns: sa.Column,
                   filters: tuple[tuple[str, ...], ...] = ()) -> sa.Table:
    """A table of versions of entities identified by ``key``.

    ``filters`` lists the column tuples that pages filter and count by. Each gets two
    indexes: one over the current rows only (``valid_to IS NULL``: one entry per entity, not
    per version), and one over every version with ``valid_from, valid_to`` appended, so that
    an as-of count is read from the index alone too."""
    now = sa.text("valid_to IS NULL")
    indexes = []
    for column in columns:
        # A column looked up by (a project's actions, a user by name) is indexed with
        # valid_to: two equalities for the current rows, so the planner takes it over an
        # index on what is only filtered (status), and the history of one value stays together.
        if isinstance(column, sa.Column) and column.index and column.name != key:
            column.index = None
            indexes.append(sa.Index(f"ix_{name}_{column.name}_valid_to", column.name, "valid_to"))
    for cols in filters:
        label = "_".join(cols)
        indexes.append(sa.Index(f"ix_{name}_now_{label}", *cols, sqlite_where=now, postgresql_where=now))
        indexes.append(sa.Index(f"ix_{name}_at_{label}", *cols, "valid_from", "valid_to"))
    return sa.Table(
        name,
        metadata,
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
        *columns,
        sa.Column("valid_from", sa.Integer, nullable=False),
        sa.Column("valid_to", sa.Integer, nullable=True),
        sa.Index(f"ix_{name}_{key}_valid_to", key, "valid_to"),
        sa.Index(f"ix_{name}_valid_to", "valid_to"),
        *indexes,
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


class _Shape:
    """What the writers need to know about a table, worked out once (not per row)."""

    __slots__ = ("insert", "select_current", "close", "blank", "columns")

    def __init__(self, table: sa.Table):
        key = _key(table)
        # Statements take their values as parameters, never baked in: SQLAlchemy compiles
        # each once per table and reuses it.
        self.insert = table.insert()
        self.select_current = sa.select(table).where(key == sa.bindparam("entity_key"), table.c.valid_to.is_(None))
        self.close = (
            table.update()
            .where(key == sa.bindparam("entity_key"), table.c.valid_to.is_(None))
            .values(valid_to=sa.bindparam("closed_at_position"))
        )
        self.blank = {c.key: _default(c) for c in table.c if c.key != "row_id"}
        self.columns = frozenset(c.key for c in table.c)


def _shape(table: sa.Table) -> _Shape:
    shape = table.info.get("_temporal_shape")
    if shape is None:
        shape = table.info["_temporal_shape"] = _Shape(table)
    return shape


def _default(column: sa.Column) -> Any:
    return column.default.arg if column.default is not None and column.default.is_scalar else None


def _new_row(table: sa.Table, values: dict[str, Any], position: int) -> dict[str, Any]:
    shape = _shape(table)
    row = {**shape.blank, **values, "valid_from": position, "valid_to": None}
    for extra in values.keys() - shape.columns:  # event fields the table does not keep
        del row[extra]
    row.pop("row_id", None)
    return row


# --- the public writers (immediate, or buffered inside ``batch``) -------------------------

def insert(conn: sa.Connection, table: sa.Table, values: dict[str, Any], position: int) -> None:
    row = _new_row(table, values, position)
    buffer = _batch_of(conn)
    if buffer is not None:
        buffer.insert(table, row)
    else:
        conn.execute(_shape(table).insert, row)


def current_row(conn: sa.Connection, table: sa.Table, key_value: Any) -> dict[str, Any] | None:
    buffer = _batch_of(conn)
    if buffer is not None:
        return buffer.current_row(table, key_value)
    row = conn.execute(_shape(table).select_current, {"entity_key": key_value}).mappings().first()
    return dict(row) if row else None


def update(
    conn: sa.Connection, table: sa.Table, key_value: Any, changes: dict[str, Any], position: int
) -> dict[str, Any]:
    """Close the current version of an entity and insert the changed one."""
    buffer = _batch_of(conn)
    if buffer is not None:
        return buffer.update(table, key_value, changes, position)
    old = current_row(conn, table, key_value)
    if old is None:
        raise LookupError(f"{table.name}: no current row for {key_value!r}")
    close(conn, table, key_value, position)
    new = {k: v for k, v in old.items() if k not in ("row_id", "valid_from", "valid_to")}
    columns = _shape(table).columns
    new.update((k, v) for k, v in changes.items() if k in columns)
    insert(conn, table, new, position)
    return new


def close(conn: sa.Connection, table: sa.Table, key_value: Any, position: int) -> None:
    """The entity stops being visible from ``position`` on (deleted, or superseded)."""
    buffer = _batch_of(conn)
    if buffer is not None:
        buffer.close(table, key_value, position)
    else:
        conn.execute(_shape(table).close, {"entity_key": key_value, "closed_at_position": position})


def append(conn: sa.Connection, table: sa.Table, row: dict[str, Any]) -> None:
    """Insert a plain (not temporal) row: at once, or with the batch's next flush."""
    buffer = _batch_of(conn)
    if buffer is not None:
        buffer.appends.setdefault(table, []).append({**_plain_defaults(table), **row})
    else:
        conn.execute(table.insert(), row)


def _plain_defaults(table: sa.Table) -> dict[str, Any]:
    defaults = table.info.get("_plain_defaults")
    if defaults is None:
        defaults = table.info["_plain_defaults"] = {
            c.key: _default(c) for c in table.c if c is not table.autoincrement_column}
    return defaults


# --- bulk statements ----------------------------------------------------------------------
# A flush writes thousands of rows. SQLAlchemy's executemany builds a parameter dictionary
# per row through the compiled statement; here each table gets its SQL and its columns'
# own bind processors once per dialect, and the rows go to the driver as plain tuples.

class _BulkSQL:
    __slots__ = ("insert_sql", "insert_columns", "close_sql", "key_processor")

    def __init__(self, table: sa.Table, dialect: sa.Dialect):
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        name = dialect.identifier_preparer.format_table(table)
        columns = [c for c in table.c if c is not table.autoincrement_column]
        self.insert_columns = [(c.key, _processor(c, dialect)) for c in columns]
        self.insert_sql = (f"INSERT INTO {name} ({', '.join(quote(c.name) for c in columns)}) "
                           f"VALUES ({', '.join(mark for _ in columns)})")
        key = table.info.get("temporal_key")
        if key is not None:
            column = table.c[key]
            self.key_processor = column.type.dialect_impl(dialect).bind_processor(dialect)
            self.close_sql = (f"UPDATE {name} SET valid_to = {mark} "
                              f"WHERE {quote(column.name)} = {mark} AND valid_to IS NULL")


def _processor(column: sa.Column, dialect: sa.Dialect) -> Any:
    """The column's bind processor; for SQLite's common types a quicker one that gives the
    same text (checked here on a sample, else the general one is kept)."""
    general = column.type.dialect_impl(dialect).bind_processor(dialect)
    quick, sample = _QUICK.get((dialect.name, type(column.type)), (None, None))
    if general is None or quick is None or (column.type.__class__ is sa.Uuid and not column.type.as_uuid):
        return general
    return quick if quick(sample) == general(sample) else general


def _sqlite_moment(value: datetime) -> str:
    tz = value.tzinfo
    if tz is timezone.utc:  # the usual case (events' timestamps): one call, no conversion
        return value.isoformat(" ", "microseconds")[:26]
    if tz is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


_QUICK: dict[tuple[str, type], tuple[Any, Any]] = {}


def _bulk_sql(table: sa.Table, dialect: sa.Dialect) -> _BulkSQL:
    cache = table.info.setdefault("_temporal_bulk", {})
    bulk = cache.get(dialect.name)
    if bulk is None:
        bulk = cache[dialect.name] = _BulkSQL(table, dialect)
    return bulk


def _bulk_insert(table: sa.Table, dialect: sa.Dialect, rows: list[dict[str, Any]]) -> tuple[str, list[tuple]]:
    bulk = _bulk_sql(table, dialect)
    plain = [k for k, p in bulk.insert_columns if p is None]
    if len(plain) == len(bulk.insert_columns):
        return bulk.insert_sql, [tuple([row[k] for k in plain]) for row in rows]
    # The values in one C call per row; then only the columns with a processor, by index.
    get = operator.itemgetter(*(k for k, _ in bulk.insert_columns))
    processed = [(i, p) for i, (_, p) in enumerate(bulk.insert_columns) if p is not None]
    out = []
    for row in rows:
        values = list(get(row))
        for i, p in processed:
            v = values[i]
            if v is not None:
                values[i] = p(v)
        out.append(values)
    return bulk.insert_sql, out


def _bulk_close(table: sa.Table, dialect: sa.Dialect, closes: dict[Any, int]) -> tuple[str, list[tuple]]:
    bulk = _bulk_sql(table, dialect)
    p = bulk.key_processor
    return bulk.close_sql, [(position, key if p is None or key is None else p(key))
                            for key, position in closes.items()]


def driver_cursor(conn: sa.Connection) -> Any:
    """A cursor of the driver's own connection, in ``conn``'s transaction. For the few
    prepared statements a catch-up runs after every command: SQLAlchemy's execution path
    costs more than SQLite takes to run them (and its events do not fire)."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def driver_executemany(conn: sa.Connection, sql: str, rows: list[tuple]) -> None:
    cursor = driver_cursor(conn)
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def driver_rows(conn: sa.Connection, sql: str, params: tuple = ()) -> list[tuple]:
    cursor = driver_cursor(conn)
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


# --- batching -----------------------------------------------------------------------------

# The open batches by connection (``id``): cheaper to look up per row than ``conn.info``.
_BATCHES: dict[int, "Batch"] = {}

# After this many one-by-one lookups in a table, a batch reads its whole current view.
LOAD_ALL_AFTER = 256
# A batch forgets the rows it remembers beyond this many keys per table (memory stays flat).
MAX_REMEMBERED_KEYS = 200_000


def _batch_of(conn: sa.Connection) -> "Batch | None":
    return _BATCHES.get(id(conn))


class _Key:
    """What the batch knows of one entity: its current rows in the database (``None``: not
    looked up yet) and its current rows still in the buffer."""

    __slots__ = ("stored", "buffered")

    def __init__(self, stored: list[dict[str, Any]] | None) -> None:
        self.stored = stored
        self.buffered: list[dict[str, Any]] = []


class _TableBuffer:
    __slots__ = ("keys", "inserts", "closes", "dirty", "complete", "misses", "evicted")

    def __init__(self, complete: bool) -> None:
        self.keys: dict[Any, _Key] = {}             # least recently used first
        self.misses = 0                             # keys looked up one by one
        # Every stored current row is in ``keys``, but for the keys in ``evicted``.
        self.complete = complete
        self.evicted: set[Any] = set()
        self.dirty: list[_Key] = []                 # keys with buffered rows
        self.inserts: list[dict[str, Any]] = []     # in order; valid_to filled in when superseded
        self.closes: dict[Any, int] = {}            # key -> position, for rows already stored


class Batch:
    """Buffered temporal writes on one connection, and the current rows they touched.

    A batch may be kept for several transactions in a row (``batch(conn, keep)``) as long as
    nobody else writes the tables in between: the projection runner checks its tracking
    positions for that. ``empty``: tables known to start empty (a rebuild), where a key the
    batch has not seen has no rows and is never looked up.
    """

    def __init__(self, empty: Iterable[sa.Table] = ()):
        self.conn: sa.Connection | None = None
        self.empty = set(empty)
        self.tables: dict[sa.Table, _TableBuffer] = {}
        self.appends: dict[Any, list[dict[str, Any]]] = {}  # insert statement -> plain rows
        self.own = False  # True while the batch runs its own statements

    def _buffer(self, table: sa.Table) -> _TableBuffer:
        buffer = self.tables.get(table)
        if buffer is None:
            buffer = self.tables[table] = _TableBuffer(table in self.empty)
        return buffer

    def _state(self, table: sa.Table, key_value: Any) -> _Key:
        buffer = self._buffer(table)
        state = buffer.keys.get(key_value)
        if state is None:
            known = buffer.complete and key_value not in buffer.evicted
            state = buffer.keys[key_value] = _Key([] if known else None)
        elif len(buffer.keys) > MAX_REMEMBERED_KEYS // 4:
            # Most recently used last, for the eviction in flush(); below this size nothing
            # is evicted soon, and the reordering (two hashes of a UUID) is skipped.
            buffer.keys[key_value] = buffer.keys.pop(key_value)
        return state

    def _execute(self, statement: Any, params: Any) -> sa.CursorResult:
        self.own = True
        try:
            return self.conn.execute(statement, params)  # type: ignore[union-attr]
        finally:
            self.own = False

    def _execute_many(self, sql: str, rows: list[tuple]) -> None:
        driver_executemany(self.conn, sql, rows)  # type: ignore[arg-type]

    def insert(self, table: sa.Table, row: dict[str, Any]) -> None:
        buffer = self._buffer(table)
        buffer.inserts.append(row)
        state = self._state(table, row[table.info["temporal_key"]])
        if not state.buffered:
            buffer.dirty.append(state)
        state.buffered.append(row)

    def _current(self, table: sa.Table, state: _Key, key_value: Any) -> dict[str, Any] | None:
        if state.stored is None:
            buffer = self._buffer(table)
            buffer.misses += 1
            if buffer.misses == LOAD_ALL_AFTER and self._load_all(table, buffer):
                state = self._state(table, key_value)
            else:
                result = self._execute(_shape(table).select_current, {"entity_key": key_value})
                state.stored = [dict(r) for r in result.mappings()]
        return state.stored[0] if state.stored else state.buffered[0] if state.buffered else None

    def _load_all(self, table: sa.Table, buffer: _TableBuffer) -> bool:
        """Many entities looked up one by one (a long catch-up): read the whole current view
        once instead, if it is not too big. The buffer is flushed first, so what is read is
        all there is."""
        count = self._execute(sa.select(sa.func.count()).select_from(table).where(table.c.valid_to.is_(None)), {})
        if count.scalar_one() > MAX_REMEMBERED_KEYS:
            return False
        self.flush()
        key = table.info["temporal_key"]
        keys: dict[Any, _Key] = {}
        for row in self._execute(sa.select(table).where(table.c.valid_to.is_(None)), {}).mappings():
            state = keys.get(row[key])
            if state is None:
                state = keys[row[key]] = _Key([])
            state.stored.append(dict(row))  # type: ignore[union-attr]
        buffer.keys, buffer.complete, buffer.evicted = keys, True, set()
        return True

    def current_row(self, table: sa.Table, key_value: Any) -> dict[str, Any] | None:
        row = self._current(table, self._state(table, key_value), key_value)
        return dict(row) if row is not None else None

    def update(self, table: sa.Table, key_value: Any, changes: dict[str, Any], position: int) -> dict[str, Any]:
        # close() and insert() in one, with one lookup of the table and the key (the hot path).
        state = self._state(table, key_value)
        old = self._current(table, state, key_value)
        if old is None:
            raise LookupError(f"{table.name}: no current row for {key_value!r}")
        new = _new_row(table, {**old, **changes}, position)
        buffer = self.tables[table]
        state = buffer.keys[key_value]  # (a first lookup may have reloaded the table)
        self._close(buffer, state, key_value, position)
        if new[table.info["temporal_key"]] != key_value:  # the change moved it to another key
            self.insert(table, new)
            return {k: v for k, v in new.items() if k not in ("valid_from", "valid_to")}
        buffer.inserts.append(new)
        buffer.dirty.append(state)
        state.buffered.append(new)
        return {k: v for k, v in new.items() if k not in ("valid_from", "valid_to")}

    def close(self, table: sa.Table, key_value: Any, position: int) -> None:
        self._close(self._buffer(table), self._state(table, key_value), key_value, position)

    @staticmethod
    def _close(buffer: _TableBuffer, state: _Key, key_value: Any, position: int) -> None:
        if state.stored is None or state.stored:
            # Stored rows (looked up or not) are closed by key when the batch is flushed.
            buffer.closes.setdefault(key_value, position)
            state.stored = []
        for row in state.buffered:
            row["valid_to"] = position
        state.buffered = []

    def flush(self) -> None:
        """Write what is buffered: closes of stored rows first, then the new rows."""
        dialect = self.conn.dialect  # type: ignore[union-attr]
        for table, buffer in self.tables.items():
            if buffer.closes:
                self._execute_many(*_bulk_close(table, dialect, buffer.closes))
                buffer.closes = {}
            if buffer.inserts:
                self._execute_many(*_bulk_insert(table, dialect, buffer.inserts))
                buffer.inserts = []
            # What was buffered is stored now: a later close must reach it through the database.
            for state in buffer.dirty:
                if state.stored is not None:  # not looked up yet: the next lookup finds them
                    state.stored.extend(r for r in state.buffered if r["valid_to"] is None)
                state.buffered = []
            buffer.dirty = []
            if len(buffer.keys) > MAX_REMEMBERED_KEYS:
                # Forget the least recently used half (all flushed now), remembering which.
                drop = list(itertools.islice(buffer.keys, len(buffer.keys) - MAX_REMEMBERED_KEYS // 2))
                for key in drop:
                    del buffer.keys[key]
                if buffer.complete:
                    buffer.evicted.update(drop)
        for table, rows in self.appends.items():
            if rows:
                self._execute_many(*_bulk_insert(table, dialect, rows))
        self.appends = {}

    def trim(self, max_keys: int) -> None:
        """Remember at most ``max_keys`` keys per table (the most recently used): for a batch
        kept between calls, after its flush. What is dropped is looked up again if needed."""
        self.empty = set()
        for buffer in self.tables.values():
            buffer.misses = 0
            if len(buffer.keys) > max_keys:
                for key in list(itertools.islice(buffer.keys, len(buffer.keys) - max_keys)):
                    del buffer.keys[key]
                buffer.complete, buffer.evicted = False, set()

    def forget(self, table: sa.Table | None = None) -> None:
        """Someone else wrote to ``table`` (None: maybe any table): look rows up again."""
        for t, buffer in self.tables.items():
            if table is None or t is table:
                buffer.keys, buffer.complete, buffer.misses, buffer.evicted = {}, False, 0, set()
        self.empty = set() if table is None else self.empty - {table}

    def discard(self) -> None:
        """Drop everything: the transaction failed, or the tables changed behind our back."""
        self.tables, self.appends, self.empty = {}, {}, set()

    def before_execute(self, conn, statement, multiparams, params, execution_options):
        if self.own:
            return
        self.flush()
        if getattr(statement, "is_select", False):
            return
        target = getattr(statement, "table", None) if getattr(statement, "is_dml", False) else None
        if isinstance(target, sa.Table):
            if "temporal_key" in target.info:
                self.forget(target)
        else:
            self.forget()


_WATCHED: "weakref.WeakSet[sa.Engine]" = weakref.WeakSet()


def _before_execute(conn, statement, multiparams, params, execution_options):
    batch_ = _BATCHES.get(id(conn))
    if batch_ is not None:
        batch_.before_execute(conn, statement, multiparams, params, execution_options)


def watch_engine(engine: sa.Engine) -> None:
    """Let batches on this engine's connections see other statements through one listener on
    the engine, instead of one added and removed per batch (which costs more than a small
    batch's writes)."""
    if engine not in _WATCHED:
        sa.event.listen(engine, "before_execute", _before_execute)
        _WATCHED.add(engine)


@contextmanager
def batch(conn: sa.Connection, keep: Batch | None = None) -> Iterator[Batch]:
    """Buffer temporal writes on ``conn`` until the block ends, then flush them.

    ``keep``: a batch from an earlier transaction whose remembered rows are still true.
    On an error the buffer is dropped unflushed (the transaction rolls back anyway).
    """
    outer = _batch_of(conn)
    if outer is not None:  # already batching: the outer block flushes
        yield outer
        return
    buffer = keep if keep is not None else Batch()
    buffer.conn = conn
    _BATCHES[id(conn)] = buffer
    # Any other engine's connection gets a listener of its own for the batch.
    watched = conn.engine in _WATCHED
    if not watched:
        sa.event.listen(conn, "before_execute", buffer.before_execute)
    try:
        yield buffer
        buffer.flush()
    except BaseException:
        buffer.discard()
        raise
    finally:
        if not watched:
            sa.event.remove(conn, "before_execute", buffer.before_execute)
        del _BATCHES[id(conn)]
        buffer.conn = None


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


_QUICK.update({
    ("sqlite", UTCDateTime): (_sqlite_moment, datetime(2024, 5, 6, 7, 8, 9, 10, tzinfo=timezone.utc)),
    ("sqlite", sa.Uuid): (lambda value: value.hex, uuid.UUID(int=12345678901234567890)),
    ("sqlite", sa.Date): (date.isoformat, date(2024, 5, 6)),
})
