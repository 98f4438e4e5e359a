"""The ``pmo`` command line, run as a user would, on a SQLite store in a temporary folder."""
from __future__ import annotations

from datetime import date

import click
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from core import queries
from core.hookspecs import hookimpl
from core.services.users import hash_token
from web.cli import make_cli
from web.tenancy import open_pmo


@pytest.fixture
def store(tmp_path):
    return f"sqlite:///{tmp_path}/pmo.sqlite"


@pytest.fixture
def pmo_cli(store):
    """``pmo_cli("users", "list")`` runs ``pmo --store <tmp> users list``."""
    cli = make_cli(entry_points=False)
    runner = CliRunner()

    def run(*args, input=None, cli=cli):
        return runner.invoke(cli, ["--store", store, *args], input=input)

    return run


def opened(store):
    return open_pmo(store, entry_points=False)


def log(store) -> list[dict]:
    pmo = opened(store)
    try:
        table = pmo.log_index.table
        with pmo.read() as conn:
            return [dict(r) for r in conn.execute(sa.select(table).order_by(table.c.position)).mappings()]
    finally:
        pmo.close()


def assert_one_line_error(result, text: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert text in result.stderr


def test_init_creates_the_store_and_establishes_the_portfolio_once(pmo_cli, store):
    first = pmo_cli("init", "--portfolio", "Eksund portfolio", "--as", "tove")
    assert first.exit_code == 0, first.output
    assert "Portfolio 'Eksund portfolio' established" in first.output
    again = pmo_cli("init")
    assert again.exit_code == 0 and "established" not in again.output
    (event,) = log(store)
    assert (event["topic"], event["actor"], event["reason"]) == ("core.Portfolio.Established", "tove", "pmo init")


def test_users_create_list_set_role_and_the_ledger_records_who_and_why(pmo_cli, store):
    created = pmo_cli("users", "create", "Saga", "--role", "pmo", "--password", "s3cret-pw",
                      "--name", "Saga Bergqvist", "--email", "saga@example.org",
                      "--as", "tove", "--reason", "new PMO lead")
    assert created.exit_code == 0, created.output
    # Without --password the password is asked for, twice.
    prompted = pmo_cli("users", "create", "joris", "--role", "viewer", input="another-pw\nanother-pw\n")
    assert prompted.exit_code == 0, prompted.output
    assert pmo_cli("--reason", "joins the programme", "users", "set-role", "joris", "manager").exit_code == 0
    listing = pmo_cli("users", "list")
    assert listing.exit_code == 0
    lines = {line.split()[0]: line.split() for line in listing.output.splitlines()[2:]}
    assert lines["saga"][:2] == ["saga", "pmo"] and lines["joris"][:2] == ["joris", "manager"]
    events = log(store)
    assert [(e["topic"], e["actor"], e["reason"]) for e in events] == [
        ("core.User.Created", "tove", "new PMO lead"),
        ("core.User.Created", events[1]["actor"], "pmo users create"),
        ("core.User.RoleChanged", events[1]["actor"], "joins the programme"),
    ]
    assert events[1]["actor"]  # the OS user (or 'cli')


def test_bad_input_is_one_line_on_stderr_and_a_failing_exit(pmo_cli):
    assert_one_line_error(pmo_cli("users", "create", "bob", "--role", "boss", "--password", "long-enough"),
                          "role must be one of admin, pmo, manager, viewer, auditor")
    assert_one_line_error(pmo_cli("users", "create", "bob", "--role", "viewer", "--password", "short"),
                          "at least 8 characters")
    pmo_cli("users", "create", "bob", "--role", "viewer", "--password", "long-enough")
    assert_one_line_error(pmo_cli("users", "create", "bob", "--role", "viewer", "--password", "long-enough"),
                          "already exists")
    assert_one_line_error(pmo_cli("users", "set-role", "nobody", "admin"), "no user 'nobody'")
    assert_one_line_error(pmo_cli("plugins", "enable", "nope", "--reason", "try"), "no plugin named 'nope'")
    assert_one_line_error(pmo_cli("plugins", "enable", "nope"), "--reason")
    assert_one_line_error(pmo_cli("users", "create", "bob", "--password", "long-enough"),
                          "Missing option '--role'. (see 'pmo users create --help')")
    bad_store = CliRunner().invoke(make_cli(entry_points=False), ["--store", "mysql://x", "users", "list"])
    assert_one_line_error(bad_store, "unknown PMO_STORE")


def test_a_token_is_printed_once_and_signs_in_its_user(pmo_cli, store):
    pmo_cli("users", "create", "robot", "--role", "viewer", "--password", "long-enough")
    result = pmo_cli("users", "token", "robot", "--label", "nightly export")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("pmo_") and "\n" not in token
    assert "shown only this once" in result.stderr
    pmo = opened(store)
    try:
        assert queries.user_by_token_hash(pmo, hash_token(token))["username"] == "robot"
        (stored,) = queries.list_tokens(pmo, queries.get_user(pmo, "robot")["id"])
        assert stored["label"] == "nightly export"
    finally:
        pmo.close()
    assert token not in "".join(str(e) for e in log(store)), "only the hash reaches the ledger"


def read_everything(store) -> dict:
    """What the pages would show, through core.queries."""
    pmo = opened(store)
    today = date(2025, 6, 30)
    try:
        projects = queries.list_projects(pmo)
        dashboard = queries.dashboard(pmo, today=today)
        return {
            "portfolio": queries.portfolio(pmo),
            "programmes": queries.list_programmes(pmo),
            "projects": projects,
            "stages": [queries.stage_history(pmo, p["id"]) for p in projects],
            "reports": queries.list_status_reports(pmo),
            "milestones": queries.list_milestones(pmo),
            "decisions": queries.list_decisions(pmo),
            "actions": queries.list_actions(pmo, today=today),
            "users": queries.list_users(pmo),
            "dashboard": {k: dashboard[k] for k in ("by_stage", "rag", "overdue_actions")},
            "as_of_position_100": queries.list_projects(pmo, at=100),
        }
    finally:
        pmo.close()


def test_projections_rebuild_restores_the_read_models_after_the_tables_are_dropped(pmo_cli, store):
    assert pmo_cli("demo", "--today", "2025-06-30").exit_code == 0
    before = read_everything(store)
    assert len(before["projects"]) == 21

    # Someone drops every read-model table; the ledger and the tracking positions stay.
    pmo = opened(store)
    tables = [t for p in pmo.runner.projections.values() for t in p.metadata.sorted_tables]
    projection_count = len(pmo.runner.projections)
    pmo.close()
    engine = sa.create_engine(store)
    with engine.begin() as conn:
        for table in tables:
            conn.execute(sa.text(f'DROP TABLE "{table.name}"'))
    engine.dispose()
    assert read_everything(store)["projects"] == [], "empty tables until the rebuild"

    result = pmo_cli("projections", "rebuild")
    assert result.exit_code == 0, result.output
    assert f"Rebuilt {projection_count} projections from" in result.output
    assert read_everything(store) == before

    status = pmo_cli("projections", "status")
    assert status.exit_code == 0
    rows = {line.split()[0]: line.split() for line in status.output.splitlines()[3:]}
    assert rows["core"][3] == "0" and rows["log_index"][3] == "0"


def test_demo_loads_once_and_prints_its_users(pmo_cli, store):
    result = pmo_cli("demo", "--today", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "Demo loaded" in result.output
    assert "saga-demo" in result.output and "pieter" in result.output
    again = pmo_cli("demo")
    assert again.exit_code == 0 and "already loaded" in again.stderr and "saga-demo" in again.output
    refused = pmo_cli("demo", "--force")
    assert_one_line_error(refused, "needs an empty store")


def test_demo_does_not_write_into_a_store_with_other_data(pmo_cli, store):
    pmo_cli("init")
    skipped = pmo_cli("demo")
    assert skipped.exit_code == 0 and "Demo not loaded" in skipped.stderr
    assert_one_line_error(pmo_cli("demo", "--force"), "needs an empty store")
    assert len(log(store)) == 1


class HelloPlugin:
    """A plugin that adds a command through the register_commands hook."""

    @hookimpl
    def plugin_info(self):
        return {"name": "hello", "title": "Hello", "maturity_level": 2, "domain": "project"}

    @hookimpl
    def register_commands(self, cli):
        @cli.command("hello")
        @click.argument("code")
        @click.pass_obj
        def hello(obj, code):
            """Register a project (plugin command)."""
            from core.services.projects import register_project

            with obj.command("said hello") as pmo:
                register_project(pmo, code, "Hello project")
            click.echo(f"hello {code}")


def test_plugins_list_enable_disable_and_plugin_commands(store):
    cli = make_cli(extra_plugins=(HelloPlugin(),), entry_points=False)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--store", store, "--as", "tove", *args])

    listing = run("plugins", "list")
    assert listing.exit_code == 0, listing.output
    def hello_row(output: str) -> list[str]:
        return next(line.split() for line in output.splitlines() if line.startswith("hello "))[:5]

    # name, version (none: an inline plugin no package ships), level, domain, state
    assert hello_row(listing.output) == ["hello", "-", "2", "project", "disabled"]
    assert run("plugins", "enable", "hello", "--reason", "trying it out").exit_code == 0
    assert hello_row(run("plugins", "list").output) == ["hello", "-", "2", "project", "enabled"]
    assert run("plugins", "disable", "hello", "--reason", "not needed").exit_code == 0
    assert "hello" in run("--help").output
    said = run("hello", "P-HI")
    assert said.exit_code == 0 and said.output.strip() == "hello P-HI"
    events = log(store)
    assert [(e["topic"], e["actor"], e["reason"]) for e in events][-3:] == [
        ("core.Settings.PluginEnabled", "tove", "trying it out"),
        ("core.Settings.PluginDisabled", "tove", "not needed"),
        ("core.Project.Registered", "tove", "said hello"),
    ]


def test_the_console_script_entry_point_is_the_group():
    from importlib.metadata import entry_points

    from web import cli

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "pmo"]
    assert script.value == "web.cli:main"
    assert isinstance(cli.main, click.Group)
