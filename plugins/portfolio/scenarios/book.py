"""The scenario store: an eventsourcing application of its own, beside the live ledger.

Scenario events must never enter the live ledger (its count, order and hash chain are what
auditors verify), yet they are events with actor, reason and correlation id like any other.
So they get their own store, chosen from the live store's URL:

    memory://          a separate in-memory store
    sqlite:///x.sqlite  a separate SQLite file beside it, ``x.scenarios.sqlite`` (the SQLite
                        recorder always names its table ``stored_events``, so it cannot share
                        the live file)
    postgresql://...    the same database and schema, table ``portfolio_scenarios_events``

One book per PMO (per organisation's ledger), opened on first use and closed with it.
"""
from __future__ import annotations

import threading
import uuid
import weakref
from pathlib import Path
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from core.domain.errors import ConflictError, NotFoundError
from core.pmo import PMO
from events.store import DateAsISO, StoreConfig
from plugins.portfolio.scenarios.domain import Scenario

_books: "weakref.WeakKeyDictionary[PMO, ScenarioBook]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def scenario_env(config: StoreConfig) -> dict[str, str]:
    env = dict(config.eventsourcing_env)
    if config.kind == "sqlite":
        live = Path(env["SQLITE_DBNAME"])
        env["SQLITE_DBNAME"] = str(live.with_name(f"{live.stem}.scenarios{live.suffix or '.sqlite'}"))
    env["CREATE_TABLE"] = "y"
    return env


class ScenarioBook(Application):
    """Scenarios and their hypothetical events; nothing here is part of the live ledger."""

    name = "portfolio_scenarios"  # PostgreSQL: portfolio_scenarios_events

    def register_transcodings(self, transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def scenario(self, scenario_id: uuid.UUID, expected_version: int | None = None) -> Scenario:
        try:
            scenario = self.repository.get(scenario_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"no scenario {scenario_id}") from None
        if not isinstance(scenario, Scenario):
            raise NotFoundError(f"no scenario {scenario_id}")
        if expected_version is not None and scenario.version != expected_version:
            raise ConflictError(f"this scenario changed since version {expected_version}; it is now at version "
                                f"{scenario.version}", current_version=scenario.version)
        return scenario

    def keep(self, scenario: Scenario) -> None:
        """Save the scenario's pending events in one transaction; a clash is a 409."""
        try:
            self.save(scenario)
        except IntegrityError:
            raise ConflictError("someone else changed this scenario at the same moment; reload and try again",
                                current_version=None) from None

    def all(self) -> list[Scenario]:
        """Every scenario, newest first (a PMO keeps tens of them: read whole, no read model)."""
        ids: dict[uuid.UUID, None] = {}
        start = 1
        while True:
            records = self.recorder.select_notifications(start=start, limit=1000)
            for record in records:
                ids[record.originator_id] = None
            if len(records) < 1000:
                break
            start = records[-1].id + 1
        found = [self.repository.get(i) for i in ids]
        return sorted((s for s in found if isinstance(s, Scenario)), key=lambda s: s.created_on, reverse=True)

    def event_count(self) -> int:
        return self.recorder.max_notification_id() or 0


def book(pmo: PMO) -> ScenarioBook:
    """The scenario store of this PMO's ledger, opened once."""
    found = _books.get(pmo)
    if found is None:
        with _lock:
            found = _books.get(pmo)
            if found is None:
                found = _books[pmo] = ScenarioBook(env=scenario_env(pmo.config))
                pmo.on_close(lambda: close(pmo))
    return found


def close(pmo: PMO) -> Any:
    found = _books.pop(pmo, None)
    if found is not None:
        found.close()
