"""The base aggregate: every event it triggers carries actor, reason and correlation id.

eventsourcing has no metadata envelope, so the metadata are fields of the events themselves,
taken from the command context when the event is triggered (never inside the method body,
which runs again on replay).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from events.context import current_context


class LedgerAggregate(Aggregate):
    class Event(Aggregate.Event):
        actor: str
        reason: str
        correlation_id: str

        @property
        def occurred_at(self) -> datetime:
            """When it happened (UTC): the library's ``timestamp``, under the name we use."""
            return self.timestamp

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # An aggregate with an explicit TOPIC names its own created event
        # (``@event("Registered", topic=...)`` on ``__init__``). Without this placeholder the
        # library would also copy the inherited ``Created`` class into it, which has no topic.
        placeholder = "TOPIC" in cls.__dict__ and "Created" not in cls.__dict__
        if placeholder:
            cls.Created = None  # type: ignore[assignment]
        super().__init_subclass__(**kwargs)
        if placeholder:
            del cls.Created

    @classmethod
    def _create(cls, event_class: type, *, id: Any = None, **kwargs: Any):  # noqa: A002
        return super()._create(event_class, id=id, **_with_metadata(kwargs))

    def trigger_event(self, event_class: type, **kwargs: Any) -> None:
        super().trigger_event(event_class, **_with_metadata(kwargs))


def _with_metadata(kwargs: dict[str, Any]) -> dict[str, Any]:
    ctx = current_context()
    kwargs = dict(kwargs)
    kwargs.setdefault("actor", ctx.actor)
    kwargs.setdefault("reason", ctx.reason)
    kwargs.setdefault("correlation_id", ctx.correlation_id)
    if ctx.occurred_at is not None:
        kwargs.setdefault("timestamp", ctx.occurred_at)
    return kwargs
