"""One ``PMO_STORE`` URL decides where the ledger and its read models live.

    sqlite:///var/pmo.sqlite          embedded default (relative path; four slashes = absolute)
    postgresql://user@host:5432/db    production; ``?schema=name`` puts both in one schema
    memory://                         unit tests

The ledger is one eventsourcing ``Application``: one global, gap-free notification log.
Read models live in the same database (in memory: a private SQLite), so a projection can
commit its rows and its tracking position in one transaction.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import parse_qs, unquote, urlparse

import sqlalchemy as sa
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.persistence import JSONTranscoder, Transcoding
from sqlalchemy.pool import StaticPool

DEFAULT_STORE = "sqlite:///var/pmo.sqlite"


class StoreURLError(ValueError):
    """PMO_STORE is not a URL we know how to open."""


@dataclass(frozen=True)
class StoreConfig:
    url: str
    eventsourcing_env: dict[str, str]
    readmodel_url: str
    readmodel_options: dict[str, Any] = field(default_factory=dict)
    schema: str = ""

    @property
    def kind(self) -> str:
        return self.url.split(":", 1)[0]


def parse_store_url(url: str | None = None) -> StoreConfig:
    url = url or os.environ.get("PMO_STORE") or DEFAULT_STORE
    parsed = urlparse(url)
    if parsed.scheme == "memory":
        return StoreConfig(
            url,
            {"PERSISTENCE_MODULE": "eventsourcing.popo"},
            "sqlite://",
            {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
        )
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not path:
            raise StoreURLError(f"sqlite store needs a path: {url!r}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # How long a writer waits for SQLite's lock before the request answers 503 (see
        # web/store_errors.py); whole seconds, as eventsourcing reads it.
        timeout = int(os.environ.get("PMO_SQLITE_TIMEOUT", "30"))
        return StoreConfig(
            url,
            {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": path,
                "SQLITE_LOCK_TIMEOUT": str(timeout),
            },
            f"sqlite:///{path}",
            {"connect_args": {"timeout": timeout}},
        )
    if parsed.scheme in ("postgresql", "postgres"):
        query = parse_qs(parsed.query)
        schema = query.get("schema", [""])[0]
        # ?pool_size=1&max_overflow=2: a process with many stores open at once (several
        # organisations) keeps each one's connections few; one store keeps the defaults.
        try:
            pool = {k: int(query.get(k, [d])[0]) for k, d in (("pool_size", "5"), ("max_overflow", "10"))}
        except ValueError:
            raise StoreURLError(f"pool_size and max_overflow must be whole numbers: {url!r}") from None
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parsed.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or os.environ.get("USER", "postgres")),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_POOL_SIZE": str(pool["pool_size"]),
            "POSTGRES_MAX_OVERFLOW": str(pool["max_overflow"]),
            "POSTGRES_CONNECT_TIMEOUT": "5",
        }
        options: dict[str, Any] = {"pool_pre_ping": True, **pool}  # each read-model engine: the same bound
        if schema:
            env["POSTGRES_SCHEMA"] = schema
            options["connect_args"] = {"options": f"-csearch_path={schema}"}
        auth = env["POSTGRES_USER"] + (f":{env['POSTGRES_PASSWORD']}" if parsed.password else "")
        ra_url = (
            f"postgresql+psycopg://{auth}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
            f"/{env['POSTGRES_DBNAME']}"
        )
        return StoreConfig(url, env, ra_url, options, schema)
    raise StoreURLError(
        f"unknown PMO_STORE {url!r}: use sqlite:///path, postgresql://... or memory://"
    )


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class Ledger(Application):
    """The one ordered log of every change. Knows no PMO: aggregates are added by callers."""

    name = "pmo"  # PostgreSQL tables are named pmo_events, pmo_snapshots
    log_section_size = 1000

    def __init__(self, config: StoreConfig, snapshot_intervals: dict[type, int] | None = None):
        from events.chain import RECORDER_TOPICS, Sealer

        env = dict(config.eventsourcing_env)
        env["APPLICATION_RECORDER_TOPIC"] = RECORDER_TOPICS[env["PERSISTENCE_MODULE"]]
        if snapshot_intervals:
            env["IS_SNAPSHOTTING_ENABLED"] = "y"
        if config.schema:
            _ensure_pg_schema(config)
        super().__init__(env=env)
        self.snapshotting_intervals = dict(snapshot_intervals or {})
        self.config = config
        self.sealer = Sealer.from_env(os.environ.get("PMO_VAR", "var"))
        self.recorder.sealer = self.sealer

    def construct_recorder(self):
        # The in-memory factory ignores APPLICATION_RECORDER_TOPIC; give it the chained one too.
        if self.env.get("PERSISTENCE_MODULE") == "eventsourcing.popo":
            from events.chain import ChainedPOPORecorder

            return ChainedPOPORecorder()
        return super().construct_recorder()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording]:
        """``Application.save``, step for step, but our aggregates' events are collected
        without the library's runtime protocol checks (``isinstance`` against a
        ``typing.Protocol`` costs more than the rest of collecting, on Python 3.11)."""
        if kwargs or not all(isinstance(obj, Aggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        processing_event: ProcessingEvent = ProcessingEvent()
        for aggregate in objs:
            processing_event.events.extend(aggregate.collect_events())
            processing_event.aggregates[aggregate.id] = aggregate
        try:
            recordings = self._record(processing_event)
        except IntegrityError:
            if not self._already_stored(processing_event.events):
                raise
            # The connection broke after COMMIT and the driver's retry found our own records:
            # written once, as asked. No recordings: the caller reads the positions from the log.
            recordings = []
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def _already_stored(self, events: list[Any]) -> bool:
        """Whether every one of ``events`` is in the store byte for byte (same originator,
        version, topic and state, timestamp and correlation id included): then a clash is
        our own earlier attempt, not someone else's write."""
        if not events:
            return False
        for event in events:
            pending = self.mapper.to_stored_event(event)
            stored = self.recorder.select_events(
                pending.originator_id, gt=pending.originator_version - 1, lte=pending.originator_version)
            if not stored or stored[0].topic != pending.topic or bytes(stored[0].state) != bytes(pending.state):
                return False
        return True

    def load(self, aggregate_id: Any, snapshotted: bool = True) -> Any:
        """The aggregate as it is now. ``snapshotted=False`` (its class never takes snapshots)
        skips looking for a snapshot: one query instead of two."""
        if snapshotted or self.snapshots is None:
            return self.repository.get(aggregate_id)
        aggregate = None
        for event in self.events.get(originator_id=aggregate_id):
            aggregate = event.mutate(aggregate)
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def read_batch(self, after: int, limit: int) -> list[tuple[int, Any]]:
        """Up to ``limit`` ``(position, domain event)`` pairs after position ``after``, in order."""
        records = self.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
        return [(record.id, self.mapper.to_domain_event(record)) for record in records]

    def read_log(self, after: int = 0, batch: int = 1000) -> Iterable[tuple[int, Any]]:
        """Yield ``(position, domain event)`` from the global log, in order, after ``after``."""
        while True:
            records = self.read_batch(after, batch)
            yield from records
            if len(records) < batch:
                return
            after = records[-1][0]


def _ensure_pg_schema(config: StoreConfig) -> None:
    engine = sa.create_engine(config.readmodel_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{config.schema}"'))
    engine.dispose()


def readmodel_engine(config: StoreConfig, writer: bool = False) -> sa.Engine:
    """An engine on the read-model database.

    The writer engine (used only by the projection runner) takes SQLite's write lock when its
    transaction begins, so two processes catching up never interleave; PostgreSQL gets the
    same from ``SELECT ... FOR UPDATE`` on the tracking rows.
    """
    engine = sa.create_engine(config.readmodel_url, **config.readmodel_options)
    if config.kind in ("sqlite", "memory"):
        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            if config.kind == "sqlite":
                dbapi_conn.execute("PRAGMA journal_mode=WAL")
                dbapi_conn.execute("PRAGMA synchronous=NORMAL")

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            # On the driver's connection: this runs before every catch-up (see driver_cursor).
            conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE" if writer else "BEGIN")
    return engine
