"""The portfolio and its programmes: the groupings projects roll up into."""
from __future__ import annotations

import uuid

from eventsourcing.domain import event

from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("6f1d3a52-8a0e-4a39-9a36-0c8d4b3f8a11")


class Portfolio(LedgerAggregate):
    """The organisation's portfolio (one per ledger)."""

    TOPIC = "core.Portfolio"

    @staticmethod
    def create_id() -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "portfolio")

    @event("Established", topic="core.Portfolio.Established")
    def __init__(self, name: str, description: str = ""):
        self.name = name
        self.description = description

    @event("Renamed", topic="core.Portfolio.Renamed")
    def rename(self, name: str, description: str) -> None:
        self.name = name
        self.description = description


class Programme(LedgerAggregate):
    """A group of related projects managed together for benefits none would give alone."""

    TOPIC = "core.Programme"

    @staticmethod
    def create_id(code: str) -> uuid.UUID:
        # The code is the identity: registering a code twice is a version clash (409).
        return uuid.uuid5(NAMESPACE, f"programme:{code.lower()}")

    @event("Registered", topic="core.Programme.Registered")
    def __init__(self, code: str, name: str, description: str = "", sponsor: str = "", manager: str = ""):
        self.code = code
        self.name = name
        self.description = description
        self.sponsor = sponsor
        self.manager = manager
        self.closed = False

    @event("Updated", topic="core.Programme.Updated")
    def update(self, name: str, description: str, sponsor: str, manager: str) -> None:
        self.name = name
        self.description = description
        self.sponsor = sponsor
        self.manager = manager

    @event("Closed", topic="core.Programme.Closed")
    def close(self) -> None:
        self.closed = True
