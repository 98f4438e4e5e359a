"""Scenarios through the API, the pages and the CLI: 409 on a stale version, 422 naming the
field, and the live ledger untouched until commit."""
from __future__ import annotations

from tests.plugins.portfolio.test_web import submit


def test_a_script_branches_changes_compares_and_commits(enabled, places, as_):
    pmo_caller, viewer = as_("pmo"), as_("viewer")
    head = enabled.ledger.max_position()
    made = pmo_caller.post("/api/portfolio/scenarios", json={"name": "Without P-OTHER"})
    assert made.status_code == 201, made.get_data(as_text=True)
    url, etag = made.headers["Location"], made.headers["ETag"]
    drop = pmo_caller.post(f"{url}/changes", json={"kind": "drop", "project_id": str(places["P-OTHER"])},
                           headers={"If-Match": etag})
    assert drop.status_code == 200 and drop.get_json()["changes"][0]["code"] == "P-OTHER"
    stale = pmo_caller.post(f"{url}/changes", json={"kind": "budget", "budget": 5}, headers={"If-Match": etag})
    assert stale.status_code == 409
    bad = pmo_caller.post(f"{url}/changes", json={"kind": "capacity", "role": "Dev", "period": "May", "amount": 1})
    assert bad.status_code == 422 and "period" in bad.get_json()["errors"]
    assert pmo_caller.post(f"{url}/changes", json={"kind": "shift", "project_id": str(places["P-OWN"])}).status_code == 422
    assert viewer.post(f"{url}/commit", json={}).status_code == 403
    compared = viewer.get(f"{url}/comparison").get_json()
    assert compared["since_branch"] == [] and "live" in compared
    assert enabled.ledger.max_position() == head  # nothing live yet
    done = pmo_caller.post(f"{url}/commit", json={"reason": "board"}, headers={"If-Match": drop.headers["ETag"]})
    assert done.status_code == 200 and done.get_json()["state"] == "committed"
    assert enabled.ledger.max_position() == head + 1
    assert pmo_caller.post(f"{url}/discard", json={}).status_code == 422  # committed is final


def test_the_pages_walk_a_scenario_to_commit(enabled, places, sign_in):
    client = sign_in("pmo")
    made = submit(client, "/portfolio/scenarios/new", {"name": "Later own"})
    assert made.status_code == 303
    page_url = made.headers["Location"]
    shifted = submit(client, f"{page_url}/change/shift", {"project_id": str(places["P-OWN"]), "days": "30",
                                                          "version": "1"})
    assert shifted.status_code == 303
    refused = submit(client, f"{page_url}/change/shift", {"project_id": str(places["P-OWN"]), "days": "0"})
    assert refused.status_code == 422
    page = client.get(page_url).get_data(as_text=True)
    assert "Shift P-OWN by +30 days" in page and "Evaluated now" in page and "portfolio-compare" in page
    assert "Later own" in client.get("/portfolio/scenarios/").get_data(as_text=True)
    assert submit(client, f"{page_url}/discard", {}).status_code == 303
    assert "discarded" in client.get(page_url).get_data(as_text=True)


def test_the_cli_runs_a_scenario(tmp_path):
    from click.testing import CliRunner

    from web.cli import make_cli

    url, cli, runner = f"sqlite:///{tmp_path / 'pmo.sqlite'}", make_cli(entry_points=False), CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--store", url, "--as", "pia", *args])

    assert run("plugins", "enable", "portfolio", "--reason", "level 4").exit_code == 0
    made = run("portfolio", "scenario", "new", "Try")
    assert made.exit_code == 0, made.output
    assert run("portfolio", "scenario", "change", "Try", "budget", "100").exit_code == 0
    assert run("portfolio", "scenario", "change", "Try", "budget", "lots").exit_code == 1
    assert run("portfolio", "scenario", "change", "Try", "capacity", "Dev", "2026-13", "5").exit_code == 1
    shown = run("portfolio", "scenario", "show", "Try")
    assert shown.exit_code == 0 and "change\tBudget 100" in shown.output
    committed = run("portfolio", "scenario", "commit", "Try", "--reason", "agreed")
    # No envelope yet: it is opened, then set.
    assert committed.exit_code == 0 and "2 event(s) written" in committed.output, committed.output
    assert (tmp_path / "pmo.scenarios.sqlite").exists()
    exported = run("portfolio", "export", "rollup")
    assert exported.exit_code == 0 and exported.output.startswith("Programme,")
    svg = tmp_path / "roadmap.svg"
    assert run("portfolio", "roadmap", "--svg", str(svg)).exit_code == 0 and svg.read_text().startswith("<svg")
