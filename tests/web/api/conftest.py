"""API test helpers: callers by role, two managed projects, a year of history, the ledger's head."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest

from events.context import command_context
from tests.conftest import auth


class Caller:
    """A script calling the API with one user's bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _send(self, method: str, url: str, headers: dict | None = None, **kwargs):
        sent = {**(auth(self.token) if self.token else {}), **(headers or {})}
        return self.client.open(url, method=method, headers=sent, **kwargs)

    def get(self, url, **kwargs):
        return self._send("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self._send("POST", url, **kwargs)

    def put(self, url, **kwargs):
        return self._send("PUT", url, **kwargs)

    def patch(self, url, **kwargs):
        return self._send("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self._send("DELETE", url, **kwargs)


@pytest.fixture
def as_(client, people):
    """``as_("pmo").post(...)``: call the API as the user of that role ("anonymous": no token)."""
    return callers(client, people)


def callers(client, people):
    def caller(role: str) -> Caller:
        return Caller(client, None if role == "anonymous" else people[role]["token"])
    return caller


@pytest.fixture
def projects(app, people):
    """P-OWN, managed by the manager; P-OTHER, managed by manager2. ``{code: id as str}``."""
    return register_projects(app, people)


# The same on one app for the module (``shared_app`` of tests/conftest.py): for tests whose
# requests are refused and which assert, with ``shared_head``, that nothing was written.
@pytest.fixture
def shared_as(shared_app, shared_people):
    return callers(shared_app.test_client(), shared_people)


@pytest.fixture(scope="module")
def shared_projects(shared_app, shared_people):
    return register_projects(shared_app, shared_people)


@pytest.fixture
def shared_head(shared_app):
    return ledger_head(shared_app)


def register_projects(app, people) -> dict[str, str]:
    from core.services.projects import register_project
    from web.tenancy import current_pmo

    with app.app_context(), command_context("setup", "test fixture"):
        pmo = current_pmo()
        own = register_project(pmo, "P-OWN", "Own project", manager=people["manager"]["username"])
        other = register_project(pmo, "P-OTHER", "Other project", manager=people["manager2"]["username"])
    return {"P-OWN": str(own.id), "P-OTHER": str(other.id)}


@pytest.fixture
def head(app):
    """``head()``: the ledger's last position, to show that a refused request wrote nothing."""
    return ledger_head(app)


def ledger_head(app):
    from web.tenancy import current_pmo

    def position() -> int:
        with app.app_context():
            return current_pmo().ledger.max_position()
    return position


def when(moment: str) -> datetime:
    """An ISO time, UTC: ``when("2025-03-01T09:00")``."""
    return datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)


@contextmanager
def backdated(app, actor: str, moment: str, reason: str = ""):
    """Run core services as ``actor`` at ``moment`` (UTC), as the demo generator does."""
    from web.tenancy import current_pmo

    with app.app_context(), command_context(actor, reason, occurred_at=when(moment)):
        yield current_pmo()


@pytest.fixture
def timeline(app):
    """Half a year of a small PMO's history, backdated into 2025. ``{name: id as str}``.

    P-1 "Portal" goes live in March (amber February report, filed 10 March; red in April) and
    closes on 30 June; P-2 "Kiosk" is proposed in March and cancelled on 15 April; decision D1
    is superseded by D2 on 1 May; an action due 20 March is done on 1 April.
    """
    from core.services import logs, portfolio, projects, reporting

    def report(pmo, project_id, start, end, rag, progress):
        return reporting.submit_status_report(
            pmo, project_id, period_start=date.fromisoformat(start), period_end=date.fromisoformat(end),
            overall=rag, schedule=rag, cost="green", scope="green", progress_pct=progress)

    ids = {}
    with backdated(app, "pia", "2025-01-15T09:00", "portfolio set up") as pmo:
        portfolio.establish_portfolio(pmo, "Group PMO")
        ids["PR-1"] = portfolio.register_programme(pmo, "PR-1", "Digital").id
    with backdated(app, "pia", "2025-03-01T09:00", "intake") as pmo:
        p1 = projects.register_project(pmo, "P-1", "Portal", manager="manager-user", programme_id=ids["PR-1"])
        for stage in ("proposed", "approved", "active"):
            projects.move_project_to_stage(pmo, p1.id, stage, "ok")
        p2 = projects.register_project(pmo, "P-2", "Kiosk")
        projects.move_project_to_stage(pmo, p2.id, "proposed", "worth a business case")
        ids.update({"P-1": p1.id, "P-2": p2.id})
    with backdated(app, "pia", "2025-03-05T10:00", "architecture board") as pmo:
        ids["D1"] = logs.record_decision(pmo, "Use vendor A", "A", "board", date(2025, 3, 5), project_id=p1.id).id
        ids["M1"] = reporting.plan_milestone(pmo, p1.id, "Go-live", date(2025, 6, 1)).id
    with backdated(app, "bo", "2025-03-10T16:00", "February report") as pmo:
        ids["R-FEB"] = report(pmo, p1.id, "2025-02-01", "2025-02-28", "amber", 40).id
    with backdated(app, "pia", "2025-03-11T11:00") as pmo:
        ids["A1"] = logs.assign_action(pmo, "Chase supplier", "bo", date(2025, 3, 20), project_id=p1.id).id
    with backdated(app, "bo", "2025-04-01T10:00", "supplier delivered") as pmo:
        logs.close_action(pmo, ids["A1"], "delivered")
        ids["R-MAR"] = report(pmo, p1.id, "2025-03-01", "2025-03-31", "red", 55).id
    with backdated(app, "pia", "2025-04-15T14:00", "no budget this year") as pmo:
        projects.move_project_to_stage(pmo, p2.id, "cancelled", "Budget withdrawn")
    with backdated(app, "pia", "2025-05-01T09:00", "vendor A folded") as pmo:
        ids["D2"] = logs.record_decision(pmo, "Use vendor B", "B", "board", date(2025, 5, 1), project_id=p1.id).id
        logs.supersede_decision(pmo, ids["D1"], ids["D2"])
    with backdated(app, "pia", "2025-06-30T12:00", "handed over") as pmo:
        projects.move_project_to_stage(pmo, p1.id, "closed", "Handed over to operations")
    return {name: str(value) for name, value in ids.items()}


def etag(response) -> str:
    return response.headers["ETag"]


def problem(response, status: int) -> dict:
    """Assert a problem+json answer with ``status`` and return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    return body


def plugin_rule(app, rule) -> bool:
    """A rule of a plugin's blueprint: each plugin's own tests (and the permission matrix) cover it."""
    return rule.endpoint.split(".")[0] in app.extensions["pmo_plugin_blueprints"]
