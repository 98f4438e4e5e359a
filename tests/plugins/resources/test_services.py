"""Scenarios on the resources services, through the ledger and the read models (no web): the
heat map against an independent count, over-allocation, the skills search, as of."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest

from core.asof import position_at
from core.domain.errors import ValidationError
from events.context import command_context
from plugins.resources import capacity as cap
from plugins.resources import queries, services, workload

MONTHS = [date(2026, m, 1) for m in range(4, 11)]  # April to October


def by_hand(base: float, periods: list, allocations: list, month: date) -> tuple[float, float]:
    """Capacity and allocated hours in ``month``, counted day by day, written apart from the plugin."""
    days = [month.replace(day=d) for d in range(1, calendar.monthrange(month.year, month.month)[1] + 1)]
    workdays = [d for d in days if d.weekday() < 5]
    capacity = allocated = 0.0
    for d in workdays:
        weekly = base
        for start, end, hours in periods:  # recorded order: the last covering wins
            if start <= d and (end is None or d <= end):
                weekly = hours
        capacity += weekly / 5
        for start, end, percent, per_month in allocations:
            if start <= d <= end:
                allocated += percent / 100 * 8 if percent is not None else per_month / len(workdays)
    return capacity, allocated


@pytest.fixture
def team(plan):
    """Four people, part-time and leave, allocations in % and in hours, one demand half filled."""
    pmo = plan["pmo"]
    spec = {  # name: role, department, hours, periods, allocations (project, start, end, percent, hours)
        "Anna Berg": ("Business analyst", "Digital", 40.0, [("leave", date(2026, 7, 6), date(2026, 7, 24), 0.0)],
                      [("P-1", date(2026, 5, 1), date(2026, 8, 31), 60, None),
                       ("P-2", date(2026, 5, 11), date(2026, 6, 19), None, 80.0)]),
        "Bo Ek": ("Developer", "IT", 32.0, [("part_time", date(2026, 6, 1), date(2026, 6, 30), 20.0),
                                           ("contract", date(2026, 9, 1), None, 40.0)],
                  [("P-1", date(2026, 4, 15), date(2026, 10, 15), 50, None)]),
        "Cai Lind": ("Developer", "IT", 40.0, [], [("P-3", date(2026, 6, 1), date(2026, 6, 30), 100, None),
                                                  ("P-2", date(2026, 6, 22), date(2026, 7, 10), 50, None)]),
        "Dee Holm": ("Business analyst", "", 24.0, [], []),
    }
    people, expected = {}, {}
    with command_context("saga", "resource plan"):
        for name, (role, dept, hours, periods, allocs) in spec.items():
            person = services.register_person(pmo, name, f"{name.split()[0].lower()}@example.org", role, dept, hours)
            for kind, start, end, weekly in periods:
                services.change_capacity(pmo, person.id, kind, start, end, weekly, note=f"{kind} of {name}")
            for code, start, end, percent, per_month in allocs:
                services.allocate(pmo, person.id, plan[code], start, end, percent, per_month)
            people[name] = person.id
            expected[name] = (hours, [(s, e, h) for _, s, e, h in periods],
                              [(s, e, p, h) for _, s, e, p, h in allocs], role, dept)
        demand = services.raise_demand(pmo, plan["P-3"], "business analyst", 2.0, date(2026, 7, 1), date(2026, 9, 30))
        services.fill_demand(pmo, demand.id, people["Dee Holm"], 0.5)
    expected["Dee Holm"][2].append((date(2026, 7, 1), date(2026, 9, 30), 50, None))
    return {**plan, "people": people, "expected": expected, "demand": demand.id}


def test_every_cell_of_the_heat_map_matches_the_allocations_counted_by_hand(team):
    pmo, expected = team["pmo"], team["expected"]
    grid = workload.heatmap(pmo, None, "person", MONTHS[0], len(MONTHS))
    assert grid["months"] == [m.strftime("%Y-%m") for m in MONTHS]
    assert {row["label"] for row in grid["rows"]} == set(expected)
    for row in grid["rows"]:
        base, periods, allocations, *_ = expected[row["label"]]
        for month, cell in zip(MONTHS, row["cells"]):
            capacity, allocated = by_hand(base, periods, allocations, month)
            assert (cell["capacity"], cell["demand"]) == (pytest.approx(capacity, abs=0.05),
                                                          pytest.approx(allocated, abs=0.05)), (row["label"], month)
            state = "over" if allocated > capacity + 0.05 else "full" if allocated >= 0.9 * capacity - 0.05 \
                else "under"
            assert cell["status"] == state, (row["label"], month, capacity, allocated)
    # By role and department: the sums of their people; by role, plus the demand no one fills (1.5 FTE).
    for by, key in (("role", 3), ("department", 4)):
        for row in workload.heatmap(pmo, None, by, MONTHS[0], len(MONTHS))["rows"]:
            members = [n for n, e in expected.items() if (e[key] or "(no department)").lower() == row["key"]]
            for month, cell in zip(MONTHS, row["cells"]):
                hours = [by_hand(expected[n][0], expected[n][1], expected[n][2], month) for n in members]
                unfilled = 0.0
                if by == "role" and row["key"] == "business analyst":
                    unfilled = 1.5 * 8 * sum(1 for d in range(1, calendar.monthrange(2026, month.month)[1] + 1)
                                             if month.replace(day=d).weekday() < 5 and month.month in (7, 8, 9))
                assert cell["capacity"] == pytest.approx(sum(c for c, _ in hours), abs=0.05)
                assert cell["demand"] == pytest.approx(sum(a for _, a in hours) + unfilled, abs=0.05), (by, row, month)


def test_booking_beyond_capacity_is_recorded_and_warned_with_the_month_and_the_projects(team):
    pmo, anna = team["pmo"], team["people"]["Anna Berg"]
    # In May Anna has 60% on P-1 and 80 hours on P-2 from the 11th: 100.8 + 57.1 hours of 168.
    with command_context("joris", "the portal needs her"):
        extra = services.allocate(pmo, anna, team["P-3"], date(2026, 5, 1), date(2026, 5, 31), percent=20)
    assert extra.id in {a["id"] for a in queries.list_allocations(pmo, person_id=anna)}
    found = workload.over_allocations(pmo, months=cap.months_between(date(2026, 5, 1), date(2026, 5, 31)),
                                      person_ids={anna})
    assert [(w["month"], [p["code"] for p in w["projects"]]) for w in found] == [("2026-05", ["P-1", "P-2", "P-3"])]
    assert workload.describe(found[0]) == ("Anna Berg is booked 191.5 h of 168.0 h in 2026-05 by P-1 (100.8 h), "
                                           "P-2 (57.1 h), P-3 (33.6 h)")
    # Her July leave makes July over-booked too, by P-1 alone.
    july = workload.over_allocations(pmo, months=[date(2026, 7, 1)], person_ids={anna})
    assert [(w["month"], w["capacity"], [p["code"] for p in w["projects"]]) for w in july] == [
        ("2026-07", 64.0, ["P-1"])]


def test_the_skills_search_returns_exactly_the_people_with_the_level_and_the_time(team):
    pmo, ids = team["pmo"], team["people"]
    with command_context("saga", "competence mapping"):
        for name, level in (("Anna Berg", 4), ("Bo Ek", 3), ("Cai Lind", 2), ("Dee Holm", 5)):
            services.assess_skill(pmo, ids[name], "Risk Management", level)
        services.assess_skill(pmo, ids["Cai Lind"], "Planning", 5)

    def found(*args) -> set[str]:
        return {p["name"] for p in workload.search(pmo, None, *args)}

    assert found("risk management", 3) == {"Anna Berg", "Bo Ek", "Dee Holm"}
    assert found("RISK  management", 5) == {"Dee Holm"}
    # In May: Anna is booked beyond her time, Bo has 32 h of 134.4 booked... at least 20% of 168 h free:
    assert found("risk management", 3, date(2026, 5, 1), 20) == {"Bo Ek", "Dee Holm"}
    # In July Dee fills half of the demand (84 h of 96 h capacity): 12 h free is less than 20%.
    assert found("risk management", 3, date(2026, 7, 1), 20) == {"Bo Ek"}
    assert found("risk management", 3, date(2026, 7, 1), 5) == {"Bo Ek", "Dee Holm"}
    assert found("planning", 3, date(2026, 6, 1), 1) == set()  # Cai is fully booked in June
    assert found("", 1, date(2026, 5, 1), 50) == {"Cai Lind", "Dee Holm"}
    with pytest.raises(ValidationError):
        with command_context("saga", "typo"):
            services.assess_skill(pmo, ids["Bo Ek"], "Planning", 6)


def test_every_view_shows_the_plan_as_it_was_recorded(team):
    pmo, anna = team["pmo"], team["people"]["Anna Berg"]
    before = pmo.log_index.table
    with pmo.read() as conn:
        moment = conn.execute(before.select().order_by(before.c.position.desc()).limit(1)).mappings().one()
    at = position_at(pmo, moment["occurred_at"])
    with command_context("joris", "more portal work", occurred_at=moment["occurred_at"] + timedelta(hours=1)):
        services.allocate(pmo, anna, team["P-3"], date(2026, 6, 1), date(2026, 6, 30), percent=50)
        services.update_person(pmo, anna, role="Lead analyst")
    june = [date(2026, 6, 1)]

    def anna_in_june(position):
        row = next(r for r in workload.heatmap(pmo, position, "person", june[0], 1)["rows"] if r["key"] == str(anna))
        return row["cells"][0]["allocated"], queries.get_person(pmo, anna, position)["role"]

    then, now = anna_in_june(at), anna_in_june(None)
    # 60% on P-1 (105.6 h) and 80 h a month on P-2 until the 19th (15 of 22 days); then 50% more.
    assert then == (pytest.approx(105.6 + 80 * 15 / 22, abs=0.05), "Business analyst")
    assert now == (pytest.approx(then[0] + 88, abs=0.1), "Lead analyst")
    assert not workload.over_allocations(pmo, at, june, {anna})
    assert workload.over_allocations(pmo, None, june, {anna})


def test_withdrawing_a_filling_allocation_opens_the_demand_again(team):
    pmo = team["pmo"]
    filled = queries.get_demand(pmo, team["demand"])
    assert (filled["open_fte"], [f["person_name"] for f in filled["fills"]]) == (1.5, ["Dee Holm"])
    with command_context("saga", "Dee moves to another project"):
        services.withdraw_allocation(pmo, filled["fills"][0]["allocation_id"])
    again = queries.get_demand(pmo, team["demand"])
    assert (again["open_fte"], again["fills"], again["status"]) == (2.0, [], "open")
    assert [d["id"] for d in queries.list_demands(pmo)] == [team["demand"]]
