"""People, their allocations to projects, and role-based demand: aggregates with past-tense events.

A *person* is someone whose time the PMO plans: contracted hours per week, changed for periods
(part-time, leave, a new contract), skills at a competence level (1-5) and development records
(training, certification, career steps). An *allocation* puts a person on a project for a
period, at a percentage of a full-time week (FTE) or at hours per month. A *demand* asks for a
role on a project ("2 FTE business analyst for Q3"); it is filled by allocating people to it.

Personal fields arrive here sealed (``vault.seal``: ciphertext under the person's own key, kept
outside the ledger), so no event holds them in the clear and forgetting a person is destroying
that key. The domain never sees them in the clear and never needs to.

No Flask, no marshmallow: the services call these methods; method bodies are replayed.
"""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

CAPACITY_KINDS = ("contract", "part_time", "leave")
DEVELOPMENT_KINDS = ("training", "certification", "career_step")
LEVELS = (1, 2, 3, 4, 5)
LEVEL_NAMES = {1: "aware", 2: "practitioner", 3: "competent", 4: "expert", 5: "master"}
ALLOCATION_STATUSES = ("active", "withdrawn")
DEMAND_STATUSES = ("open", "filled", "withdrawn")
MAX_WEEK = 80.0          # hours in a week anyone can be contracted for
MAX_MONTH = 250.0        # hours per month one allocation can ask for
MAX_FTE = 50.0           # one demand: at most fifty full-time people
FIRST_YEAR, LAST_YEAR, MAX_YEARS = 1990, 2100, 10


class PersonForgottenError(NotAllowedError):
    """The person was forgotten: their record can no longer change or be given work."""


class AllocationWithdrawnError(NotAllowedError):
    """The allocation was withdrawn."""


class DemandClosedError(NotAllowedError):
    """The demand is filled or withdrawn."""


def skill_key(name: str) -> str:
    """Skills are matched whatever their case and spacing: 'Risk  Management' is 'risk management'."""
    return " ".join((name or "").lower().split())


def check_period(start_date: date, end_date: date | None, open_ended: bool = False) -> None:
    """A plan's period: within ``FIRST_YEAR``-``LAST_YEAR`` and, unless open-ended, at most
    ``MAX_YEARS`` long (a plan of centuries is a typing error, and would be costly to show)."""
    if not FIRST_YEAR <= start_date.year <= LAST_YEAR:
        raise ValidationError(f"the period must start in the years {FIRST_YEAR}-{LAST_YEAR}", "start_date")
    if end_date is None and not open_ended:
        raise ValidationError("give the last day of the period", "end_date")
    if end_date is not None and end_date < start_date:
        raise ValidationError("the period ends before it starts", "end_date")
    if end_date is not None and (end_date - start_date).days > MAX_YEARS * 366:
        raise ValidationError(f"a period covers at most {MAX_YEARS} years", "end_date")


def check_hours(hours: float, field: str = "hours_per_week", low: float = 0.0) -> float:
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not low <= hours <= MAX_WEEK:
        raise ValidationError(f"hours per week must be from {low:g} to {MAX_WEEK:g}", field)
    return round(float(hours), 2)


def check_amount(percent: int | None, hours_per_month: float | None) -> tuple[int | None, float | None]:
    """An allocation is a percentage of a full-time week, or hours per month: exactly one."""
    if (percent is None) == (hours_per_month is None):
        raise ValidationError("give a percentage or hours per month (one of them)",
                              "percent" if percent is None else "hours_per_month")
    if percent is not None:
        if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100:
            raise ValidationError("the percentage of a full-time week must be a whole number from 1 to 100",
                                  "percent")
        return percent, None
    if isinstance(hours_per_month, bool) or not isinstance(hours_per_month, (int, float)) \
            or not 0 < hours_per_month <= MAX_MONTH:
        raise ValidationError(f"hours per month must be more than 0 and at most {MAX_MONTH:g}", "hours_per_month")
    return None, round(float(hours_per_month), 2)


