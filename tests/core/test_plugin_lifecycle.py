"""Enabling and disabling a plugin: an admin's decision in the ledger; data is never lost."""
import pytest
import sqlalchemy as sa

from core import queries
from core.domain.errors import NotAllowedError, ValidationError
from core.projections import plugin_states
from core.services import plugins, projects, users
from events.temporal import visible
from events.context import command_context
from tests import sample_plugin
from tests.conftest import auth, make_app


@pytest.fixture
def app():
    app = make_app(PMO_EXTRA_PLUGINS=[sample_plugin])
    with app.app_context():
        from web.tenancy import current_pmo

        pmo = current_pmo()
        with command_context("setup"):
            users.create_user(pmo, "ann", "password-ann", "admin")
            _, token = users.issue_token(pmo, users.User.create_id("ann"), "t")
            project = projects.register_project(pmo, code="P-1", name="Intranet")
        app.config["token"], app.config["project_id"] = token, project.id
    return app


def pmo_of(app):
    from web.tenancy import current_pmo

    return current_pmo()


def test_disabled_plugin_says_so_and_enabling_brings_its_data_back(app):
    client = app.test_client()
    headers = auth(app.config["token"])
    with app.app_context():
        pmo = pmo_of(app)
        # The plugin is installed but not enabled: its page and API say it is disabled.
        page = client.get("/notes/", headers=headers)
        assert page.status_code == 404 and "Project notes plugin is disabled" in page.get_data(as_text=True)
        api = client.get("/api/notes/", headers=headers)
        assert api.status_code == 404 and api.content_type == "application/problem+json"
        assert "disabled" in api.get_json()["detail"]

        # The admin enables it, with a reason kept in the ledger, and a note is written.
        with command_context("ann", "PMO maturity review: start keeping notes"):
            plugins.enable_plugin(pmo, "notes")
            sample_plugin.write_note(pmo, app.config["project_id"], "Sponsor wants a demo")
        assert client.get("/api/notes/", headers=headers).get_json()[0]["text"] == "Sponsor wants a demo"

        # Disabled again: hidden, but its events stay in the ledger.
        with command_context("ann", "not used"):
            plugins.disable_plugin(pmo, "notes")
        assert client.get("/notes/", headers=headers).status_code == 404
        assert "notes.Note.Written" in [e["topic"] for e in queries.entity_history(
            pmo, sample_plugin.list_notes(pmo)[0]["id"])]

        # Enabled once more: the data is back.
        with command_context("ann", "needed after all"):
            plugins.enable_plugin(pmo, "notes")
        assert "Sponsor wants a demo" in client.get("/notes/", headers=headers).get_data(as_text=True)
        with pmo.read() as conn:
            state = conn.execute(sa.select(plugin_states).where(visible(plugin_states))).mappings().one()
        assert (state["enabled"], state["changed_by"], state["reason"]) == (True, "ann", "needed after all")


def test_a_plugin_enabled_for_the_first_time_builds_its_read_models_from_history(app):
    with app.app_context():
        pmo = pmo_of(app)
        # Events of the plugin's kind were recorded before it was ever enabled.
        with command_context("ann"):
            sample_plugin.write_note(pmo, app.config["project_id"], "Written long ago")
        assert pmo.runner.positions()["notes"] == 0
        with command_context("ann", "now we want them"):
            plugins.enable_plugin(pmo, "notes")
        assert [n["text"] for n in sample_plugin.list_notes(pmo)] == ["Written long ago"]


def test_enabling_unknown_or_enabled_plugins_is_refused(app):
    with app.app_context():
        pmo = pmo_of(app)
        with command_context("ann"):
            with pytest.raises(ValidationError):
                plugins.enable_plugin(pmo, "nope")
            plugins.enable_plugin(pmo, "notes")
            with pytest.raises(NotAllowedError):
                plugins.enable_plugin(pmo, "notes")


def test_plugin_nav_link_only_while_enabled(app):
    from tests.conftest import login

    client = app.test_client()
    login(client, "ann", "password-ann")
    assert 'href="/notes/"' not in client.get("/").get_data(as_text=True)
    with app.app_context():
        with command_context("ann"):
            plugins.enable_plugin(pmo_of(app), "notes")
    assert 'href="/notes/"' in client.get("/").get_data(as_text=True)
