"""A plugin needs the plugins it depends on: enabling it while they are off is refused naming
them (or they are switched on together); disabling one that others need is refused naming
those (or they are switched off together). In the services, the API, the pages and the CLI."""
import pytest
from click.testing import CliRunner

from core.hookspecs import hookimpl
from core.services import plugins
from core.services.plugins import DependencyError
from events.context import command_context
from tests.conftest import auth, close_app, csrf_token_from, login, make_app
from web.tenancy import open_pmo


class Plugin:
    def __init__(self, name: str, *depends: str):
        self.name, self.depends = name, list(depends)

    @hookimpl
    def plugin_info(self):
        return {"name": self.name, "title": self.name.title(), "depends": self.depends}


# registers <- reviews <- audits: audits needs reviews, which needs registers.
FAMILY = (Plugin("registers"), Plugin("reviews", "registers"), Plugin("audits", "reviews"), Plugin("lonely", "ghost"))


@pytest.fixture
def unit():
    pmo = open_pmo("memory://", extra_plugins=FAMILY, entry_points=False)
    yield pmo
    pmo.close()


def test_enabling_needs_the_dependencies_or_takes_them_along_in_one_transaction(unit):
    with command_context("tove", "trying"):
        with pytest.raises(DependencyError, match="audits needs registers, reviews enabled first") as refused:
            plugins.enable_plugin(unit, "audits")
        assert refused.value.others == ("registers", "reviews") and refused.value.field == "name"
        with pytest.raises(DependencyError, match="needs ghost, which is not installed"):
            plugins.enable_plugin(unit, "lonely", with_dependencies=True)
        assert unit.ledger.max_position() == 0  # refusals write nothing

        change = plugins.enable_plugin(unit, "audits", with_dependencies=True)
    assert change.plugins == ("registers", "reviews", "audits") and change.enabled
    assert sorted(unit.enabled_plugins()) == ["audits", "registers", "reviews"]
    records = unit.ledger.read_batch(after=0, limit=10)
    assert {e.correlation_id for _, e in records} == {records[0][1].correlation_id}  # one command


def test_disabling_one_that_others_need_is_refused_or_takes_them_along(unit):
    with command_context("tove", "setup"):
        plugins.enable_plugin(unit, "audits", with_dependencies=True)
        with pytest.raises(DependencyError, match="audits, reviews depend on registers; disable them first"):
            plugins.disable_plugin(unit, "registers")
        plugins.disable_plugin(unit, "audits")  # nothing needs it
        change = plugins.disable_plugin(unit, "registers", with_dependants=True)
    assert change.plugins == ("reviews", "registers") and unit.enabled_plugins() == []


def test_the_api_pages_and_cli_name_what_stands_in_the_way(tmp_path):
    app = make_app(PMO_EXTRA_PLUGINS=FAMILY)
    try:
        with app.app_context(), command_context("setup", "fixture"):
            from core.services import users
            from web.tenancy import current_pmo

            pmo = current_pmo()
            admin = users.create_user(pmo, "ann", "password-ann", "admin")
            token = users.issue_token(pmo, admin.id, "t")[1]
        api = app.test_client(use_cookies=False)

        # API: 422 naming the dependencies; with_dependencies takes them along.
        refused = api.post("/api/plugins/reviews/enable", json={"reason": "x"}, headers=auth(token))
        assert refused.status_code == 422
        assert refused.get_json()["detail"] == "reviews needs registers enabled first (or enable them together)"
        assert refused.get_json()["errors"] == {"name": [refused.get_json()["detail"]]}
        both = api.post("/api/plugins/reviews/enable", json={"reason": "x", "with_dependencies": True},
                        headers=auth(token))
        assert both.status_code == 200 and both.get_json()["changed"] == ["registers", "reviews"]
        assert both.get_json()["events_read"] == 0  # they keep no read models: nothing to build
        assert api.post("/api/plugins/registers/disable", json={}, headers=auth(token)).status_code == 422

        # Pages: the form says who needs it and offers to switch them together.
        browser = app.test_client()
        login(browser, "ann", "password-ann")
        form = browser.get("/admin/plugins/registers/disable").get_data(as_text=True)
        assert "Also disable Reviews" in form and "It needs Registers." in form
        csrf = csrf_token_from(form)
        alone = browser.post("/admin/plugins/registers/disable", data={"reason": "tidy", "csrf_token": csrf})
        assert alone.status_code == 422 and "reviews depends on registers" in alone.get_data(as_text=True)
        together = browser.post("/admin/plugins/registers/disable",
                                data={"reason": "tidy", "together": "y", "csrf_token": csrf})
        assert together.status_code == 303
        assert "Registers is disabled, with Reviews." in browser.get("/admin/plugins").get_data(as_text=True)
        assert "ghost (not installed)" in browser.get("/admin/plugins").get_data(as_text=True)
    finally:
        close_app(app)

    # CLI: one line naming the dependency; --with-dependencies takes it along.
    from web.cli import make_cli

    cli, store = make_cli(extra_plugins=FAMILY, entry_points=False), f"sqlite:///{tmp_path}/pmo.sqlite"
    refused = CliRunner().invoke(cli, ["--store", store, "plugins", "enable", "reviews", "--reason", "x"])
    assert refused.exit_code == 1 and refused.stderr.strip() == (
        "Error: reviews needs registers enabled first (or enable them together)")
    done = CliRunner().invoke(cli, ["--store", store, "plugins", "enable", "reviews", "--with-dependencies",
                                    "--reason", "x"])
    assert done.exit_code == 0 and "Plugin reviews enabled (with registers)" in done.stdout
