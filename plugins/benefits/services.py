"""Commands on objectives and benefits, in the PMO's words.

Each command loads what it changes, calls the aggregate, and saves once (one transaction).
Permissions are the caller's business (pages, API, CLI). Business dates (``measured_on``,
``closed_on``) default to the day of the command context's time, so the demo's backdated
commands and a user's command today both get the right day.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Iterable

import sqlalchemy as sa

from core.domain.errors import ConflictError, NotFoundError, ValidationError
from core.domain.project import Project
from core.pmo import PMO
from events.context import current_context
from events.temporal import visible
from plugins.benefits import projections as tables
from plugins.benefits.domain import CATEGORIES, KINDS, TYPES, Benefit, Objective, check_measure, one_of

REF_CHARS = "-_."


def business_day() -> date:
    moment = current_context().occurred_at
    return moment.date() if moment is not None else date.today()


def _required(value: str | None, field: str, what: str) -> str:
    if not (value or "").strip():
        raise ValidationError(f"{what} needs {field.replace('_', ' ')}", field)
    return value.strip()


def check_ref(ref: str) -> str:
    ref = (ref or "").strip()
    if not ref or len(ref) > 40 or not all(c.isalnum() or c in REF_CHARS for c in ref):
        raise ValidationError("use 1-40 letters, digits, '-', '_' or '.'", "ref")
    return ref


def _next_ref(pmo: PMO, prefix: str, table: sa.Table, cls: type) -> str:
    with pmo.read() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(table).where(visible(table))).scalar_one() + 1
    while pmo.exists(cls.create_id(f"{prefix}-{n:03d}")):
        n += 1
    return f"{prefix}-{n:03d}"


# --- objectives -------------------------------------------------------------------------------

def define_objective(pmo: PMO, title: str, owner: str, period_start: date, period_end: date,
                     description: str = "", ref: str | None = None) -> Objective:
    """Define a strategic objective for a period, with its owner."""
    title, owner = _required(title, "title", "an objective"), _required(owner, "owner", "an objective")
    if period_end < period_start:
        raise ValidationError("the period ends before it starts", "period_end")
    ref = check_ref(ref) if ref else _next_ref(pmo, "O", tables.objectives, Objective)
    if pmo.exists(Objective.create_id(ref)):
        raise ConflictError(f"objective {ref} already exists")
    objective = Objective(ref=ref, title=title, description=description or "", owner=owner,
                          period_start=period_start, period_end=period_end)
    pmo.save(objective)
    return objective


def update_objective(pmo: PMO, objective_id: uuid.UUID, expected_version: int | None = None,
                     **changes: Any) -> Objective:
    objective = pmo.get(Objective, objective_id, expected_version)
    for name in ("title", "owner"):
        if name in changes:
            changes[name] = _required(changes[name], name, "an objective")
    objective.update(**changes)
    pmo.save(objective)
    return objective


# --- benefits ---------------------------------------------------------------------------------

def _check_links(pmo: PMO, objective_ids: Iterable[uuid.UUID], enablers: Iterable[dict]) -> None:
    for oid in objective_ids:
        try:
            pmo.get(Objective, oid)
        except NotFoundError:
            raise ValidationError("no such objective", "objective_ids") from None
    for link in enablers:
        try:
            pmo.get(Project, link["project_id"])
        except NotFoundError:
            raise ValidationError("no such project", "enablers") from None


def _set_links(benefit: Benefit, objective_ids: list[uuid.UUID] | None, enablers: list[dict] | None) -> None:
    if objective_ids is not None:
        for oid in [o for o in benefit.objective_ids if o not in objective_ids]:
            benefit.unlink_objective(oid)
        for oid in objective_ids:
            benefit.link_objective(oid)
    if enablers is not None:
        wanted = [e["project_id"] for e in enablers]
        for pid in [p for p in benefit.project_ids if p not in wanted]:
            benefit.unlink_project(pid)
        for e in enablers:
            benefit.link_project(e["project_id"], (e.get("output") or "").strip())


def register_benefit(pmo: PMO, title: str, owner: str, indicator: str, unit: str, baseline_value: float,
                     baseline_date: date, target_value: float, target_date: date, kind: str = "benefit",
                     category: str = "non-financial", benefit_type: str = "other", frequency: str = "quarterly",
                     description: str = "", post_project_owner: str = "", ref: str | None = None,
                     objective_ids: list[uuid.UUID] | None = None, enablers: list[dict] | None = None) -> Benefit:
    """Register a benefit (or dis-benefit) with its measure, the objectives it serves and the
    projects whose outputs enable it; all in one transaction."""
    title, owner = _required(title, "title", "a benefit"), _required(owner, "owner", "a benefit")
    indicator, unit = _required(indicator, "indicator", "a benefit"), _required(unit, "unit", "a benefit")
    one_of(kind, KINDS, "kind")
    one_of(category, CATEGORIES, "category")
    one_of(benefit_type, TYPES, "benefit_type")
    check_measure(baseline_value, baseline_date, target_value, target_date, frequency)
    _check_links(pmo, objective_ids or [], enablers or [])
    ref = check_ref(ref) if ref else _next_ref(pmo, "B", tables.benefits, Benefit)
    if pmo.exists(Benefit.create_id(ref)):
        raise ConflictError(f"benefit {ref} already exists")
    benefit = Benefit(ref=ref, title=title, description=description or "", owner=owner, kind=kind,
                      category=category, benefit_type=benefit_type, indicator=indicator, unit=unit,
                      baseline_value=float(baseline_value), baseline_date=baseline_date,
                      target_value=float(target_value), target_date=target_date, frequency=frequency,
                      post_project_owner=(post_project_owner or "").strip())
    _set_links(benefit, objective_ids or [], enablers or [])
    pmo.save(benefit)
    return benefit


def update_benefit(pmo: PMO, benefit_id: uuid.UUID, expected_version: int | None = None,
                   objective_ids: list[uuid.UUID] | None = None, enablers: list[dict] | None = None,
                   **changes: Any) -> Benefit:
    """Change a benefit's description, measure or links; links given replace the old ones."""
    benefit = pmo.get(Benefit, benefit_id, expected_version)
    for name in ("title", "owner", "indicator", "unit"):
        if name in changes:
            changes[name] = _required(changes[name], name, "a benefit")
    for name, choices in (("category", CATEGORIES), ("benefit_type", TYPES)):
        if name in changes:
            one_of(changes[name], choices, name)
    for name in ("baseline_value", "target_value"):
        if changes.get(name) is not None and not isinstance(changes[name], bool):
            changes[name] = float(changes[name])
    if "post_project_owner" in changes:
        changes["post_project_owner"] = (changes["post_project_owner"] or "").strip()
    _check_links(pmo, objective_ids or [], enablers or [])
    benefit.update(**{k: v for k, v in changes.items() if v is not None or k == "post_project_owner"})
    _set_links(benefit, objective_ids, enablers)
    pmo.save(benefit)
    return benefit


