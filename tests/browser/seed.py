"""A small PMO for the browser tests: two programmes, seven projects in every stage, reports
that move between green, amber and red, milestones that slip, decisions and an overdue action.

Written through the services, in time order over the 60 days before today, each command in a
backdated ``command_context`` (as the demo does). So "as of yesterday" shows exactly this
seed, and whatever a test changes through the browser today is a later change.

One user per role (``ROLES`` of ``tests/conftest.py``, with its ``PASSWORD``); the manager,
joris, manages DIG-01 and DIG-03.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from core.services import logs, portfolio, projects, reporting, users
from events.context import command_context
from tests.conftest import PASSWORD, ROLES

# username, display name; passwords follow ``tests/conftest.py``'s PASSWORD per role.
STAFF = {"admin": ("tove", "Tove Lindqvist"), "pmo": ("saga", "Saga Bergqvist"), "manager": ("joris", "Joris van Dam"),
         "viewer": ("nora", "Nora Visser"), "auditor": ("pieter", "Pieter de Graaf")}
STARTED_DAYS_AGO = 60


@dataclass(frozen=True)
class Person:
    role: str
    username: str
    password: str
    display_name: str


def people() -> dict[str, Person]:
    return {role: Person(role, STAFF[role][0], PASSWORD.format(role=role), STAFF[role][1]) for role in ROLES}


class Clock:
    """Hands out strictly increasing backdated moments: ledger time only grows along the log."""

    def __init__(self, today: date):
        self.today = today
        self.last = datetime.combine(today - timedelta(days=STARTED_DAYS_AGO + 1), time(8), timezone.utc)

    def at(self, days_ago: int) -> datetime:
        moment = datetime.combine(self.today - timedelta(days=days_ago), time(9), timezone.utc)
        self.last = max(moment, self.last + timedelta(minutes=1))
        return self.last


def seed(pmo, today: date | None = None) -> dict[str, Person]:
    """Write the small PMO into ``pmo`` (an empty ledger); returns the people by role."""
    today = today or date.today()
    clock = Clock(today)
    staff = people()
    pm, pm_name = staff["manager"].username, staff["manager"].display_name

    def day(days_ago: int) -> date:
        return today - timedelta(days=days_ago)

    def as_(actor: str, days_ago: int, reason: str = "Seeded for the browser tests"):
        return command_context(actor, reason, occurred_at=clock.at(days_ago))

    with as_("setup", STARTED_DAYS_AGO, "Users of the browser-test PMO"):
        for person in staff.values():
            users.create_user(pmo, person.username, person.password, person.role, display_name=person.display_name)

    saga = staff["pmo"].username
    with as_(saga, STARTED_DAYS_AGO, "The PMO starts its register"):
        portfolio.establish_portfolio(pmo, "City change portfolio",
                                      "Every change initiative of the city, from idea to benefits.")
        dig = portfolio.register_programme(pmo, "DIG", "Digital services", "Citizens do their business online.",
                                           sponsor="Karin Ström", manager=pm)
        wpl = portfolio.register_programme(pmo, "WPL", "Workplace and facilities", sponsor="Annelies Bakker")

    specs = [  # code, name, manager, programme, final stage
        ("DIG-01", "Citizen self-service portal", pm, dig.id, "active"),
        ("DIG-02", "Payroll system migration", "Lena Åkesson", dig.id, "active"),
        ("DIG-03", "Digital signatures", pm, dig.id, "approved"),
        ("WPL-01", "Hybrid workplace", "Mehmet Kaya", wpl.id, "active"),
        ("WPL-02", "Town hall renovation", "Mehmet Kaya", wpl.id, "active"),
        ("KB-01", "Knowledge bank", "", None, "idea"),
        ("ARC-01", "Archive scanning", "Lena Åkesson", None, "closed"),
    ]
    ids = {}
    with as_(saga, 58, "Projects entered from the old spreadsheet"):
        for code, name, manager, programme_id, _stage in specs:
            ids[code] = projects.register_project(
                pmo, code, name, description=f"{name}: scope, budget and plan agreed with the sponsor.",
                sponsor="Karin Ström", manager=manager, programme_id=programme_id,
                start_date=day(90), end_date=day(-240)).id
    for code, *_rest, final in specs:
        route = {"idea": [], "approved": ["proposed", "approved"],
                 "active": ["proposed", "approved", "active"],
                 "closed": ["proposed", "approved", "active", "closed"]}[final]
        for stage in route:
            with as_(saga, 56, "Portfolio board"):
                projects.move_project_to_stage(pmo, ids[code], stage, f"The portfolio board approved: {stage}.")

    # Two reporting periods: the first month mostly green, the second shows the trouble.
    first = {"DIG-01": ("green", 20, "Kick-off done; the supplier is on board."),
             "DIG-02": ("amber", 15, "Data cleansing takes longer than planned."),
             "WPL-01": ("green", 40, "Pilot floor furnished."),
             "WPL-02": ("green", 10, "Permits requested.")}
    second = {"DIG-01": ("amber", 45, "The supplier is three weeks late with the payment module."),
              "DIG-02": ("red", 25, "Budget overrun: the vendor's licence fee doubled."),
              "WPL-01": ("green", 65, "Two floors moved; feedback is good."),
              "WPL-02": ("amber", 20, "Asbestos found in the east wing; survey ordered.")}

    def report(days_ago, period, ratings):
        for code, (overall, pct, summary) in ratings.items():
            with as_(saga if code != "DIG-01" else pm, days_ago, "Monthly status report"):
                reporting.submit_status_report(
                    pmo, ids[code], period_start=day(period[0]), period_end=day(period[1]), overall=overall,
                    schedule=overall, cost="green" if code != "DIG-02" else "red", scope="green",
                    progress_pct=pct, summary=summary)

    with as_(pm, 50, "Plan agreed with the sponsor"):
        design = reporting.plan_milestone(pmo, ids["DIG-01"], "Design signed off", day(35))
        pilot = reporting.plan_milestone(pmo, ids["DIG-01"], "Pilot live", day(5),
                                         description="First 500 citizens use the portal.")
        reporting.plan_milestone(pmo, ids["DIG-01"], "Go live", day(-90))
    with as_(saga, 50, "Plan agreed with the sponsor"):
        reporting.plan_milestone(pmo, ids["WPL-01"], "All floors moved", day(-30))
    with as_(pm, 33, "Design board"):
        reporting.achieve_milestone(pmo, design.id, day(33))
    report(31, (60, 31), first)
    with as_(saga, 20, "Steering group minutes"):
        logs.record_decision(pmo, "Contract supplier B for payments", "Supplier B builds the payment module.",
                             "Steering group", day(20), rationale="Cheaper and available now.",
                             project_id=ids["DIG-01"])
        logs.record_decision(pmo, "Freeze new requests until Q3", "No new project requests until the portfolio "
                             "review.", "Portfolio board", day(18))
        logs.assign_action(pmo, "Chase the supplier contract", pm_name, day(5), project_id=ids["DIG-01"])
        logs.assign_action(pmo, "Prepare the portfolio review", staff["pmo"].display_name, day(-10))
        logs.assign_action(pmo, "Ask finance for the revised licence budget", "Lena Åkesson", day(-3),
                           project_id=ids["DIG-02"])
    with as_(pm, 10, "Supplier delay"):
        reporting.reforecast_milestone(pmo, pilot.id, day(-20))
    report(1, (30, 1), second)
    return staff
