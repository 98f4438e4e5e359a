"""Enabling a plugin builds its read models from the whole ledger, with progress: a plugin
switched on today shows what was recorded years before, as of those dates too."""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from click.testing import CliRunner

from core.asof import position_at
from core.services import plugins, projects
from events.context import command_context
from events.temporal import visible
from tests import sample_plugin
from tests.conftest import auth, close_app, csrf_token_from, login, make_app
from web.tenancy import open_pmo

LAST_YEAR = datetime(2024, 4, 2, 9, tzinfo=timezone.utc)


def backdated(moment: datetime, actor: str = "pia", reason: str = ""):
    return command_context(actor, reason, occurred_at=moment)


def test_a_plugin_enabled_today_shows_last_years_rows_as_of_last_year_with_progress():
    pmo = open_pmo("memory://", extra_plugins=(sample_plugin,), entry_points=False)
    with backdated(LAST_YEAR):
        project = projects.register_project(pmo, "P-1", "Intranet")
        sample_plugin.write_note(pmo, project.id, "Kick-off held")  # the plugin was installed, not enabled
    with backdated(LAST_YEAR.replace(month=9)):
        sample_plugin.write_note(pmo, project.id, "Pilot went live")
    assert pmo.runner.positions()["notes"] == 0

    reported = []
    with command_context("tove", "we want the notes after all"):
        change = plugins.enable_plugin(pmo, "notes", progress=lambda done, total: reported.append((done, total)))
    head = pmo.ledger.max_position()
    assert change.events_read == head and reported[-1] == (head, head)

    def notes_as_of(moment: datetime) -> list[str]:
        at = position_at(pmo, moment)
        with pmo.read() as conn:
            table = sample_plugin.notes
            return conn.execute(sa.select(table.c.text).where(visible(table, at)).order_by(table.c.valid_from)
                                ).scalars().all()

    assert notes_as_of(datetime(2024, 6, 30, tzinfo=timezone.utc)) == ["Kick-off held"]
    assert notes_as_of(datetime(2024, 12, 31, tzinfo=timezone.utc)) == ["Kick-off held", "Pilot went live"]
    assert notes_as_of(datetime(2024, 1, 1, tzinfo=timezone.utc)) == []
    pmo.close()


def test_the_risk_register_enabled_today_answers_as_of_dates_before_it_was_enabled():
    from core.services import users
    from plugins.risk import services as risk
    from web.tenancy import current_pmo

    app = make_app()
    try:
        with app.app_context():
            pmo = current_pmo()
            with backdated(LAST_YEAR, reason="last year's register, imported from the spreadsheet"):
                project = projects.register_project(pmo, "P-1", "Intranet")
                risk.identify_risk(pmo, "Supplier fails", "pia", scope="project", project_id=project.id,
                                   probability=4, impact=4)
            with command_context("setup"):
                admin = users.create_user(pmo, "ann", "password-ann", "admin")
                token = users.issue_token(pmo, admin.id, "t")[1]
        client = app.test_client()
        login(client, "ann", "password-ann")
        csrf = csrf_token_from(client.get("/admin/plugins/risk/enable").get_data(as_text=True))
        answer = client.post("/admin/plugins/risk/enable", data={"reason": "risks out of the spreadsheet",
                                                                 "csrf_token": csrf})
        assert answer.status_code == 303
        assert "Its read models were built from" in client.get("/admin/plugins").get_data(as_text=True)

        api = app.test_client(use_cookies=False)
        then = api.get("/api/risks?as_of=2024-12-31", headers=auth(token)).get_json()
        assert [r["title"] for r in then] == ["Supplier fails"]
        assert api.get("/api/risks?as_of=2024-03-01", headers=auth(token)).get_json() == []
        page = client.get("/risks/?as_of=2024-12-31").get_data(as_text=True)
        assert "Supplier fails" in page
    finally:
        close_app(app)


def test_pmo_plugins_enable_shows_a_progress_bar_and_how_much_history_it_read(tmp_path):
    from web.cli import make_cli

    store = f"sqlite:///{tmp_path}/pmo.sqlite"
    pmo = open_pmo(store, entry_points=False)
    with backdated(LAST_YEAR):
        for n in range(30):
            projects.register_project(pmo, f"P-{n}", f"Project {n}", start_date=date(2024, 1, 1))
    head = pmo.ledger.max_position()
    pmo.close()

    result = CliRunner().invoke(make_cli(entry_points=False),
                                ["--store", store, "--as", "tove", "plugins", "enable", "risk", "--reason", "now"])
    assert result.exit_code == 0, result.output
    assert "Building risk's read models" in result.stderr
    assert f"Plugin risk enabled; its read models were built from {head + 2} ledger records." in result.stdout
