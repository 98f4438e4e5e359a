"""Every hook has a docstring and a test; the sample plugin implements them all."""
import inspect
from datetime import date

import click

from core import hookspecs
from core.plugins import make_plugin_manager, plugin_infos
from events.context import command_context
from tests import sample_plugin
from tests.conftest import login, make_app

HOOKS = [name for name, f in vars(hookspecs).items()
         if inspect.isfunction(f) and hasattr(f, "pmo_spec")]


def test_every_hook_has_a_docstring_and_a_test_here():
    source = open(__file__).read()
    assert HOOKS
    for name in HOOKS:
        assert getattr(hookspecs, name).__doc__, name
        assert f"def test_hook_{name}" in source, f"no test for hook {name}"


def test_plugin_manager_accepts_the_sample_plugin_and_has_no_unknown_hooks():
    pm = make_plugin_manager([sample_plugin], entry_points=False)
    pm.check_pending()
    assert sorted(impl.plugin_name for impl in pm.hook.plugin_info.get_hookimpls())


def _app_with_notes(enabled=True):
    app = make_app(PMO_EXTRA_PLUGINS=[sample_plugin])
    with app.app_context():
        from core.services import plugins, projects, users
        from web.tenancy import current_pmo

        pmo = current_pmo()
        with command_context("setup"):
            users.create_user(pmo, "ann", "password-ann", "admin")
            project = projects.register_project(pmo, code="P-1", name="Intranet")
            if enabled:
                plugins.enable_plugin(pmo, "notes")
    return app, project


def test_hook_plugin_info():
    infos = plugin_infos(make_plugin_manager([sample_plugin], entry_points=False))
    assert infos["notes"].title == "Project notes" and infos["notes"].maturity_level == 1


def test_hook_register_aggregates(pmo):
    app, _ = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        assert sample_plugin.Note in current_pmo().aggregates


def test_hook_register_projections():
    app, project = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        with command_context("ann"):
            sample_plugin.write_note(pmo, project.id, "Steering group met")
        assert pmo.runner.positions()["notes"] == pmo.ledger.max_position()
        assert [n["text"] for n in sample_plugin.list_notes(pmo)] == ["Steering group met"]


def test_hook_register_services():
    app, _ = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        assert current_pmo().plugin_services["notes"]["write_note"] is sample_plugin.write_note


def test_hook_register_blueprints():
    app, _ = _app_with_notes()
    client = app.test_client()
    login(client, "ann", "password-ann")
    assert client.get("/notes/").status_code == 200
    assert client.get("/api/notes/").status_code == 200
    assert "/api/notes/" in client.get("/api/openapi.json").get_json()["paths"]


def test_hook_nav_links():
    app, _ = _app_with_notes()
    client = app.test_client()
    login(client, "ann", "password-ann")
    assert 'href="/notes/"' in client.get("/").get_data(as_text=True)


def test_hook_project_panels():
    app, project = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        with command_context("ann"):
            sample_plugin.write_note(pmo, project.id, "<b>bold</b> claim")
        panels = pmo.hook("project_panels")(pmo=pmo, project={"id": project.id}, as_of=None)
        html = str(panels[0][0]["html"])
        assert "&lt;b&gt;bold&lt;/b&gt; claim" in html


def test_hook_status_report_hints():
    app, project = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        row = {"id": project.id}
        assert pmo.hook("status_report_hints")(pmo=pmo, project=row, as_of=None) == [[]]
        with command_context("ann"):
            sample_plugin.write_note(pmo, project.id, "Supplier is late again")
        hints = pmo.hook("status_report_hints")(pmo=pmo, project=row, as_of=None)
        assert hints == [[{"rag": "amber", "reasons": ["a note says something is late"]}]]