class Person(LedgerAggregate):
    TOPIC = "resources.Person"
    id: uuid.UUID  # given by the service: the person's key is made (and stored) under it first

    class Registered(LedgerAggregate.Created):
        TOPIC = "resources.Person.Registered"
        personal: str          # sealed {"name", "email"}
        role: str
        department: str
        hours_per_week: float

    @event(Registered)
    def __init__(self, personal: str, role: str, department: str, hours_per_week: float):
        self.personal = personal
        self.role = role
        self.department = department
        self.hours_per_week = hours_per_week
        self.periods = 0
        self.records = 0
        self.skills: dict[str, int] = {}
        self.forgotten = False

    def _require_known(self) -> None:
        if self.forgotten:
            raise PersonForgottenError("this person was forgotten; their record cannot change")

    def change_details(self, personal: str, role: str, department: str) -> None:
        self._require_known()
        self._details_changed(personal=personal, role=role, department=department)

    @event("DetailsChanged", topic="resources.Person.DetailsChanged")
    def _details_changed(self, personal: str, role: str, department: str) -> None:
        self.personal, self.role, self.department = personal, role, department

    def change_capacity(self, kind: str, start_date: date, end_date: date | None, hours_per_week: float,
                        note: str = "") -> None:
        """From ``start_date`` to ``end_date`` (a contract change: open-ended) the person works
        ``hours_per_week``; leave is 0. A later period wins where periods overlap."""
        self._require_known()
        if kind not in CAPACITY_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(CAPACITY_KINDS)}", "kind")
        check_period(start_date, end_date, open_ended=kind == "contract")
        hours = check_hours(hours_per_week)
        if kind == "leave" and hours != 0:
            raise ValidationError("on leave the hours per week are 0; use part time for fewer hours",
                                  "hours_per_week")
        self._capacity_changed(period=self.periods + 1, kind=kind, start_date=start_date, end_date=end_date,
                               hours_per_week=hours, note=note)

    @event("CapacityChanged", topic="resources.Person.CapacityChanged")
    def _capacity_changed(self, period: int, kind: str, start_date: date, end_date: date | None,
                          hours_per_week: float, note: str) -> None:
        self.periods = period

    def assess_skill(self, skill: str, level: int, assessed_on: date) -> None:
        self._require_known()
        name = " ".join((skill or "").split())
        if not name or len(name) > 80:
            raise ValidationError("name the skill (at most 80 characters)", "skill")
        if isinstance(level, bool) or level not in LEVELS:
            raise ValidationError("the competence level is a whole number from 1 to 5", "level")
        self._skill_assessed(skill=name, level=level, assessed_on=assessed_on)

    @event("SkillAssessed", topic="resources.Person.SkillAssessed")
    def _skill_assessed(self, skill: str, level: int, assessed_on: date) -> None:
        self.skills[skill_key(skill)] = level

    def remove_skill(self, skill: str) -> None:
        self._require_known()
        if skill_key(skill) not in self.skills:
            raise ValidationError("the person has no such skill", "skill")
        self._skill_removed(skill=skill_key(skill))

    @event("SkillRemoved", topic="resources.Person.SkillRemoved")
    def _skill_removed(self, skill: str) -> None:
        self.skills.pop(skill, None)

    def record_development(self, kind: str, recorded_on: date, details: str) -> None:
        """A training, certification or career step; ``details`` (title, note) are sealed."""
        self._require_known()
        if kind not in DEVELOPMENT_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(DEVELOPMENT_KINDS)}", "kind")
        self._development_recorded(record=self.records + 1, kind=kind, recorded_on=recorded_on, details=details)

    @event("DevelopmentRecorded", topic="resources.Person.DevelopmentRecorded")
    def _development_recorded(self, record: int, kind: str, recorded_on: date, details: str) -> None:
        self.records = record

    def forget(self, forgotten_on: date) -> None:
        """Their key is destroyed next: what they were (allocations, hours, skills) stays in the
        history, who they were cannot be read any more."""
        self._require_known()
        self._forgotten(forgotten_on=forgotten_on)

    @event("Forgotten", topic="resources.Person.Forgotten")
    def _forgotten(self, forgotten_on: date) -> None:
        self.forgotten = True


