"""The demo's portfolio (criteria, alignment with the benefits demo's objectives, scores,
estimates, an envelope that does not fit everything, a later weight change) and the
``pmo portfolio`` commands on the same store."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from core.services import projects
from core.services.plugins import enable_plugin
from events.context import command_context
from plugins.benefits import demo as benefits_demo
from plugins.portfolio import demo, history, queries

TODAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from web.tenancy import open_pmo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'pmo.sqlite'}"
    pmo = open_pmo(url, entry_points=False)
    with command_context("admin", "demo", occurred_at=datetime(2025, 6, 29, tzinfo=timezone.utc)):
        enable_plugin(pmo, "benefits")
        enable_plugin(pmo, "portfolio")
        for code in sorted({c for spec in benefits_demo.BENEFITS for c in spec[11]}):
            projects.register_project(pmo, code, f"Project {code}")
    with command_context("saga", "Demo data", occurred_at=datetime(2025, 6, 30, tzinfo=timezone.utc)):
        benefits_demo.load(pmo, TODAY)
        demo.load(pmo, TODAY)
    yield pmo, url
    pmo.close()


def test_the_demo_ranks_aligns_and_does_not_fit_the_budget(store):
    pmo, _ = store
    rows = queries.ranking(pmo)
    assert len(rows) >= 10 and all(r["cost"] is not None for r in rows)
    derived = [c for r in rows for c in r["scores"] if c["derived"] and c["score"] == 5]
    assert derived and all(c["rationale"].startswith("enables B-") for c in derived)
    chosen = queries.choose(pmo)
    assert chosen["feasible"] and chosen["left_out"] and chosen["binding"]
    assert all(p in chosen["chosen"] for p in rows if p["must_do"])
    start = pmo.ledger.max_position() - 1  # just before the demo's last command, the weight change
    assert [w["ref"] for w in history.ranking_changes(pmo, start, None)["weights"]] == ["URGENCY"]


def test_the_cli_ranks_selects_and_reweighs(store):
    from click.testing import CliRunner

    from web.cli import make_cli

    cli, (_, url), runner = make_cli(entry_points=False), store, CliRunner()
    ranked = runner.invoke(cli, ["--store", url, "portfolio", "ranking"])
    assert ranked.exit_code == 0 and ranked.output.startswith("1\t")
    picked = runner.invoke(cli, ["--store", url, "portfolio", "select"])
    assert picked.exit_code == 0 and "binding: budget" in picked.output and "\nout\t" in picked.output
    refused = runner.invoke(cli, ["--store", url, "portfolio", "select", "--budget", "0"])
    assert refused.exit_code == 1 and "must-do projects alone exceed: budget" in refused.output
    done = runner.invoke(cli, ["--store", url, "--as", "saga", "portfolio", "weight", "RISK", "40", "--reason", "why"])
    assert done.exit_code == 0 and "RISK: weight 15 -> 40" in done.output, done.output
    assert runner.invoke(cli, ["--store", url, "portfolio", "weight", "NOPE", "2"]).exit_code == 1
