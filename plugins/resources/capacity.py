"""Hours per month: what a person can give, and what an allocation or a demand asks for.

Counted over working days (Monday to Friday; public holidays are not modelled), one fifth of
a weekly figure per working day, so a period that starts or ends within a month counts for
the working days it covers:

capacity      the person's hours per week on each working day: their contracted hours, unless
              a capacity period covers the day (the latest recorded one wins; leave is 0)
allocation    ``percent`` of a full-time week (``FULL_TIME`` hours) per working day it covers,
              or ``hours_per_month`` times the share of the month's working days it covers
demand        ``fte`` full-time weeks per working day it covers

A month is ``under`` (less than ``FULL_FROM`` of capacity asked for), ``full`` or ``over``
(more asked for than there is); ``none`` when there is neither capacity nor demand.
No database and no Flask: the heat map, the warnings, the search and the tests use this.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

FULL_TIME = 40.0        # hours per week of one FTE
FULL_FROM = 0.9         # from 90% of capacity asked for, a month is fully allocated
TOLERANCE = 0.05        # hours: rounding never makes a month "over"


@dataclass(frozen=True)
class Period:
    """Hours per week from ``start`` to ``end`` (None: open-ended), in recorded order."""
    start: date
    end: date | None
    hours_per_week: float


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months(first: date, count: int) -> list[date]:
    """``count`` months from the month of ``first`` (their first days)."""
    start = month_start(first)
    return [add_months(start, n) for n in range(count)]


def months_between(start: date, end: date) -> list[date]:
    """The months a period touches, first days."""
    first, last = month_start(start), month_start(end)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return months(first, max(count, 0))


def label(month: date) -> str:
    return month.strftime("%Y-%m")


@functools.lru_cache(maxsize=4096)
def working_days(first: date, last: date) -> tuple[date, ...]:
    """Monday to Friday from ``first`` to ``last`` (cached: the same months are asked often)."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def _overlap(month: date, start: date, end: date | None) -> tuple[date, date] | None:
    first, last = max(month, start), min(month_end(month), end or month_end(month))
    return (first, last) if first <= last else None


def capacity_hours(base_per_week: float, periods: Sequence[Period], month: date) -> float:
    """What the person can give in ``month``, in hours."""
    total = 0.0
    for day in working_days(month, month_end(month)):
        hours = base_per_week
        for p in periods:  # in recorded order: the last one covering the day wins
            if p.start <= day and (p.end is None or day <= p.end):
                hours = p.hours_per_week
        total += hours / 5
    return total


def allocation_hours(start: date, end: date, percent: int | None, hours_per_month: float | None,
                     month: date) -> float:
    """What an allocation asks of its person in ``month``, in hours."""
    span = _overlap(month, start, end)
    if span is None:
        return 0.0
    covered = len(working_days(*span))
    if percent is not None:
        return percent / 100 * FULL_TIME / 5 * covered
    in_month = len(working_days(month, month_end(month)))
    return (hours_per_month or 0.0) * covered / in_month if in_month else 0.0


def fte_hours(fte: float, start: date, end: date, month: date) -> float:
    """What ``fte`` full-time people over a period ask for in ``month``, in hours."""
    span = _overlap(month, start, end)
    return fte * FULL_TIME / 5 * len(working_days(*span)) if span else 0.0


def full_time_hours(month: date) -> float:
    """One FTE's hours in ``month``."""
    return FULL_TIME / 5 * len(working_days(month, month_end(month)))


def status(capacity: float, demand: float) -> str:
    """under, full, over, or none (neither capacity nor demand)."""
    if demand > capacity + TOLERANCE:
        return "over"
    if capacity <= TOLERANCE:
        return "none"
    return "full" if demand >= FULL_FROM * capacity - TOLERANCE else "under"


def total(values: Iterable[float]) -> float:
    return round(sum(values), 1)
