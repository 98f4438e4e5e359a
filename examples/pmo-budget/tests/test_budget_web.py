"""The plugin as a user meets it: installed with pip, listed, enabled by an admin; then its
page, forms, API, CLI command and the panels it adds to the core's pages."""
from datetime import date

from click.testing import CliRunner

from budget_testing import as_user, bearer, make_app, signed_in, the_pmo
from core.plugins import make_plugin_manager, plugin_infos
from core.services import plugins, reporting


def test_pip_install_makes_it_discoverable_and_enabling_adds_its_page_and_api(tmp_path):
    # Found through the `pmo.plugins` entry point, with the version of its package.
    info = plugin_infos(make_plugin_manager(entry_points=True))["budget"]
    assert (info.version, info.maturity_level, info.domain) == ("0.1.0", 3, "portfolio")

    from web.cli import make_cli

    store = f"sqlite:///{tmp_path}/pmo.sqlite"
    cli, runner = make_cli(), CliRunner()
    listing = runner.invoke(cli, ["--store", store, "plugins", "list"])
    row = next(line.split() for line in listing.output.splitlines() if line.startswith("budget "))
    assert row[:5] == ["budget", "0.1.0", "3", "portfolio", "disabled"]

    app = make_app()
    with as_user("setup"):
        from core.services import users

        users.create_user(the_pmo(app), "admin", "admin-password", "admin")
    app.config["TOKENS"] = {}
    client, csrf = signed_in(app, "admin")
    page = client.get("/budget/")
    assert page.status_code == 404 and "plugin is disabled" in page.get_data(as_text=True)
    assert "/api/budgets" in client.get("/api/openapi.json").get_json()["paths"]

    answer = client.post("/admin/plugins/budget/enable", data={"reason": "budgets out of spreadsheets",
                                                               "csrf_token": csrf})
    assert answer.status_code == 303
    flashed = client.get("/admin/plugins").get_data(as_text=True)
    assert "Budget vs actuals is enabled. Its read models were built from" in flashed
    assert client.get("/budget/").status_code == 200
    assert client.get("/api/budgets").status_code == 200


def test_a_manager_budgets_their_project_on_the_pages(app, pmo):
    client, csrf = signed_in(app, "manager")
    p1, p2 = app.config["P1"], app.config["P2"]
    assert client.get(f"/budget/{p2}/set").status_code == 403  # someone else's project
    refused = client.post(f"/budget/{p1}/set", data={"amount": "-5", "currency": "EUR", "csrf_token": csrf})
    assert refused.status_code == 422
    saved = client.post(f"/budget/{p1}/set", data={"amount": "50000", "currency": "eur", "reason": "gate 2",
                                                   "csrf_token": csrf})
    assert saved.status_code == 303
    cost = client.post(f"/budget/{p1}/costs/new", data={"amount": "48000", "incurred_on": "2026-03-31",
                                                        "description": "Supplier <b>invoice</b>", "csrf_token": csrf})
    assert cost.status_code == 303
    page = client.get(f"/budget/{p1}").get_data(as_text=True)
    assert "50,000 EUR" in page and "Supplier &lt;b&gt;invoice&lt;/b&gt;" in page
    register = client.get("/budget/").get_data(as_text=True)
    assert "96%" in register and "Kiosk" in register

    # The core's pages show what the plugin adds: a panel, a dashboard widget, a report hint.
    assert "48,000 spent (96%)" in client.get("/projects/P-1").get_data(as_text=True)
    assert "Budget vs actuals" in client.get("/").get_data(as_text=True)
    project = {"id": p1}
    assert pmo.hook("status_report_hints")(pmo=pmo, project=project, as_of=None) == [[{
        "rag": "amber", "reasons": ["Budget: 48,000 of the 50,000 EUR budget is spent (96%)."]}]]
    sections = pmo.hook("report_sections")(pmo=pmo, project=project, report={}, as_of=None)
    assert "50,000 EUR budget" in str(sections[0][0]["html"])
    # Viewers read; they change nothing.
    viewer, viewer_csrf = signed_in(app, "viewer")
    assert viewer.get("/budget/").status_code == 200
    assert viewer.post(f"/budget/{p1}/costs/new", data={"amount": "1", "incurred_on": "2026-03-31",
                                                        "description": "x", "csrf_token": viewer_csrf}).status_code == 403


def test_the_api_sets_budgets_with_if_match_and_records_costs(app, pmo):
    client = app.test_client(use_cookies=False)
    admin, p1 = bearer(app, "admin"), app.config["P1"]
    first = client.put(f"/api/budgets/{p1}", json={"amount": 80_000, "reason": "approved"}, headers=admin)
    assert first.status_code == 200 and first.headers["ETag"] == '"1"' and first.get_json()["currency"] == "EUR"
    stale = client.put(f"/api/budgets/{p1}", json={"amount": 90_000}, headers={**admin, "If-Match": '"0"'})
    assert stale.status_code == 409 and stale.get_json()["current_version"] == 1
    bad = client.post(f"/api/budgets/{p1}/costs", json={"amount": 0, "incurred_on": "2026-01-31",
                                                         "description": "nothing"}, headers=admin)
    assert bad.status_code == 422 and "amount" in bad.get_json()["errors"]
    cost = client.post(f"/api/budgets/{p1}/costs", json={"amount": 81_000, "incurred_on": "2026-01-31",
                                                          "description": "Everything"}, headers=admin)
    assert cost.status_code == 201 and cost.get_json()["status"] == "over"
    assert client.get(f"/api/budgets/{p1}/costs", headers=admin).get_json()[0]["amount"] == 81_000
    viewer = bearer(app, "viewer")
    assert client.put(f"/api/budgets/{p1}", json={"amount": 1}, headers=viewer).status_code == 403
    before = client.get("/api/budgets?as_of=2000-01-01", headers=viewer)
    assert before.get_json() == [] and before.headers["X-As-Of-Position"] == "0"


def test_the_cli_sets_budgets_records_costs_and_lists_them(tmp_path):
    from web.cli import make_cli

    store = f"sqlite:///{tmp_path}/pmo.sqlite"
    cli, runner = make_cli(), CliRunner()

    def pmo_cli(*args):
        result = runner.invoke(cli, ["--store", store, "--as", "pia", *args])
        assert result.exit_code == 0, result.output
        return result.output

    pmo_cli("init")
    with as_user("pia"):
        from web.tenancy import open_pmo

        unit = open_pmo(store)
        from core.services.projects import register_project

        project = register_project(unit, "P-9", "Archive")
        reporting.submit_status_report(unit, project.id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                       overall="green", schedule="green", cost="amber", scope="green", progress_pct=5)
        plugins.enable_plugin(unit, "budget")
        unit.close()
    assert "Budget of P-9: 20,000 EUR." in pmo_cli("budget", "set", "P-9", "20000", "--reason", "approved")
    assert "spent 5,000 of 20,000 EUR" in pmo_cli("budget", "cost", "P-9", "5000", "--on", "2026-02-01",
                                                   "--description", "Scanning")
    listing = pmo_cli("budget", "list")
    assert "P-9" in listing and "(25%, within)" in listing and "cost amber" in listing
    refused = runner.invoke(cli, ["--store", store, "budget", "cost", "NOPE", "5", "--description", "x"])
    assert refused.exit_code == 1 and "no project 'NOPE'" in refused.output
