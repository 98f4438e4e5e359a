"""A small PMO to look at through the pages, and helpers to use its forms as a person would."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from events.context import command_context
from tests.conftest import csrf_token_from, login

TODAY = date.today()


@dataclass
class Seeded:
    own: dict        # P-OWN, managed by the fixture's manager: active, amber, a slipping milestone
    other: dict      # P-OTHER, managed by manager2: active, red
    idea: dict       # P-IDEA: still an idea, no report
    programme: dict
    draft_report: object
    published_report: object
    slipping: object
    achieved: object
    decision: object
    overdue_action: object
    portfolio_action: object


@pytest.fixture
def seeded(app, people) -> Seeded:
    """The PMO officer 'pia' sets up a portfolio of three projects through the services."""
    return seed_pmo(app, people)


def seed_pmo(app, people) -> Seeded:
    from core import queries
    from core.services import logs, portfolio, projects, reporting
    from web.tenancy import current_pmo

    with app.app_context():
        pmo = current_pmo()
        with command_context("pia", "seed", "seed-correlation"):
            portfolio.establish_portfolio(pmo, "Change portfolio", "Everything we change this year")
            programme = portfolio.register_programme(pmo, "DIGI", "Digital services", manager="pia")
            own = projects.register_project(
                pmo, "P-OWN", "Self-service portal", manager=people["manager"]["username"], sponsor="cfo",
                programme_id=programme.id, start_date=TODAY - timedelta(days=90), end_date=TODAY + timedelta(days=200))
            other = projects.register_project(pmo, "P-OTHER", "Payroll migration",
                                              manager=people["manager2"]["username"])
            projects.register_project(pmo, "P-IDEA", "Knowledge bank")
            for project in (own, other):
                for stage in ("proposed", "approved", "active"):
                    projects.move_project_to_stage(pmo, project.id, stage, f"Steering group approved {stage}")
            ratings = dict(schedule="green", cost="green", scope="green")
            reporting.submit_status_report(
                pmo, own.id, period_start=TODAY - timedelta(days=60), period_end=TODAY - timedelta(days=31),
                overall="green", progress_pct=20, summary="Kick-off done", **ratings)
            published = reporting.submit_status_report(
                pmo, own.id, period_start=TODAY - timedelta(days=30), period_end=TODAY - timedelta(days=1),
                overall="amber", progress_pct=35, summary="Supplier late", **ratings)
            draft = reporting.draft_status_report(
                pmo, own.id, period_start=TODAY, period_end=TODAY + timedelta(days=29),
                overall="amber", progress_pct=40, summary="Work in progress", **ratings)
            reporting.submit_status_report(
                pmo, other.id, period_start=TODAY - timedelta(days=30), period_end=TODAY - timedelta(days=1),
                overall="red", progress_pct=10, summary="Budget overrun", **ratings)
            slipping = reporting.plan_milestone(pmo, own.id, "Pilot live", TODAY - timedelta(days=10))
            reporting.reforecast_milestone(pmo, slipping.id, TODAY + timedelta(days=20))
            achieved = reporting.plan_milestone(pmo, own.id, "Design signed off", TODAY - timedelta(days=30))
            reporting.achieve_milestone(pmo, achieved.id, TODAY - timedelta(days=28))
            decision = logs.record_decision(pmo, "Go with supplier B", "Contract supplier B", "steering group",
                                            TODAY - timedelta(days=20), rationale="Cheaper", project_id=own.id)
            overdue = logs.assign_action(pmo, "Chase supplier contract", "pia", TODAY - timedelta(days=5),
                                         project_id=own.id)
            portfolio_action = logs.assign_action(pmo, "Prepare portfolio review", "pia", TODAY + timedelta(days=10))
            logs.assign_action(pmo, "Fix payroll test data", "someone-else", TODAY + timedelta(days=3),
                               project_id=other.id)
        rows = {p["code"]: p for p in queries.list_projects(pmo)}
    return Seeded(own=rows["P-OWN"], other=rows["P-OTHER"], idea=rows["P-IDEA"],
                  programme={"id": programme.id, "code": "DIGI"}, draft_report=draft, published_report=published,
                  slipping=slipping, achieved=achieved, decision=decision, overdue_action=overdue,
                  portfolio_action=portfolio_action)


@pytest.fixture
def sign_in(client, people):
    """``sign_in("viewer")``: the client is now that person."""
    def sign_in(role: str):
        login(client, people[role]["username"], people[role]["password"])
        return people[role]["username"]
    return sign_in


def submit(client, url: str, data: dict, csrf: bool = True, headers: dict | None = None):
    """Open the page at ``url`` as a browser would, then post the form with its CSRF token."""
    page = client.get(url)
    form = dict(data)
    if csrf:
        form["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data=form, headers=headers or {})


@pytest.fixture
def the_pmo(app):
    """The PMO behind the app, for looking at what the forms wrote.

    Only fetched inside an app context, never held in one: requests made while a test holds
    the app context would share its ``g``, and with it the signed-in user.
    """
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo()


def events_of(response, pmo) -> list[dict]:
    """The ledger records written by the request that gave ``response``."""
    from core import queries

    return queries.events_for_correlation(pmo, response.headers["X-Correlation-ID"])
