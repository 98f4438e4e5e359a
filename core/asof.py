"""'As of' a moment: recorded (ledger) time turned into a log position.

Read models are temporal, so a log position is all a query needs to show the past. The
log index maps timestamps to positions; both only grow along the log.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from core.domain.errors import ValidationError
from core.pmo import PMO


def parse_as_of(value: str | None) -> datetime | None:
    """A date means the end of that day (UTC); an ISO timestamp means that moment."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise ValidationError("as_of must be a date (2026-03-12) or an ISO timestamp", "as_of") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def position_at(pmo: PMO, moment: datetime) -> int:
    """The last log position recorded at or before ``moment`` (0: before the first record)."""
    t = pmo.log_index.table
    with pmo.read() as conn:
        return conn.execute(sa.select(sa.func.max(t.c.position)).where(t.c.occurred_at <= moment)).scalar() or 0


def resolve_as_of(pmo: PMO, value: str | None) -> tuple[datetime | None, int | None]:
    """``(moment, position)`` for an ``as_of`` argument; ``(None, None)`` means now."""
    moment = parse_as_of(value)
    if moment is None:
        return None, None
    return moment, position_at(pmo, moment)
