"""The command context: every event is stamped with who did it, why, and in which request.

Web requests and CLI commands open a context; service methods refuse to run without one, so
no event can be written anonymously.
"""
from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Iterator


@dataclass(frozen=True)
class CommandContext:
    actor: str
    reason: str = ""
    correlation_id: str = ""
    # Only the demo and benchmark generators set this, to write a past year in time order.
    occurred_at: datetime | None = None


class NoCommandContextError(RuntimeError):
    """A state change was attempted outside ``command_context`` (no actor)."""


_current: contextvars.ContextVar[CommandContext | None] = contextvars.ContextVar(
    "pmo_command_context", default=None
)


@contextmanager
def command_context(
    actor: str,
    reason: str = "",
    correlation_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Iterator[CommandContext]:
    if not actor:
        raise NoCommandContextError("a command needs an actor")
    if occurred_at is not None and occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=timezone.utc)
    ctx = CommandContext(actor, reason or "", correlation_id or new_correlation_id(), occurred_at)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def because(reason: str) -> Iterator[CommandContext]:
    """Narrow the reason for the commands inside, keeping actor and correlation id."""
    ctx = current_context()
    token = _current.set(replace(ctx, reason=reason or ctx.reason))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_context() -> CommandContext:
    ctx = _current.get()
    if ctx is None:
        raise NoCommandContextError(
            "state changes must run inside command_context(actor=...)"
        )
    return ctx


def new_correlation_id() -> str:
    return uuid.uuid4().hex
