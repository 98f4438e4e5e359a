"""The aggregates on their own: the rules they keep and the events they record (no store)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from core.domain.errors import ValidationError
from events.context import command_context
from plugins.resources.domain import (
    Allocation, Demand, DemandClosedError, Person, PersonForgottenError, check_amount, check_period,
)


@pytest.fixture(autouse=True)
def context():
    with command_context("pia", "test"):
        yield


def topics(aggregate) -> list[str]:
    return [type(e).TOPIC for e in aggregate.collect_events()]


def test_a_person_keeps_skills_periods_and_records_and_once_forgotten_changes_no_more():
    person = Person(id=uuid.uuid4(), personal="pd1:sealed", role="Analyst", department="IT", hours_per_week=40.0)
    person.assess_skill("Risk  Management", 3, date(2026, 1, 5))
    person.assess_skill("risk management", 4, date(2026, 3, 5))
    person.change_capacity("leave", date(2026, 7, 1), date(2026, 7, 31), 0.0)
    person.record_development("certification", date(2026, 2, 1), "pd1:sealed-too")
    assert person.skills == {"risk management": 4} and person.periods == 1 and person.records == 1
    person.forget(date(2026, 4, 1))
    with pytest.raises(PersonForgottenError):
        person.assess_skill("Planning", 2, date(2026, 4, 2))
    assert topics(person) == ["resources.Person.Registered", "resources.Person.SkillAssessed",
                              "resources.Person.SkillAssessed", "resources.Person.CapacityChanged",
                              "resources.Person.DevelopmentRecorded", "resources.Person.Forgotten"]


@pytest.mark.parametrize("kind, end, hours, field", [
    ("leave", date(2026, 7, 31), 8.0, "hours_per_week"),          # leave is 0 hours
    ("part_time", None, 20.0, "end_date"),                        # only a contract is open-ended
    ("part_time", date(2026, 6, 1), 20.0, "end_date"),            # ends before it starts
    ("part_time", date(2026, 7, 31), 90.0, "hours_per_week"),
    ("sabbatical", date(2026, 7, 31), 0.0, "kind"),
])
def test_capacity_periods_are_checked(kind, end, hours, field):
    person = Person(id=uuid.uuid4(), personal="", role="Analyst", department="", hours_per_week=40.0)
    with pytest.raises(ValidationError) as refused:
        person.change_capacity(kind, date(2026, 7, 1), end, hours)
    assert refused.value.field == field


def test_an_allocation_is_a_percentage_or_hours_per_month_within_a_sane_period():
    assert check_amount(50, None) == (50, None) and check_amount(None, 20) == (None, 20.0)
    for percent, hours in ((None, None), (50, 10.0), (0, None), (101, None), (None, 0), (None, 300)):
        with pytest.raises(ValidationError):
            check_amount(percent, hours)
    with pytest.raises(ValidationError):
        check_period(date(2026, 1, 1), date(2040, 1, 1))  # more than ten years
    with pytest.raises(ValidationError):
        check_period(date(9999, 1, 1), date(9999, 2, 1))
    allocation = Allocation(person_id=uuid.uuid4(), project_id=uuid.uuid4(), start_date=date(2026, 5, 1),
                            end_date=date(2026, 6, 30), percent=50, hours_per_month=None)
    allocation.change(date(2026, 5, 1), date(2026, 7, 31), None, 40.0)
    allocation.withdraw()
    assert (allocation.percent, allocation.hours_per_month, allocation.status) == (None, 40.0, "withdrawn")


def test_a_demand_is_filled_in_parts_and_opens_again_when_a_filling_allocation_goes():
    demand = Demand(project_id=uuid.uuid4(), role="Business analyst", fte=2.0, start_date=date(2026, 7, 1),
                    end_date=date(2026, 9, 30), note="")
    first, second = uuid.uuid4(), uuid.uuid4()
    demand.fill(uuid.uuid4(), first, 1.0)
    with pytest.raises(ValidationError):
        demand.fill(uuid.uuid4(), uuid.uuid4(), 1.5)  # one person is at most one FTE
    demand.fill(uuid.uuid4(), second, 1.0)
    assert (demand.status, demand.open_fte) == ("filled", 0)
    with pytest.raises(DemandClosedError):
        demand.fill(uuid.uuid4(), uuid.uuid4(), 0.5)
    demand.release(second)
    assert (demand.status, demand.open_fte) == ("open", 1.0)
