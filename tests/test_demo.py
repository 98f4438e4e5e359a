"""The demo PMO: a believable year, written in time order through the services."""
from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core import queries
from core.demo import DEMO_USERS, load_demo
from core.hookspecs import hookimpl
from core.services.users import password_matches
from web.tenancy import open_pmo

TODAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo():
    pmo = open_pmo("memory://", entry_points=False)
    started = time.perf_counter()
    load_demo(pmo, TODAY)
    pmo.load_seconds = time.perf_counter() - started
    yield pmo
    pmo.close()


def log_rows(pmo) -> list[dict]:
    table = pmo.log_index.table
    with pmo.read() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).order_by(table.c.position)).mappings()]


def test_projects_in_every_lifecycle_stage(demo):
    by_stage = Counter(p["stage"] for p in queries.list_projects(demo))
    assert by_stage == {"idea": 2, "proposed": 3, "approved": 2, "active": 7, "closed": 5, "cancelled": 2}
    programmes = {p["code"]: p for p in queries.list_programmes(demo)}
    assert set(programmes) == {"DIG", "WPL"}
    in_programmes = Counter(p["programme_id"] for p in queries.list_projects(demo))
    assert in_programmes[programmes["DIG"]["id"]] >= 5 and in_programmes[programmes["WPL"]["id"]] >= 5


def test_gates_carry_their_decisions(demo):
    closed = queries.get_project(demo, "DIG-02")
    history = queries.stage_history(demo, closed["id"])
    assert [h["stage"] for h in history] == ["proposed", "approved", "active", "closed"]
    assert all(h["gate_decision"] for h in history)
    cancelled = queries.get_project(demo, "WPL-06")
    assert "asbestos" in cancelled["gate_decision"]


def test_active_projects_report_monthly_with_ratings_that_move(demo):
    for project in queries.list_projects(demo, stage="active"):
        reports = sorted(queries.list_status_reports(demo, project["id"], published=True),
                         key=lambda r: r["period_end"])
        assert reports, project["code"]
        for earlier, later in zip(reports, reports[1:]):
            assert later["period_start"] == earlier["period_end"] + timedelta(days=1)
            assert later["progress_pct"] >= earlier["progress_pct"]
        assert reports[-1]["period_end"] >= TODAY.replace(day=1) - timedelta(days=1)
    year = queries.list_status_reports(demo, queries.get_project(demo, "DIG-01")["id"])
    assert len(year) == 11  # July to May; June is reported in July
    troubled = [r["overall"] for r in sorted(
        queries.list_status_reports(demo, queries.get_project(demo, "DIG-03")["id"]),
        key=lambda r: r["period_end"])]
    assert "red" in troubled and troubled[0] != "red", "the case system gets into trouble, later"
    assert Counter(p["overall"] for p in queries.list_projects(demo, stage="active")).keys() >= {"green", "amber"}


def test_closed_projects_have_a_final_report_and_all_milestones_met(demo):
    for project in queries.list_projects(demo, stage="closed"):
        reports = queries.list_status_reports(demo, project["id"])
        assert reports[0]["progress_pct"] == 100
        assert all(m["actual_date"] for m in queries.list_milestones(demo, project["id"]))


def test_milestones_slip_and_some_are_met_late(demo):
    milestones = queries.list_milestones(demo)
    late = [m for m in milestones if m["actual_date"] and m["actual_date"] > m["baseline_date"]]
    slipping = [m for m in milestones if m["actual_date"] is None and m["slippage_days"] > 0]
    assert len(late) >= 5 and slipping
    reforecasts = [r for r in log_rows(demo) if r["topic"] == "core.Milestone.Reforecast"]
    assert len(reforecasts) >= 10
    assert queries.dashboard(demo, today=TODAY)["slipping_milestones"]


def test_decisions_and_actions_some_overdue_some_closed(demo):
    actions = queries.list_actions(demo, today=TODAY)
    status = Counter(a["status"] for a in actions)
    assert status["done"] > status["open"] > 0 and status["cancelled"] > 0
    overdue = queries.list_actions(demo, overdue=True, today=TODAY)
    assert len(overdue) >= 3
    assert any(a["project_id"] is None for a in actions), "portfolio-level actions too"
    late = [a for a in actions if a["status"] == "done" and a["closed_at"].date() > a["due_date"]]
    assert late, "some actions are done after their due date"
    decisions = queries.list_decisions(demo)
    assert len(decisions) >= 10
    assert any(d["superseded_by"] for d in decisions)
    assert {d["decided_by"] for d in decisions} >= {"Portfolio board"}


def test_history_is_written_in_time_order_over_the_past_year(demo):
    rows = log_rows(demo)
    stamps = [r["occurred_at"] for r in rows]
    assert stamps == sorted(stamps)
    assert stamps[0].date() >= TODAY - timedelta(days=366)
    assert stamps[-1].date() < TODAY
    assert (stamps[-1] - stamps[0]).days > 330
    # One correlation id per command, and commands are spread over many days.
    assert len({r["correlation_id"] for r in rows}) > 300
    assert len({s.date() for s in stamps}) > 100


def test_several_people_did_the_work(demo):
    actors = Counter(r["actor"] for r in log_rows(demo))
    assert {"admin", "saga", "joris", "lena", "mehmet"} <= set(actors)
    assert all(actors[a] >= 5 for a in ("saga", "joris", "lena", "mehmet"))
    assert "pieter" not in actors, "the auditor writes nothing"


def test_one_user_per_role_with_the_documented_passwords(demo):
    users = {u["username"]: u for u in queries.list_users(demo)}
    assert {u["role"] for u in users.values()} == {"admin", "pmo", "manager", "viewer", "auditor"}
    assert sum(u["role"] == "manager" for u in users.values()) >= 2
    for person in DEMO_USERS:
        row = users[person.username]
        assert row["role"] == person.role
        assert password_matches(row["password_hash"], person.password)
    # Managers manage the projects they report on.
    managers = {p["manager"] for p in queries.list_projects(demo, stage="active")}
    assert managers <= set(users)


def test_the_demo_loads_quickly(demo):
    assert demo.load_seconds < 30


def test_the_demo_is_deterministic(demo):
    again = open_pmo("memory://", entry_points=False)
    try:
        load_demo(again, TODAY)

        def story(pmo):
            return ([(r["topic"], r["actor"], r["reason"], r["occurred_at"]) for r in log_rows(pmo)],
                    [(p["code"], p["stage"], p["overall"], p["end_date"]) for p in queries.list_projects(pmo)])

        assert story(again) == story(demo)
    finally:
        again.close()


class DemoPlugin:
    """An inline plugin that adds its part of the demo."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def plugin_info(self):
        return {"name": "demo-test", "title": "Demo test"}

    @hookimpl
    def demo_data(self, pmo, today):
        from core.services.logs import assign_action
        from events.context import current_context

        self.calls.append((today, current_context().actor))
        assign_action(pmo, "Plugin's demo action", "saga")


def test_plugins_are_enabled_and_add_their_demo_data():
    plugin = DemoPlugin()
    pmo = open_pmo("memory://", extra_plugins=(plugin,), entry_points=False)
    try:
        load_demo(pmo, TODAY)
        assert "demo-test" in pmo.enabled_plugins()
        assert plugin.calls == [(TODAY, "saga")]
        titles = [a["title"] for a in queries.list_actions(pmo, today=TODAY)]
        assert "Plugin's demo action" in titles
        stamps = [r["occurred_at"] for r in log_rows(pmo)]
        assert stamps == sorted(stamps)
    finally:
        pmo.close()