def measure_benefit(pmo: PMO, benefit_id: uuid.UUID, value: float, measured_on: date | None = None,
                    note: str = "", expected_version: int | None = None) -> Benefit:
    """Record the indicator's actual value on a day (not in the future)."""
    benefit = pmo.get(Benefit, benefit_id, expected_version)
    day = measured_on or business_day()
    if day > business_day():
        raise ValidationError("a measurement cannot be dated in the future", "measured_on")
    benefit.measure(day, value, note or "")
    pmo.save(benefit)
    return benefit


def hand_over_benefit(pmo: PMO, benefit_id: uuid.UUID, measurement_owner: str, note: str = "",
                      expected_version: int | None = None) -> Benefit:
    """Name who measures the benefit from now on (after the project: someone in the business)."""
    benefit = pmo.get(Benefit, benefit_id, expected_version)
    benefit.hand_over(measurement_owner or "", note or "")
    pmo.save(benefit)
    return benefit


def close_benefit(pmo: PMO, benefit_id: uuid.UUID, outcome: str, note: str, closed_on: date | None = None,
                  expected_version: int | None = None) -> Benefit:
    """Stop tracking a benefit, saying how it turned out."""
    benefit = pmo.get(Benefit, benefit_id, expected_version)
    benefit.close(outcome, note or "", closed_on or business_day())
    pmo.save(benefit)
    return benefit
