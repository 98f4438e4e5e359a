"""The plugin's part of the demo PMO: about forty people, some over-booked in some months,
demand left unfilled, written by the people who would have, after everything in the ledger.

Written here on a few running projects instead of the core's whole year (the risk plugin's
demo test loads that, all plugins included, and checks the log's time order across them).
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from core.services import plugins, projects
from events.context import command_context
from plugins.resources import capacity as cap
from plugins.resources import demo as resources_demo
from plugins.resources import queries, workload
from web.tenancy import open_pmo

TODAY = date(2025, 6, 30)
MANAGERS = ("joris", "lena", "mehmet", "joris", "lena", "mehmet", "saga")


@pytest.fixture(scope="module")
def demo():
    pmo = open_pmo("memory://", entry_points=False)
    with command_context("admin", "Demo", occurred_at=datetime(2024, 7, 1, 9, tzinfo=timezone.utc)):
        plugins.enable_plugin(pmo, "resources")
        for n, manager in enumerate(MANAGERS):
            project = projects.register_project(pmo, f"P-{n}", f"Project {n}", manager=manager)
            for stage in ("proposed", "approved", "active")[:3 if n % 3 else 2]:
                projects.move_project_to_stage(pmo, project.id, stage, "Gate passed")
    with command_context("saga", "Demo data", occurred_at=datetime(2025, 6, 1, 9, tzinfo=timezone.utc)):
        resources_demo.load(pmo, TODAY)
    yield pmo
    pmo.close()


def test_forty_people_with_skills_part_time_leave_and_development(demo):
    people = queries.list_people(demo)
    assert 38 <= len(people) <= 45 and all(p["email"].endswith("@eksund.example") for p in people)
    assert len({p["role"] for p in people}) >= 10 and len({p["department"] for p in people}) >= 5
    assert all(p["skills"] for p in people)
    periods = queries.capacity_periods(demo)
    assert Counter(p["kind"] for ps in periods.values() for p in ps).keys() == {"leave", "part_time", "contract"}
    saga = next(p for p in people if p["name"] == "Saga Bergqvist")
    assert len(queries.development_records(demo, saga["id"])) == 3


def test_some_people_are_over_booked_in_some_months_and_demand_is_unfilled(demo):
    months = cap.months(cap.add_months(TODAY, -3), 9)
    over = workload.over_allocations(demo, months=months)
    booked = {w["person_name"] for w in over}
    assert 3 <= len(booked) <= 12 and len({w["month"] for w in over}) >= 3
    assert {"Oskar Nyström", "Fatima Haddad", "Daan de Vries"} <= booked
    assert len(queries.list_allocations(demo)) >= 50
    unfilled = queries.list_demands(demo)
    assert len(unfilled) >= 4 and any(d["fills"] for d in unfilled) and any(not d["fills"] for d in unfilled)
    grid = workload.heatmap(demo, None, "role", months[0], 9)
    assert any(c["unfilled"] for r in grid["rows"] for c in r["cells"])


def test_written_in_time_order_by_saga_and_the_managers(demo):
    log = demo.log_index.table
    with demo.read() as conn:
        rows = conn.execute(sa.select(log.c.topic, log.c.actor, log.c.occurred_at).order_by(log.c.position)).all()
    stamps = [r.occurred_at for r in rows]
    assert stamps == sorted(stamps) and stamps[-1].date() < TODAY
    actors = Counter(r.actor for r in rows if r.topic.startswith("resources."))
    assert actors["saga"] > 100 and {"joris", "lena", "mehmet"} & set(actors)
