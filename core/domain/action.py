"""An action: a task with an owner and a due date, open until done or cancelled."""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError

from events.aggregate import LedgerAggregate

STATUSES = ("open", "done", "cancelled")
PRIORITIES = ("low", "normal", "high")


def check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise ValidationError(f"priority must be one of {', '.join(PRIORITIES)}", "priority")
    return priority


class ActionClosedError(NotAllowedError):
    """The action is done or cancelled."""


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    return status == "open" and due_date is not None and due_date < today


class Action(LedgerAggregate):
    TOPIC = "core.Action"

    class Assigned(LedgerAggregate.Created):
        """v2 added ``priority``; actions assigned before then were all 'normal'."""

        TOPIC = "core.Action.Assigned"
        class_version = 2
        title: str
        owner: str
        due_date: date | None
        project_id: uuid.UUID | None
        description: str
        priority: str

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["priority"] = "normal"

    @event(Assigned)
    def __init__(
        self, title: str, owner: str, due_date: date | None = None,
        project_id: uuid.UUID | None = None, description: str = "", priority: str = "normal",
    ):
        self.priority = priority
        self.title = title
        self.owner = owner
        self.due_date = due_date
        self.project_id = project_id
        self.description = description
        self.status = "open"
        self.outcome = ""

    def overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.due_date, today)

    def _require_open(self) -> None:
        if self.status != "open":
            raise ActionClosedError(f"the action is already {self.status}")

    def update(self, **changes) -> None:
        self._require_open()
        fields = ("title", "owner", "due_date", "description")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged != {f: getattr(self, f) for f in fields}:
            self._updated(**merged)

    @event("Updated", topic="core.Action.Updated")
    def _updated(self, title: str, owner: str, due_date: date | None, description: str) -> None:
        self.title = title
        self.owner = owner
        self.due_date = due_date
        self.description = description

    def close(self, outcome: str = "") -> None:
        self._require_open()
        self._closed(outcome=outcome)

    @event("Closed", topic="core.Action.Closed")
    def _closed(self, outcome: str) -> None:
        self.status = "done"
        self.outcome = outcome

    def cancel(self, outcome: str = "") -> None:
        self._require_open()
        self._cancelled(outcome=outcome)

    @event("Cancelled", topic="core.Action.Cancelled")
    def _cancelled(self, outcome: str) -> None:
        self.status = "cancelled"
        self.outcome = outcome

    def reopen(self) -> None:
        if self.status == "open":
            raise NotAllowedError("the action is already open")
        self._reopened()

    @event("Reopened", topic="core.Action.Reopened")
    def _reopened(self) -> None:
        self.status = "open"