class Allocation(LedgerAggregate):
    TOPIC = "resources.Allocation"

    class Made(LedgerAggregate.Created):
        TOPIC = "resources.Allocation.Made"
        person_id: uuid.UUID
        project_id: uuid.UUID
        start_date: date
        end_date: date
        percent: int | None
        hours_per_month: float | None
        demand_id: uuid.UUID | None

    @event(Made)
    def __init__(self, person_id: uuid.UUID, project_id: uuid.UUID, start_date: date, end_date: date,
                 percent: int | None, hours_per_month: float | None, demand_id: uuid.UUID | None = None):
        self.person_id = person_id
        self.project_id = project_id
        self.start_date, self.end_date = start_date, end_date
        self.percent, self.hours_per_month = percent, hours_per_month
        self.demand_id = demand_id
        self.status = "active"

    def _require_active(self) -> None:
        if self.status != "active":
            raise AllocationWithdrawnError("the allocation was withdrawn")

    def change(self, start_date: date, end_date: date, percent: int | None, hours_per_month: float | None) -> None:
        self._require_active()
        check_period(start_date, end_date)
        percent, hours_per_month = check_amount(percent, hours_per_month)
        self._changed(start_date=start_date, end_date=end_date, percent=percent, hours_per_month=hours_per_month)

    @event("Changed", topic="resources.Allocation.Changed")
    def _changed(self, start_date: date, end_date: date, percent: int | None, hours_per_month: float | None) -> None:
        self.start_date, self.end_date = start_date, end_date
        self.percent, self.hours_per_month = percent, hours_per_month

    def withdraw(self) -> None:
        self._require_active()
        self._withdrawn()

    @event("Withdrawn", topic="resources.Allocation.Withdrawn")
    def _withdrawn(self) -> None:
        self.status = "withdrawn"


class Demand(LedgerAggregate):
    TOPIC = "resources.Demand"

    class Raised(LedgerAggregate.Created):
        TOPIC = "resources.Demand.Raised"
        project_id: uuid.UUID
        role: str
        fte: float
        start_date: date
        end_date: date
        note: str

    @event(Raised)
    def __init__(self, project_id: uuid.UUID, role: str, fte: float, start_date: date, end_date: date, note: str):
        self.project_id = project_id
        self.role = role
        self.fte = fte
        self.start_date, self.end_date = start_date, end_date
        self.note = note
        self.fills: dict[uuid.UUID, float] = {}   # allocation id -> the FTE it fills
        self.status = "open"

    @staticmethod
    def check(role: str, fte: float, start_date: date, end_date: date) -> float:
        if not (role or "").strip() or len(role) > 100:
            raise ValidationError("name the role (at most 100 characters)", "role")
        if isinstance(fte, bool) or not isinstance(fte, (int, float)) or not 0 < fte <= MAX_FTE:
            raise ValidationError(f"FTE must be more than 0 and at most {MAX_FTE:g}", "fte")
        check_period(start_date, end_date)
        return round(float(fte), 2)

    @property
    def open_fte(self) -> float:
        return round(self.fte - sum(self.fills.values()), 2)

    def _require_open(self) -> None:
        if self.status != "open":
            raise DemandClosedError(f"the demand is {self.status}")

    def fill(self, person_id: uuid.UUID, allocation_id: uuid.UUID, fte: float) -> None:
        """A person takes ``fte`` of it (at most 1, at most what is still open)."""
        self._require_open()
        if isinstance(fte, bool) or not isinstance(fte, (int, float)) or not 0 < fte <= min(1.0, self.open_fte):
            raise ValidationError(f"one person fills more than 0 and at most {min(1.0, self.open_fte):g} FTE "
                                  "of this demand", "fte")
        self._filled(person_id=person_id, allocation_id=allocation_id, fte=round(float(fte), 2))

    @event("Filled", topic="resources.Demand.Filled")
    def _filled(self, person_id: uuid.UUID, allocation_id: uuid.UUID, fte: float) -> None:
        self.fills[allocation_id] = fte
        if self.open_fte <= 0:
            self.status = "filled"

    def release(self, allocation_id: uuid.UUID) -> None:
        """The allocation that filled part of it was withdrawn: that part is open again."""
        if allocation_id in self.fills and self.status != "withdrawn":
            self._released(allocation_id=allocation_id)

    @event("Released", topic="resources.Demand.Released")
    def _released(self, allocation_id: uuid.UUID) -> None:
        self.fills.pop(allocation_id, None)
        self.status = "open"

    def withdraw(self) -> None:
        self._require_open()
        self._withdrawn()

    @event("Withdrawn", topic="resources.Demand.Withdrawn")
    def _withdrawn(self) -> None:
        self.status = "withdrawn"
