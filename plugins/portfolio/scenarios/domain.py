"""The scenario aggregate: a named branch of the portfolio and its hypothetical changes.

Each change is its own event in the past tense (``ProjectDropped``, ``DatesShifted`` ...),
kept in the scenario store, never in the live ledger. A scenario holds at most one change of
each kind per project (and one budget, one capacity per role and period): a later change of
the same kind replaces the earlier one, so the scenario reads as a list of decisions, not as
a log. Once committed or discarded a scenario is final.

No Flask, no marshmallow; bodies are replayed.
"""
from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate
from plugins.portfolio.domain import MAX_AMOUNT, PERIOD, amount

KINDS = ("drop", "shift", "cost", "must_do", "budget", "capacity")
MAX_SHIFT_DAYS = 3650
STATES = ("open", "committed", "discarded")


class ScenarioClosedError(NotAllowedError):
    """The scenario was committed or discarded; it is kept as it was."""


def check_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("a scenario needs a name (up to 200 characters)", "name")
    return name


def check_days(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days == 0 or abs(days) > MAX_SHIFT_DAYS:
        raise ValidationError(f"shift by a whole number of days, not 0, at most {MAX_SHIFT_DAYS} either way", "days")
    return days


def check_role_period(role: str | None, period: str | None) -> tuple[str, str]:
    role, period = (role or "").strip(), (period or "").strip()
    if not role or len(role) > 100:
        raise ValidationError("a capacity needs a role (up to 100 characters)", "role")
    if not PERIOD.match(period):
        raise ValidationError(f"period {period!r} is not a month (2026-03) or a quarter (2026-Q2)", "period")
    return role, period


def change_key(kind: str, project_id: uuid.UUID | None = None, role: str = "", period: str = "") -> str:
    """Identifies a decision within a scenario: one per kind and project (or role and period)."""
    if kind == "budget":
        return "budget"
    if kind == "capacity":
        return f"capacity:{role.lower()}:{period}"
    return f"{kind}:{project_id}"


class Scenario(LedgerAggregate):
    """A what-if branch of the live portfolio, taken at ledger position ``branch_position``."""

    TOPIC = "portfolio.Scenario"

    @event("Branched", topic="portfolio.Scenario.Branched")
    def __init__(self, name: str, description: str, branch_position: int):
        self.name, self.description = name, description
        self.branch_position = branch_position
        self.changes: dict[str, dict] = {}  # key -> {"kind", ...}, in the order first recorded
        self.state = "open"
        self.committed_position: int | None = None
        self.committed_events = 0

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def require_open(self) -> None:
        if not self.is_open:
            raise ScenarioClosedError(f"scenario {self.name!r} is {self.state}; it can no longer change")

    def _put(self, key: str, change: dict) -> None:
        self.changes = {**self.changes, key: change}

    # --- commands ------------------------------------------------------------------------

    def rename(self, name: str, description: str) -> None:
        self.require_open()
        name = check_name(name)
        if (name, description) != (self.name, self.description):
            self._renamed(name=name, description=description)

    @event("Renamed", topic="portfolio.Scenario.Renamed")
    def _renamed(self, name: str, description: str) -> None:
        self.name, self.description = name, description

    def drop(self, project_id: uuid.UUID, code: str) -> None:
        self.require_open()
        self._dropped(project_id=project_id, code=code)

    @event("ProjectDropped", topic="portfolio.Scenario.ProjectDropped")
    def _dropped(self, project_id: uuid.UUID, code: str) -> None:
        self._put(change_key("drop", project_id), {"kind": "drop", "project_id": project_id, "code": code})

    def shift(self, project_id: uuid.UUID, code: str, days: int) -> None:
        self.require_open()
        self._shifted(project_id=project_id, code=code, days=check_days(days))

    @event("DatesShifted", topic="portfolio.Scenario.DatesShifted")
    def _shifted(self, project_id: uuid.UUID, code: str, days: int) -> None:
        self._put(change_key("shift", project_id),
                  {"kind": "shift", "project_id": project_id, "code": code, "days": days})

    def change_cost(self, project_id: uuid.UUID, code: str, cost: float) -> None:
        self.require_open()
        self._cost_changed(project_id=project_id, code=code, cost=amount(cost, "cost"))

    @event("CostChanged", topic="portfolio.Scenario.CostChanged")
    def _cost_changed(self, project_id: uuid.UUID, code: str, cost: float) -> None:
        self._put(change_key("cost", project_id), {"kind": "cost", "project_id": project_id, "code": code,
                                                   "cost": cost})

    def set_must_do(self, project_id: uuid.UUID, code: str, must_do: bool) -> None:
        self.require_open()
        if not isinstance(must_do, bool):
            raise ValidationError("must_do is true or false", "must_do")
        self._must_do_changed(project_id=project_id, code=code, must_do=must_do)

    @event("MustDoChanged", topic="portfolio.Scenario.MustDoChanged")
    def _must_do_changed(self, project_id: uuid.UUID, code: str, must_do: bool) -> None:
        self._put(change_key("must_do", project_id), {"kind": "must_do", "project_id": project_id, "code": code,
                                                      "must_do": must_do})

    def change_budget(self, budget: float) -> None:
        self.require_open()
        self._budget_changed(budget=amount(budget, "budget"))

    @event("BudgetChanged", topic="portfolio.Scenario.BudgetChanged")
    def _budget_changed(self, budget: float) -> None:
        self._put("budget", {"kind": "budget", "budget": budget})

    def change_capacity(self, role: str, period: str, amount_: float) -> None:
        self.require_open()
        role, period = check_role_period(role, period)
        self._capacity_changed(role=role, period=period, amount=amount(amount_, "amount", MAX_AMOUNT))

    @event("CapacityChanged", topic="portfolio.Scenario.CapacityChanged")
    def _capacity_changed(self, role: str, period: str, amount: float) -> None:
        self._put(change_key("capacity", role=role, period=period),
                  {"kind": "capacity", "role": role, "period": period, "amount": amount})

    def withdraw(self, key: str) -> None:
        self.require_open()
        if key not in self.changes:
            raise ValidationError(f"the scenario has no change {key!r}", "key")
        self._withdrawn(key=key)

    @event("ChangeWithdrawn", topic="portfolio.Scenario.ChangeWithdrawn")
    def _withdrawn(self, key: str) -> None:
        self.changes = {k: v for k, v in self.changes.items() if k != key}

    def discard(self) -> None:
        self.require_open()
        self._discarded()

    @event("Discarded", topic="portfolio.Scenario.Discarded")
    def _discarded(self) -> None:
        self.state = "discarded"

    def mark_committed(self, position: int, events: int) -> None:
        """The live ledger took the scenario's decisions: ``events`` records up to ``position``."""
        self.require_open()
        self._committed(position=position, events=events)

    @event("Committed", topic="portfolio.Scenario.Committed")
    def _committed(self, position: int, events: int) -> None:
        self.state = "committed"
        self.committed_position, self.committed_events = position, events
