"""The base aggregate: every event it triggers carries actor, reason and correlation id.

eventsourcing has no metadata envelope, so the metadata are fields of the events themselves,
taken from the command context when the event is triggered (never inside the method body,
which runs again on replay).
"""
from __future__ import annotations

import functools
import types
import typing
import uuid
from datetime import date, datetime
from decimal import Decimal
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
        check_field_types(event_class, kwargs)
        return super()._create(event_class, id=id, **_with_metadata(kwargs))

    def trigger_event(self, event_class: type, **kwargs: Any) -> None:
        check_field_types(event_class, kwargs)
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


class EventFieldTypeError(TypeError):
    """A command passed a value of the wrong type: refused before it can enter the ledger,
    where it would be kept forever and could stop every read model that reads it."""


_SIMPLE = (str, int, float, bool, date, datetime, uuid.UUID, Decimal)


@functools.lru_cache(maxsize=None)
def _field_types(event_class: type) -> dict[str, tuple[type, ...]]:
    """The simple types each field accepts (None included for optionals); others unchecked."""
    try:
        hints = typing.get_type_hints(event_class)
    except Exception:  # an annotation we cannot resolve: leave the class unchecked
        return {}
    allowed: dict[str, tuple[type, ...]] = {}
    for name, hint in hints.items():
        args = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
        kinds = tuple(type(None) if a is type(None) else a for a in args)
        if all(k is type(None) or k in _SIMPLE for k in kinds):
            allowed[name] = kinds
    return allowed


def check_field_types(event_class: type, values: dict[str, Any]) -> None:
    """Refuse wrong types; an empty text field given as None is stored as "" (one way only)."""
    for name, kinds in _field_types(event_class).items():
        if name not in values:
            continue
        value = values[name]
        if value is None and str in kinds and type(None) not in kinds:
            values[name] = value = ""
        ok = isinstance(value, kinds) and not (
            # a datetime is a date, and a bool an int, but neither should pass for the other
            (date in kinds and datetime not in kinds and isinstance(value, datetime))
            or (int in kinds and bool not in kinds and isinstance(value, bool)))
        if isinstance(value, str) and ("\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)):
            # PostgreSQL text cannot hold NUL, and no encoding holds a lone surrogate: kept in one
            # ledger, such a value would stop every PostgreSQL copy of it from projecting.
            raise EventFieldTypeError(f"{event_class.__qualname__}.{name} contains NUL or an unpaired surrogate")
        if not ok:
            raise EventFieldTypeError(
                f"{event_class.__qualname__}.{name} must be {' or '.join(k.__name__ for k in kinds)}, "
                f"not {type(value).__name__}")
