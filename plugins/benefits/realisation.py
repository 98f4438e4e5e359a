"""The planned trajectory, progress and the "at risk" rule: plain arithmetic, no I/O.

Planned trajectory
    A straight line from the baseline (value, date) to the target (value, date); before the
    baseline date it is the baseline, after the target date the target.

Progress
    How far a value has come from the baseline towards the target, as a fraction of the
    distance (0 = baseline, 1 = target). This works for indicators that should rise (revenue)
    and fall (processing days) alike, so "behind" never depends on the sign.

At risk (the rule)
    Take the latest measurement recorded by the moment shown (the latest by its date).
    Compare its progress with the planned progress *on that measurement's date*.
    - A benefit is **at risk** when it is behind the plan by more than ``TOLERANCE`` (10% of
      the distance from baseline to target).
    - A dis-benefit's target is the most harm that was accepted; it is **at risk** when it
      is worse than planned (further along) by more than ``TOLERANCE``.
    A benefit whose latest value reached its target is **realised**; one without measurements
    is **not measured** (never at risk: there is nothing to judge, but it is still counted).
"""
from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from plugins.benefits.domain import FREQUENCIES

TOLERANCE = 0.10
STATES = ("not measured", "on track", "at risk", "realised")


def planned_at(b: dict[str, Any], day: date) -> float:
    """The planned value on ``day``."""
    start, end = b["baseline_date"], b["target_date"]
    if day <= start:
        return b["baseline_value"]
    if day >= end:
        return b["target_value"]
    share = (day - start).days / (end - start).days
    return b["baseline_value"] + (b["target_value"] - b["baseline_value"]) * share


def progress(b: dict[str, Any], value: float) -> float:
    """0 at the baseline, 1 at the target."""
    return (value - b["baseline_value"]) / (b["target_value"] - b["baseline_value"])


def state(b: dict[str, Any], latest: tuple[date, float] | None) -> str:
    """The benefit's state by the rule above; ``latest`` is (measured_on, value) or None."""
    if latest is None:
        return "not measured"
    day, value = latest
    actual, planned = progress(b, value), progress(b, planned_at(b, day))
    if b["kind"] == "dis-benefit":
        return "at risk" if actual - planned > TOLERANCE else "on track"
    if actual >= 1:
        return "realised"
    return "at risk" if planned - actual > TOLERANCE else "on track"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(b: dict[str, Any], latest_on: date | None) -> date:
    """When the next measurement is due: a frequency after the last one (or the baseline)."""
    return add_months(latest_on or b["baseline_date"], FREQUENCIES.get(b["frequency"], 3))