def test_hook_report_sections():
    app, project = _app_with_notes()
    with app.app_context():
        from core.services import reporting
        from web.tenancy import current_pmo

        pmo = current_pmo()
        with command_context("ann"):
            sample_plugin.write_note(pmo, project.id, "<i>Board</i> asked for a demo")
            report = reporting.submit_status_report(
                pmo, project.id, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                overall="green", schedule="green", cost="green", scope="green")
    client = app.test_client()
    login(client, "ann", "password-ann")
    page = client.get(f"/reports/{report.id}/print").get_data(as_text=True)
    assert "<h2>Notes</h2>" in page and "<li>&lt;i&gt;Board&lt;/i&gt; asked for a demo</li>" in page


def test_hook_dashboard_widgets():
    app, _ = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        widgets = pmo.hook("dashboard_widgets")(pmo=pmo, as_of=None)
        assert widgets[0][0]["title"] == "Notes"


def test_hook_register_commands():
    group = click.Group("pmo")
    pm = make_plugin_manager([sample_plugin], entry_points=False)
    pm.hook.register_commands(cli=group)
    assert "notes-count" in group.commands


def test_hook_demo_data():
    app, project = _app_with_notes()
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        with command_context("demo"):
            pmo.hook("demo_data")(pmo=pmo, today=date(2026, 11, 23))
        assert [n["text"] for n in sample_plugin.list_notes(pmo)] == ["Kick-off held for Intranet"]


def test_hook_stage_change_guard(pmo):
    """An enabled plugin refuses a stage change with a message (nothing is written); a process
    naming itself through ``via`` is let through by the same guard."""
    import pytest

    from core.domain.errors import NotAllowedError
    from core.hookspecs import hookimpl
    from core.services import projects

    class NoClosingWithoutSignOff:
        @hookimpl
        def stage_change_guard(self, pmo, project, to_stage, via):
            return None if to_stage != "closed" or via == "sign-off" else f"{project.code} needs the sign-off"

    pmo.pm.register(NoClosingWithoutSignOff())
    with command_context("pia"):
        project = projects.register_project(pmo, "P-1", "Intranet")
        for stage in ("proposed", "approved", "active"):
            projects.move_project_to_stage(pmo, project.id, stage, "gate")
        head = pmo.ledger.max_position()
        with pytest.raises(NotAllowedError, match="P-1 needs the sign-off") as refused:
            projects.move_project_to_stage(pmo, project.id, "closed", "done")
        assert refused.value.field == "stage" and pmo.ledger.max_position() == head
        assert projects.move_project_to_stage(pmo, project.id, "closed", "done", via="sign-off").stage == "closed"


def test_hook_import_kinds(pmo):
    """A plugin's kind is imported by the core like its own: checked, then one save; a name
    that repeats another kind's is refused."""
    import pytest

    from core import queries
    from core.hookspecs import hookimpl
    from core.importing import KINDS, Kind, import_file, kinds
    from core.importing.columns import Field
    from core.importing.schemas import RowSchema, Text
    from core.services.logs import new_action

    class TodoRow(RowSchema):
        todo = Text(required=True)

    todos = Kind("todos", "todo", (Field("todo", "To do", True),), TodoRow, lambda r: (r["todo"],), "todo",
                 lambda pmo: None, lambda row, lookups: [],
                 lambda pmo, row, lookups, filename: new_action(pmo, row["todo"], "ann", None, None, "", "normal"))

    class Todos:
        @hookimpl
        def import_kinds(self):
            return [todos]

    pmo.pm.register(Todos())
    assert list(kinds(pmo)) == [*KINDS, "todos"]
    with command_context("ann"):
        report = import_file(pmo, "todos", b"To do\nBook the room\nSend the agenda\n", "todo.csv", dry_run=False)
    assert report.ok and report.imported == 2
    assert sorted(a["title"] for a in queries.list_actions(pmo)) == ["Book the room", "Send the agenda"]

    class Clash:
        @hookimpl
        def import_kinds(self):
            return [KINDS["projects"]]

    pmo.pm.register(Clash())
    with pytest.raises(RuntimeError, match="two import kinds are named 'projects'"):
        kinds(pmo)
