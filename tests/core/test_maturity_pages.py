"""The self-assessment as an admin meets it: the maturity page and form, the API, the CLI."""
from click.testing import CliRunner

from core.services import users
from events.context import command_context
from tests.conftest import auth, close_app, csrf_token_from, login, make_app

SPREADSHEET_PMO = {"status_reporting": "monthly", "risks": "spreadsheet"}


def test_an_admin_assesses_the_pmo_on_the_page_and_sees_what_to_enable_next():
    app = make_app()
    try:
        with app.app_context(), command_context("setup", "fixture"):
            from core.services import portfolio
            from web.tenancy import current_pmo

            pmo = current_pmo()
            portfolio.establish_portfolio(pmo, "Eksund change portfolio")
            users.create_user(pmo, "ann", "password-ann", "admin")
            users.create_user(pmo, "vic", "password-vic", "viewer")
        viewer = app.test_client()
        login(viewer, "vic", "password-vic")
        page = viewer.get("/maturity").get_data(as_text=True)
        assert "No self-assessment yet" in page and "Take the self-assessment" not in page
        assert viewer.get("/maturity/assess").status_code == 403

        admin = app.test_client()
        login(admin, "ann", "password-ann")
        form = admin.get("/maturity/assess").get_data(as_text=True)
        assert "How do you keep track of risks?" in form and "Eksund change portfolio" in form
        csrf, before = csrf_token_from(form), pmo.ledger.max_position()
        empty = admin.post("/maturity/assess", data={"csrf_token": csrf})
        assert empty.status_code == 422 and "answer at least one question" in empty.get_data(as_text=True)
        assert pmo.ledger.max_position() == before  # nothing written

        # "We report status monthly and track risks in a spreadsheet."
        done = admin.post("/maturity/assess", data={**SPREADSHEET_PMO, "reason": "our first look", "csrf_token": csrf})
        assert done.status_code == 303 and done.headers["Location"].endswith("/maturity")
        page = admin.get("/maturity").get_data(as_text=True)
        assert "Maturity profile recorded: project 2, programme not assessed, portfolio not assessed." in page
        assert "Level 2</span> <strong>Repeatable" in page and "Level 3 · Defined would add" in page
        assert "What to enable next" in page and "Risk register" in page
        assert "You answered: “In a spreadsheet or a document per project”" in page
        assert 'href="/admin/plugins/risk/enable"' in page
        assert '<svg class="chart level-history"' in page and "our first look" in page
        # The form opens with the answers given last time.
        assert 'checked id="risks-1" name="risks" type="radio" value="spreadsheet"' in admin.get("/maturity/assess").get_data(as_text=True)
        # As of a day before any assessment, the page says so.
        assert "had been recorded by then" in admin.get("/maturity?as_of=2001-01-01").get_data(as_text=True)
    finally:
        close_app(app)


def test_the_api_records_assessments_and_answers_profile_history_and_model(app, people):
    api = app.test_client(use_cookies=False)
    admin, viewer = auth(people["admin"]["token"]), auth(people["viewer"]["token"])
    fresh = api.get("/api/maturity", headers=viewer).get_json()
    assert fresh["assessed"] is False and fresh["levels"] == {"project": None, "programme": None, "portfolio": None}

    bad = api.post("/api/maturity/assessments", json={"answers": {"risks": "excel"}}, headers=admin)
    assert bad.status_code == 422 and list(bad.get_json()["errors"]) == ["risks"]
    assert api.post("/api/maturity/assessments", json={"answers": SPREADSHEET_PMO},
                    headers=viewer).status_code == 403
    made = api.post("/api/maturity/assessments", json={"answers": SPREADSHEET_PMO, "reason": "first look"},
                    headers=admin)
    assert made.status_code == 201
    profile = made.get_json()
    assert profile["levels"]["project"] == 2 and profile["latest"]["reason"] == "first look"
    assert profile["recommendations"][0]["plugin"] == "risk" and profile["recommendations"][0]["reasons"]

    api.post("/api/maturity/assessments", json={"answers": {**SPREADSHEET_PMO, "risks": "register"}}, headers=admin)
    history = api.get("/api/maturity/history", headers=viewer).get_json()
    assert [h["answers"]["risks"] for h in history] == ["spreadsheet", "register"]
    then = api.get("/api/maturity?as_of=2001-01-01", headers=viewer)
    assert then.get_json()["assessed"] is False and then.headers["X-As-Of-Position"] == "0"
    model = api.get("/api/maturity/model", headers=viewer).get_json()
    assert model["domains"] == ["project", "programme", "portfolio"] and len(model["questions"]) == 15


def test_the_cli_asks_the_questions_records_the_profile_and_shows_it(tmp_path):
    from web.cli import make_cli

    cli, store = make_cli(entry_points=False), f"sqlite:///{tmp_path}/pmo.sqlite"
    runner = CliRunner()
    # Asked one by one: 2 = monthly, 2 = spreadsheet, then '-' skips the other thirteen.
    answers = "2\n2\n" + "-\n" * 13
    asked = runner.invoke(cli, ["--store", store, "--as", "tove", "maturity", "assess", "--reason", "first"],
                          input=answers)
    assert asked.exit_code == 0, asked.output
    assert "Maturity profile recorded: project 2, programme -, portfolio -." in asked.stdout
    assert "risk: Risk register, level 2 project" in asked.stdout
    assert "pmo plugins enable risk --reason" in asked.stdout

    again = runner.invoke(cli, ["--store", store, "--as", "tove", "maturity", "assess", "--answer", "risks=register",
                                "--answer", "status_reporting=standard", "--reason", "a year on"])
    assert again.exit_code == 0 and "project 3" in again.stdout
    shown = runner.invoke(cli, ["--store", store, "maturity", "show"])
    rows = [line.split() for line in shown.stdout.splitlines()[2:4]]
    assert [row[3:6] for row in rows] == [["2", "-", "-"], ["3", "-", "-"]]
    assert "Project management: level 3 (Defined); level 4 (Managed)" in shown.stdout
    bad = runner.invoke(cli, ["--store", store, "--as", "tove", "maturity", "assess", "--answer", "risks",
                              "--reason", "x"])
    assert bad.exit_code == 1 and "write QUESTION=OPTION" in bad.stderr
