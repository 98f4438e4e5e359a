"""The demo's benefits (two years of measurements, some behind, some handed over after their
project closed) and the ``pmo benefits`` commands on the same store. The demo projects are
registered here (the core's whole demo year would cost the suite 20 s); the ones the core
demo closes are closed here too."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from core import queries as core_queries
from core.services import projects
from core.services.plugins import enable_plugin
from events.context import command_context
from plugins.benefits import demo as benefits_demo
from plugins.benefits import queries

TODAY = date(2025, 6, 30)
CLOSED = ("DIG-02", "WPL-03", "PMO-01")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from web.tenancy import open_pmo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'pmo.sqlite'}"
    pmo = open_pmo(url, entry_points=False)
    with command_context("admin", "demo", occurred_at=datetime(2025, 6, 29, tzinfo=timezone.utc)):
        enable_plugin(pmo, "benefits")
        for code in sorted({c for spec in benefits_demo.BENEFITS for c in spec[11]}):
            project = projects.register_project(pmo, code, f"Project {code}")
            for stage in ("proposed", "approved", "active", "closed")[: 4 if code in CLOSED else 3]:
                projects.move_project_to_stage(pmo, project.id, stage, "gate")
    with command_context("saga", "Demo data", occurred_at=datetime(2025, 6, 30, tzinfo=timezone.utc)):
        benefits_demo.load(pmo, TODAY)
    yield pmo, url
    pmo.close()


def test_a_dozen_benefits_with_two_years_of_measurements_some_behind(demo):
    pmo, _ = demo
    rows = queries.list_benefits(pmo, today=TODAY)
    assert len(rows) >= 12 and {r["kind"] for r in rows} == {"benefit", "dis-benefit"}
    states = Counter(r["state"] for r in rows)
    assert states["at risk"] >= 2 and states["on track"] >= 3 and states["not measured"] == 1
    measured = [queries.benefit_measurements(pmo, r) for r in rows if r["measurements"]]
    assert max(len(m) for m in measured) >= 20
    assert min(m[0]["measured_on"] for m in measured) <= TODAY - timedelta(days=700)
    # Benefits of the projects the core demo closed were handed over to their post-project owner.
    closed = {p["id"] for p in core_queries.list_projects(pmo, stage="closed")}
    handed = [r for r in rows if r["handed_over"]]
    assert any(all(e["project_id"] in closed for e in r["enablers"]) for r in handed)
    # Every objective has its benefits; the overview counts the unmeasured one too.
    groups = queries.overview(pmo, today=TODAY)
    assert sum(len(g["benefits"]) for g in groups) >= len(rows) and sum(g["unmeasured"] for g in groups) >= 1


def test_the_cli_lists_measures_and_exports(demo, tmp_path):
    from click.testing import CliRunner

    from web.cli import make_cli

    cli = make_cli(entry_points=False)
    _, url = demo
    runner = CliRunner()
    listed = runner.invoke(cli, ["--store", url, "benefits", "list", "--at-risk"])
    assert listed.exit_code == 0 and "at risk" in listed.output and "B-002" in listed.output
    done = runner.invoke(cli, ["--store", url, "--as", "saga", "benefits", "measure", "B-013", "25",
                               "--on", date.today().isoformat(), "--reason", "first count"])
    assert done.exit_code == 0, done.output
    assert "B-013: 25 sessions" in done.output
    refused = runner.invoke(cli, ["--store", url, "benefits", "measure", "B-013", "30", "--on", "2001-01-01"])
    assert refused.exit_code == 1 and "baseline" in refused.output
    out = tmp_path / "benefits.xlsx"
    exported = runner.invoke(cli, ["--store", url, "benefits", "export", "--format", "xlsx", "-o", str(out)])
    assert exported.exit_code == 0 and out.stat().st_size > 1000
    csv = runner.invoke(cli, ["--store", url, "benefits", "export", "--project", "DIG-01"])
    assert "B-001" in csv.output and "B-008" not in csv.output
