"""A script imports through /api/imports/<kind>, an administrator through ``pmo import``: the
same checks, all rows or none, every problem by row and field."""
from __future__ import annotations

import io

from click.testing import CliRunner

from core import queries
from events.context import command_context
from tests.conftest import auth
from tests.web.test_import_pages import portfolio_xlsx

MILESTONES = ("Project,Milestone,Baseline date,Planned by\n"
              "P-1,Design signed off,2026-02-01,pia\nP-1,Pilot,2026-04-01,bo\n")
BAD = "Project,Milestone,Baseline date\nP-1,Design,01-02-2026\nP-9,Pilot,2026-04-01\nP-1,,\n"


def post(client, token: str | None, kind: str, text: str, query: str = "", name: str = "plan.csv", **headers):
    return client.post(f"/api/imports/{kind}{query}", content_type="multipart/form-data",
                       headers={**(auth(token) if token else {}), **headers},
                       data={"file": (io.BytesIO(text.encode()), name)})


def test_the_api_checks_imports_and_refuses_with_every_row(app, client, people):
    from core.services import projects
    from web.tenancy import current_pmo

    with app.app_context(), command_context("setup"):
        pmo = current_pmo()
        projects.register_project(pmo, "P-1", "Portal")
        before = pmo.ledger.max_position()
    pmo_token = people["pmo"]["token"]

    assert post(client, people["manager"]["token"], "milestones", MILESTONES).status_code == 403
    assert post(client, None, "milestones", MILESTONES).status_code == 401
    bad = post(client, pmo_token, "milestones", BAD)
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert bad.get_json()["errors"] == {
        "row 2": ["baseline_date: '01-02-2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"],
        "row 3": ["project: no project with code 'P-9'"],
        "row 4": ["name: required: this cell is empty", "baseline_date: required: this cell is empty"]}
    refused = post(client, pmo_token, "milestones", "x", name="plan.pdf")
    assert refused.status_code == 422 and refused.get_json()["errors"] == {
        "file": ["Only .csv files and .xlsx workbooks can be imported."]}

    dry = post(client, pmo_token, "milestones", MILESTONES, "?dry_run=true&map=Planned%20by=")
    assert dry.status_code == 200
    assert {k: dry.get_json()[k] for k in ("rows", "imported", "events", "dry_run", "ignored")} == {
        "rows": 2, "imported": 0, "events": 2, "dry_run": True, "ignored": ["Planned by"]}
    with app.app_context():
        assert current_pmo().ledger.max_position() == before

    done = post(client, pmo_token, "milestones", MILESTONES, **{"X-Reason": "Plan from the kick-off"})
    body = done.get_json()
    assert done.status_code == 200 and body["imported"] == 2 and len(body["ids"]) == 2
    with app.app_context():
        records = queries.events_for_correlation(current_pmo(), done.headers["X-Correlation-ID"])
    assert {(r["actor"], r["reason"]) for r in records} == {
        ("pmo-user", "Imported from plan.csv: Plan from the kick-off")}


def test_a_plugin_kind_is_served_while_its_plugin_is_enabled(app, client, people):
    """The kind is looked up per request: 404 before the plugin is enabled, served right after."""
    from core.services.plugins import enable_plugin
    from plugins.risk import queries as risk_queries
    from web.tenancy import current_pmo

    pmo_token = people["pmo"]["token"]
    risks = "ID,Title,Owner,Probability,Impact\nR-1,Supplier late,bo,4,3\n,Key developer leaves,bo,3,4\n"
    for kind in ("risks", "budgets"):
        missing = post(client, pmo_token, kind, risks)
        assert missing.status_code == 404 and missing.content_type == "application/problem+json"
        assert "choose projects, milestones, actions." in missing.get_json()["detail"]
    assert post(client, people["manager"]["token"], "risks", risks).status_code == 403  # roles first
    with app.app_context(), command_context("admin", "We start a risk register"):
        enable_plugin(current_pmo(), "risk")
        before = current_pmo().ledger.max_position()

    bad = post(client, pmo_token, "risks", risks.replace("4,3", "4,9"))
    assert bad.status_code == 422 and bad.get_json()["errors"] == {"row 2": ["impact: must be from 1 to 5"]}
    with app.app_context():
        assert current_pmo().ledger.max_position() == before
    done = post(client, pmo_token, "risks", risks)
    assert done.status_code == 200 and (done.get_json()["kind"], done.get_json()["imported"]) == ("risks", 2)
    with app.app_context():
        assert sorted(r["ref"] for r in risk_queries.list_risks(current_pmo())) == ["R-001", "R-1"]

    path = client.get("/api/openapi.json").get_json()["paths"]["/api/imports/{kind}"]
    [kind] = path["parameters"]
    assert (kind["in"], kind["name"]) == ("path", "kind") and "projects, milestones, actions" in kind["description"]
    assert "404" in path["post"]["responses"] and "Code (required)" in path["post"]["description"]


def test_pmo_import_lists_every_problem_and_exits_1_or_imports_all_with_progress(tmp_path):
    from web.cli import make_cli
    from web.tenancy import open_pmo

    url = f"sqlite:///{tmp_path}/pmo.sqlite"
    runner = CliRunner()

    def run(*args):
        return runner.invoke(make_cli(entry_points=False), ["--store", url, *args], catch_exceptions=False)

    bad = tmp_path / "actions.csv"
    bad.write_text("Action,Owner,Due date,Project\nBook the room,pia,2026-03-01,\nChase,,soon,P-9\n")
    result = run("--as", "saga", "import", "actions", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-4:] == [
        "actions.csv: row 3, owner: required: this cell is empty",
        "actions.csv: row 3, due_date: 'soon' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31",
        "actions.csv: row 3, project: no project with code 'P-9'",
        "Error: 3 problems in actions.csv: nothing was imported. Correct the file and check it again."]

    good = tmp_path / "portfolio.xlsx"
    good.write_bytes(portfolio_xlsx(12))
    checked = run("--as", "saga", "import", "projects", str(good), "--map", "Programme=", "--dry-run")
    assert checked.exit_code == 0 and "Nothing is imported yet" in checked.stdout
    done = run("--as", "saga", "import", "projects", str(good), "--map", "Programme=", "--reason", "migration")
    assert done.exit_code == 0, done.stderr
    assert "Imported 12 projects from portfolio.xlsx" in done.stdout
    assert "Checking 12 rows" in done.stderr and "not imported: Programme, Budget (kEUR)" in done.stderr
    pmo = open_pmo(url, entry_points=False)
    try:
        assert len(queries.list_projects(pmo)) == 12
        log = pmo.log_index.table
        with pmo.read() as conn:
            who = set(conn.execute(log.select().with_only_columns(log.c.actor, log.c.reason)
                                   .where(log.c.topic.like("core.Project.%"))).all())
        assert who == {("saga", "Imported from portfolio.xlsx: migration")}
    finally:
        pmo.close()
