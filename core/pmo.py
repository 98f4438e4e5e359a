"""``PMO``: one organisation's ledger, read models, plugins and services, in one object.

Which ledger serves a request is decided by whoever builds this object (the web app's
``current_pmo()``); nothing below it carries an organisation id.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, TypeVar

import pluggy
import sqlalchemy as sa
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from core import maturity_history  # noqa: F401  (adds the maturity table to the core projection)
from core import projections as core_projections
from core.domain.action import Action
from core.domain.decision import Decision
from core.domain.maturity import MaturityProfile
from core.domain.errors import ConflictError, NotFoundError
from core.domain.milestone import Milestone
from core.domain.portfolio import Portfolio, Programme
from core.domain.project import Project
from core.domain.settings import Settings
from core.domain.status_report import StatusReport
from core.domain.user import User
from core.plugins import flatten, make_plugin_manager, plugin_infos
from events import temporal
from events.aggregate import LedgerAggregate
from events.projections import Projection, ProjectionRunner, log_index_projection, projections_mode
from events.store import Ledger, parse_store_url, readmodel_engine
from events.writer_turn import WriterTurn, no_turn

CORE_AGGREGATES: list[type[LedgerAggregate]] = [
    Portfolio, Programme, Project, StatusReport, Milestone, Decision, Action, User, Settings,
    MaturityProfile,
]
# Long-lived aggregates gather many events over the years; snapshots keep loading them cheap.
SNAPSHOT_INTERVALS = {Project: 50, Programme: 50, Portfolio: 50, User: 50, Settings: 50}

A = TypeVar("A", bound=LedgerAggregate)

# The plugins enabled now (``enabled_plugins()`` without ``at``), as plain SQL that SQLite and
# PostgreSQL read alike: it runs in every command's catch-up.
_ENABLED_NOW = "SELECT name FROM plugin_states WHERE valid_to IS NULL AND enabled"


class PMO:
    def __init__(self, store_url: str | None = None, pm: pluggy.PluginManager | None = None):
        self.config = parse_store_url(store_url)
        self._closers: list = []
        self.pm = pm if pm is not None else make_plugin_manager()
        self.plugins = plugin_infos(self.pm)
        self.aggregates = CORE_AGGREGATES + flatten(self.pm.hook.register_aggregates())
        self.ledger = Ledger(self.config, SNAPSHOT_INTERVALS)
        self.engine = readmodel_engine(self.config)
        # In memory both engines must be the one connection, or they'd see two databases.
        self.writer_engine = (
            self.engine if self.config.kind == "memory" else readmodel_engine(self.config, writer=True)
        )
        self.log_index = log_index_projection()
        self.projection_owner: dict[str, str | None] = {"log_index": None, "core": None}
        projections: list[Projection] = [self.log_index, core_projections.projection]
        names_by_plugin_object = {
            impl.plugin: impl.function()["name"] for impl in self.pm.hook.plugin_info.get_hookimpls()
        }
        for impl in self.pm.hook.register_projections.get_hookimpls():
            for projection in impl.function() or []:
                projections.append(projection)
                self.projection_owner[projection.name] = names_by_plugin_object.get(impl.plugin)
        self.runner = ProjectionRunner(self.ledger, self.writer_engine, projections, reader=self.engine)
        self._turn = no_turn
        if self.config.kind == "sqlite":  # PostgreSQL queues writers itself; memory has one
            self._turn = WriterTurn(self.config.eventsourcing_env["SQLITE_DBNAME"])
            self._closers.append(self._turn.close)
        # inline: each writer catches the read models up after its save; external: a separate
        # `pmo projections run` does, and the writer waits until they include its write.
        self.projections_mode = projections_mode()
        self._bulk = False
        self._snapshot_kinds: dict[type, bool] = {}
        self.runner.setup()
        self.catch_up()
        self.plugin_services: dict[str, Any] = {}
        for services in self.pm.hook.register_services(pmo=self):
            self.plugin_services.update(services or {})

    # --- plugins ----------------------------------------------------------------------------

    def enabled_plugins(self, at: int | None = None) -> list[str]:
        t = core_projections.plugin_states
        with self.engine.connect() as conn:
            names = conn.execute(
                sa.select(t.c.name).where(temporal.visible(t, at), t.c.enabled.is_(True))
            ).scalars()
            return [n for n in names if n in self.plugins]

    def active_projections(self) -> list[str]:
        return self._active(self.enabled_plugins())

    def _active(self, enabled: Iterable[str]) -> list[str]:
        enabled = set(enabled)
        return [n for n, owner in self.projection_owner.items() if owner is None or owner in enabled]

    def _active_in(self, conn: sa.Connection) -> list[str]:
        """``active_projections()`` read on the catch-up's own connection, under its lock:
        one plain statement instead of a pooled connection and a built query per command."""
        return self._active(n for (n,) in temporal.driver_rows(conn, _ENABLED_NOW) if n in self.plugins)

    def hook(self, name: str) -> Any:
        """A hook caller that asks only the enabled plugins."""
        enabled = set(self.enabled_plugins())
        disabled = [
            impl.plugin for impl in self.pm.hook.plugin_info.get_hookimpls()
            if impl.function()["name"] not in enabled
        ]
        return self.pm.subset_hook_caller(name, remove_plugins=disabled)

    # --- the write path ---------------------------------------------------------------------

    def get(self, cls: type[A], aggregate_id: uuid.UUID, expected_version: int | None = None) -> A:
        """Load an aggregate; with ``expected_version``, refuse if it has moved on (409)."""
        try:
            aggregate = self.ledger.load(aggregate_id, self._snapshotted(cls))
        except AggregateNotFoundError:
            raise NotFoundError(f"no {cls.__name__.lower()} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"no {cls.__name__.lower()} {aggregate_id}")
        if expected_version is not None and aggregate.version != expected_version:
            raise ConflictError(
                f"this {cls.__name__.lower()} changed since version {expected_version}; "
                f"it is now at version {aggregate.version}",
                current_version=aggregate.version,
            )
        return aggregate

    def _snapshotted(self, cls: type) -> bool:
        """Whether an aggregate asked for as ``cls`` may have snapshots to start from."""
        known = self._snapshot_kinds.get(cls)
        if known is None:
            known = self._snapshot_kinds[cls] = any(
                issubclass(k, cls) or issubclass(cls, k) for k in self.ledger.snapshotting_intervals)
        return known

    def exists(self, aggregate_id: uuid.UUID) -> bool:
        try:
            self.ledger.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def save(self, *aggregates: LedgerAggregate) -> None:
        """One transaction for all pending events; then the read models catch up."""
        with self._turn():
            self._save(aggregates)

    def _save(self, aggregates: tuple[LedgerAggregate, ...]) -> None:
        try:
            recordings = self.ledger.save(*aggregates)
        except IntegrityError:
            current = None
            if len(aggregates) == 1:
                try:
                    current = self.ledger.repository.get(aggregates[0].id).version
                except AggregateNotFoundError:
                    pass
            raise ConflictError(
                "someone else changed this at the same moment; reload and try again",
                current_version=current,
            ) from None
        if not self._bulk:
            if self.projections_mode == "external" and recordings:
                # A user sees their own write: wait for the projection process, or do it.
                last = max(r.notification.id for r in recordings)
                if self.runner.wait_for(last, self.active_projections()):
                    return
            # The records just written are applied as decoded from their stored form (what
            # a rebuild reads), without reading them back from the log.
            to_event = self.ledger.mapper.to_domain_event
            written = sorted(((r.notification.id, to_event(r.notification)) for r in recordings), key=lambda r: r[0])
            self.runner.catch_up(self._active_in, written=written)

    @contextmanager
    def bulk(self, progress=None) -> Iterator["PMO"]:
        """Defer read-model catch-up to the end: for imports and generators, not for requests
        (a user must see their own write)."""
        self._bulk = True
        try:
            yield self
        finally:
            self._bulk = False
            self.catch_up(progress=progress)

    def catch_up(self, progress=None) -> int:
        return self.runner.catch_up(self._active_in, progress=progress)

    def rebuild(self, progress=None) -> int:
        """Rebuild every active projection. Rebuilding the core may enable plugins (their
        state is a core read model), so their projections are rebuilt in a next round."""
        done, rebuilt = 0, set()
        while todo := [n for n in self.active_projections() if n not in rebuilt]:
            done += self.runner.rebuild(todo, progress=progress)
            rebuilt.update(todo)
        return done

    # --- the read path ----------------------------------------------------------------------

    def read(self) -> sa.Connection:
        """A connection for read-model queries: ``with pmo.read() as conn: ...``."""
        return self.engine.connect()

    def on_close(self, callback) -> None:
        """Run ``callback`` when this PMO closes: plugins' own stores close with the ledger
        (an organisation dropped from the cache must not keep its connections)."""
        self._closers.append(callback)

    def close(self) -> None:
        for callback in reversed(self._closers):
            callback()
        self._closers = []
        self.engine.dispose()
        if self.writer_engine is not self.engine:
            self.writer_engine.dispose()
        self.ledger.close()
