"""The demo's year of steering committees and its gate reviews, and the ``pmo meetings`` and
``pmo reviews`` commands on it (SQLite, as from the command line)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core import queries as core_queries
from core.services import projects
from core.services.plugins import enable_plugin
from events.context import command_context
from plugins.governance import demo as governance_demo
from plugins.governance import queries

TODAY = date(2025, 6, 30)
STAGES = {"DIG-01": 3, "DIG-02": 2, "DIG-03": 1, "DIG-04": 1, "WPL-01": 2}  # stages passed after idea


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from web.tenancy import open_pmo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'pmo.sqlite'}"
    pmo = open_pmo(url, entry_points=False)
    with command_context("admin", "demo", occurred_at=datetime(2025, 6, 29, tzinfo=timezone.utc)):
        enable_plugin(pmo, "governance", with_dependencies=True)
        for code, passed in STAGES.items():
            project = projects.register_project(pmo, code, f"Project {code}", manager="joris")
            for stage in ("proposed", "approved", "active")[:passed]:
                projects.move_project_to_stage(pmo, project.id, stage, "gate")
    with command_context("saga", "Demo data", occurred_at=datetime(2025, 6, 30, tzinfo=timezone.utc)):
        governance_demo.load(pmo, TODAY)
    yield pmo, url
    pmo.close()


def test_a_year_of_monthly_steering_meetings_and_gate_reviews_that_keep_the_stage(demo):
    pmo, _ = demo
    steering = next(s for s in queries.list_series(pmo) if s["kind"] == "steering_committee")
    meetings = queries.list_meetings(pmo, series_id=steering["id"])
    assert len(meetings) == 12 and len({m["held_on"].month for m in meetings}) == 12
    assert [m["status"] for m in meetings].count("open") == 1 and meetings[0]["status"] == "open"
    assert all(m["decisions"] == 1 and m["actions"] == 1 for m in meetings)
    decided = queries.list_reviews(pmo, status="decided")
    assert {r["verdict"] for r in decided} == {"no_go", "hold"}
    assert all(core_queries.get_project(pmo, r["project_id"])["stage"] == r["from_stage"] for r in decided)
    waiting = queries.list_reviews(pmo, status="open")
    assert len(waiting) == 1 and waiting[0]["met"] == waiting[0]["items"]  # answered, no verdict yet
    # The meetings' decisions are in their projects' logs, decided by the committee.
    for m in meetings[:3]:
        record = queries.get_meeting(pmo, m["id"])["decision_records"][0]
        assert record in core_queries.list_decisions(pmo, record["project_id"])
        assert record["decided_by"] == steering["name"] and record["decided_on"] == m["held_on"]


def test_the_cli_lists_meetings_and_reviews_and_a_closed_meeting_stays_closed(demo):
    from click.testing import CliRunner

    from web.cli import make_cli

    pmo, url = demo
    cli, runner = make_cli(entry_points=False), CliRunner()
    listed = runner.invoke(cli, ["--store", url, "meetings", "list", "--series", "Steering committee Digital services"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("Steering committee Digital services 20") == 12 and "12 meeting(s)" in listed.output
    reviews = runner.invoke(cli, ["--store", url, "reviews", "list"])
    assert reviews.exit_code == 0 and "No-go" in reviews.output and "\topen\t" in reviews.output
    assert runner.invoke(cli, ["--store", url, "meetings", "list", "--series", "Nope"]).exit_code == 1
    latest = queries.list_meetings(pmo, status="open")[0]
    closed = runner.invoke(cli, ["--store", url, "--as", "saga", "meetings", "close", str(latest["id"])])
    assert closed.exit_code == 0, closed.output
    again = runner.invoke(cli, ["--store", url, "--as", "saga", "meetings", "close", str(latest["id"])])
    assert again.exit_code == 1 and "archived" in again.output
