"""Commands on people, allocations and demand, in the PMO's words.

Each command loads what it changes, calls the aggregate, and saves once (one transaction).
Permissions are the caller's business (pages, API, CLI). Personal fields are sealed with the
person's key (``vault``) before they reach an aggregate. Business dates default to the day of
the command context's time, so the demo's backdated commands get the right day.

Allocating someone beyond their capacity is recorded all the same (the PMO decides); the
pages, API and CLI then show the warning (``workload.over_allocations``).
"""
from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from core.domain.errors import NotFoundError, ValidationError
from core.domain.project import Project
from core.pmo import PMO
from events.context import current_context
from events.temporal import visible
from plugins.resources import vault
from plugins.resources.domain import (
    Allocation, Demand, Person, PersonForgottenError, check_amount, check_hours, check_period,
)
from plugins.resources.projections import people as people_t

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def business_day() -> date:
    """The day of the command: its backdated time in the demo, today otherwise."""
    moment = current_context().occurred_at
    return moment.date() if moment is not None else date.today()


def _text(value: str | None, field: str, max_len: int, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError(f"the {field.replace('_', ' ')} is required", field)
    if len(value) > max_len:
        raise ValidationError(f"at most {max_len} characters", field)
    return value


def known_emails(pmo: PMO) -> dict[str, uuid.UUID]:
    """Email (lower case) -> person, for everyone not forgotten."""
    with pmo.read() as conn:
        rows = conn.execute(sa.select(people_t.c.id, people_t.c.personal).where(
            visible(people_t), people_t.c.forgotten.is_(False))).all()
    ring = vault.keyring(pmo, [r.id for r in rows])
    found = {}
    for row in rows:
        values = vault.unseal(ring, row.id, row.personal) or {}
        if values.get("email"):
            found[values["email"].lower()] = row.id
    return found


def check_person(pmo: PMO, name: str, email: str, role: str, department: str = "",
                 hours_per_week: float = 40.0, person_id: uuid.UUID | None = None,
                 taken: dict[str, Any] | None = None) -> dict[str, Any]:
    """The person's fields, cleaned, or a ValidationError naming the field."""
    values = {"name": _text(name, "name", 200), "email": (email or "").strip().lower(),
              "role": _text(role, "role", 100), "department": _text(department, "department", 100, False),
              "hours_per_week": check_hours(hours_per_week, low=1.0)}
    if not EMAIL.match(values["email"]) or len(values["email"]) > 200:
        raise ValidationError("give an email address like name@example.org", "email")
    owner = (known_emails(pmo) if taken is None else taken).get(values["email"])
    if owner is not None and owner != person_id:
        raise ValidationError("another person has this email address", "email")
    return values


def new_person(pmo: PMO, values: dict[str, Any]) -> Person:
    """A person from checked ``values``; their key is made and kept first (not yet saved)."""
    person_id = uuid.uuid4()
    vault.new_key(pmo, person_id)
    personal = vault.seal(pmo, person_id, {"name": values["name"], "email": values["email"]})
    return Person(id=person_id, personal=personal, role=values["role"], department=values["department"],
                  hours_per_week=values["hours_per_week"])


def save_people(pmo: PMO, *aggregates: Any) -> None:
    """Save; if nothing was written, the keys made for new people go too."""
    try:
        pmo.save(*aggregates)
    except Exception:
        for person in aggregates:
            if isinstance(person, Person) and person.version == 1:
                vault.destroy(pmo, person.id)
        raise


def register_person(pmo: PMO, name: str, email: str, role: str, department: str = "",
                    hours_per_week: float = 40.0) -> Person:
    """Register a person whose time the PMO plans; name and email are sealed with their own key."""
    person = new_person(pmo, check_person(pmo, name, email, role, department, hours_per_week))
    save_people(pmo, person)
    return person


def _person(pmo: PMO, person_id: uuid.UUID, expected_version: int | None = None) -> Person:
    return pmo.get(Person, person_id, expected_version)


def _personal(pmo: PMO, person: Person) -> dict[str, str]:
    values = vault.unseal(vault.keyring(pmo, [person.id]), person.id, person.personal)
    if values is None:
        raise PersonForgottenError("this person was forgotten; their record cannot change")
    return values


def update_person(pmo: PMO, person_id: uuid.UUID, expected_version: int | None = None, **changes: Any) -> Person:
    """Change name, email, role or department; fields left out keep their value."""
    person = _person(pmo, person_id, expected_version)
    current = {**_personal(pmo, person), "role": person.role, "department": person.department}
    merged = {k: changes[k] if changes.get(k) is not None else current[k]
              for k in ("name", "email", "role", "department")}
    values = check_person(pmo, person_id=person_id, hours_per_week=person.hours_per_week, **merged)
    if any(values[k] != current[k] for k in current):
        person.change_details(vault.seal(pmo, person_id, {"name": values["name"], "email": values["email"]}),
                              values["role"], values["department"])
        pmo.save(person)
    return person


def change_capacity(pmo: PMO, person_id: uuid.UUID, kind: str, start_date: date, end_date: date | None = None,
                    hours_per_week: float = 0.0, note: str = "", expected_version: int | None = None) -> Person:
    """Part-time or leave for a period, or a new contract from a day on."""
    person = _person(pmo, person_id, expected_version)
    note = _text(note, "note", 2000, required=False)
    sealed = vault.seal(pmo, person_id, {"note": note}) if note and not person.forgotten else ""
    person.change_capacity(kind, start_date, end_date, hours_per_week, sealed)
    pmo.save(person)
    return person


def assess_skill(pmo: PMO, person_id: uuid.UUID, skill: str, level: int, assessed_on: date | None = None,
                 expected_version: int | None = None) -> Person:
    """Record a skill at a competence level (1 aware ... 5 master); again to change the level."""
    person = _person(pmo, person_id, expected_version)
    person.assess_skill(skill, level, assessed_on or business_day())
    pmo.save(person)
    return person


def remove_skill(pmo: PMO, person_id: uuid.UUID, skill: str, expected_version: int | None = None) -> Person:
    person = _person(pmo, person_id, expected_version)
    person.remove_skill(skill)
    pmo.save(person)
    return person


def record_development(pmo: PMO, person_id: uuid.UUID, kind: str, title: str, recorded_on: date | None = None,
                       note: str = "", expected_version: int | None = None) -> Person:
    """A training, a certification or a career step; title and note are personal (sealed)."""
    person = _person(pmo, person_id, expected_version)
    values = {"title": _text(title, "title", 200), "note": _text(note, "note", 2000, required=False)}
    if person.forgotten:
        raise PersonForgottenError("this person was forgotten; their record cannot change")
    person.record_development(kind, recorded_on or business_day(), vault.seal(pmo, person_id, values))
    pmo.save(person)
    return person


def forget_person(pmo: PMO, person_id: uuid.UUID, expected_version: int | None = None) -> Person:
    """Record that the person is forgotten, then destroy their key: their personal data, in
    every event, read model and export, can no longer be read. The rest of history stays."""
    person = _person(pmo, person_id, expected_version)
    person.forget(business_day())
    pmo.save(person)
    vault.destroy(pmo, person_id)
    return person


# --- allocations ----------------------------------------------------------------------------

def _project(pmo: PMO, project_id: uuid.UUID) -> Project:
    try:
        project = pmo.get(Project, project_id)
    except NotFoundError:
        raise ValidationError("no such project", "project_id") from None
    if not project.is_open:
        raise ValidationError(f"project {project.code} is {project.stage}", "project_id")
    return project


def _workable(pmo: PMO, person_id: uuid.UUID) -> Person:
    try:
        person = pmo.get(Person, person_id)
    except NotFoundError:
        raise ValidationError("no such person", "person_id") from None
    if person.forgotten:
        raise ValidationError("this person was forgotten and cannot be given work", "person_id")
    return person


def new_allocation(pmo: PMO, person_id: uuid.UUID, project_id: uuid.UUID, start_date: date, end_date: date,
                   percent: int | None = None, hours_per_month: float | None = None,
                   demand_id: uuid.UUID | None = None) -> Allocation:
    """A checked allocation, not yet saved."""
    _workable(pmo, person_id)
    _project(pmo, project_id)
    check_period(start_date, end_date)
    percent, hours_per_month = check_amount(percent, hours_per_month)
    return Allocation(person_id=person_id, project_id=project_id, start_date=start_date, end_date=end_date,
                      percent=percent, hours_per_month=hours_per_month, demand_id=demand_id)


def allocate(pmo: PMO, person_id: uuid.UUID, project_id: uuid.UUID, start_date: date, end_date: date,
             percent: int | None = None, hours_per_month: float | None = None) -> Allocation:
    """Put a person on a project for a period, at a percentage of a full-time week or at hours
    per month. Recorded even when it books them beyond their capacity."""
    allocation = new_allocation(pmo, person_id, project_id, start_date, end_date, percent, hours_per_month)
    pmo.save(allocation)
    return allocation


def change_allocation(pmo: PMO, allocation_id: uuid.UUID, expected_version: int | None = None,
                      **changes: Any) -> Allocation:
    """Change the period or the amount; giving ``percent`` drops hours per month and back."""
    allocation = pmo.get(Allocation, allocation_id, expected_version)
    percent, hours = allocation.percent, allocation.hours_per_month
    if changes.get("percent") is not None and changes.get("hours_per_month") is not None:
        raise ValidationError("give a percentage or hours per month, not both", "hours_per_month")
    if changes.get("percent") is not None:
        percent, hours = changes["percent"], None
    elif changes.get("hours_per_month") is not None:
        percent, hours = None, changes["hours_per_month"]
    allocation.change(changes.get("start_date") or allocation.start_date,
                      changes.get("end_date") or allocation.end_date, percent, hours)
    pmo.save(allocation)
    return allocation


def withdraw_allocation(pmo: PMO, allocation_id: uuid.UUID, expected_version: int | None = None) -> Allocation:
    """Take the person off the project; a demand it filled is open again for that part."""
    allocation = pmo.get(Allocation, allocation_id, expected_version)
    allocation.withdraw()
    changed: list[Any] = [allocation]
    if allocation.demand_id is not None:
        demand = pmo.get(Demand, allocation.demand_id)
        demand.release(allocation.id)
        changed.append(demand)
    pmo.save(*changed)
    return allocation


# --- demand ---------------------------------------------------------------------------------

def raise_demand(pmo: PMO, project_id: uuid.UUID, role: str, fte: float, start_date: date, end_date: date,
                 note: str = "") -> Demand:
    """Ask for a role on a project for a period ("2 FTE business analyst for Q3")."""
    _project(pmo, project_id)
    fte = Demand.check(role, fte, start_date, end_date)
    demand = Demand(project_id=project_id, role=_text(role, "role", 100), fte=fte, start_date=start_date,
                    end_date=end_date, note=_text(note, "note", 2000, required=False))
    pmo.save(demand)
    return demand


def fill_demand(pmo: PMO, demand_id: uuid.UUID, person_id: uuid.UUID, fte: float | None = None,
                expected_version: int | None = None) -> Allocation:
    """A person takes (part of) the demand: allocated to its project for its period at ``fte``
    (default: all that is open, at most one full-time person)."""
    demand = pmo.get(Demand, demand_id, expected_version)
    fte = min(1.0, demand.open_fte) if fte is None else fte
    if isinstance(fte, (int, float)) and not isinstance(fte, bool) and 0 < fte <= 1:
        percent = max(1, round(fte * 100))
    else:
        percent = 100
    allocation = new_allocation(pmo, person_id, demand.project_id, demand.start_date, demand.end_date,
                                percent=percent, demand_id=demand.id)
    demand.fill(person_id, allocation.id, fte)
    pmo.save(demand, allocation)
    return allocation


def withdraw_demand(pmo: PMO, demand_id: uuid.UUID, expected_version: int | None = None) -> Demand:
    demand = pmo.get(Demand, demand_id, expected_version)
    demand.withdraw()
    pmo.save(demand)
    return demand
