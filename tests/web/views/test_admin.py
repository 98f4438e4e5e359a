"""Administration: only admins, users and their roles and tokens, and switching plugins."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from core import queries
from core.hookspecs import hookimpl
from core.services.users import hash_token
from tests.conftest import csrf_token_from, login, make_app
from tests.web.views.conftest import events_of, submit


@pytest.mark.parametrize("role", ["pmo", "manager", "viewer", "auditor"])
def test_only_admins_reach_administration(client, people, sign_in, the_pmo, role):
    sign_in(role)
    assert 'href="/admin/' not in client.get("/").get_data(as_text=True)
    before = the_pmo.ledger.max_position()
    for url in ("/admin/", "/admin/users", "/admin/plugins", "/admin/users/viewer-user"):
        assert client.get(url).status_code == 403, url
    response = submit(client, "/admin/users/new", {"username": "eve", "password": "long-enough", "role": "admin"})
    assert response.status_code == 403
    assert submit(client, "/admin/users/viewer-user/role", {"role": "admin", "version": "2"}).status_code == 403
    assert the_pmo.ledger.max_position() == before


def test_an_admin_creates_a_user_who_can_then_sign_in(app, client, people, sign_in, the_pmo):
    sign_in("admin")
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
    before = the_pmo.ledger.max_position()
    response = submit(client, "/admin/users/new", {"username": "Olle", "password": "short", "role": "pmo"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="password-error">a password needs at least 8 characters<', html)
    assert 'value="Olle"' in html and "short" not in html.split('id="password"')[1][:200]  # no password echo
    assert the_pmo.ledger.max_position() == before

    response = submit(client, "/admin/users/new", {
        "username": "olle", "display_name": "Olle PMO", "password": "a-long-password", "role": "pmo",
        "reason": "New PMO officer"})
    assert response.status_code == 303
    [created] = events_of(response, the_pmo)
    assert (created["topic"], created["actor"], created["reason"]) == ("core.User.Created", "admin-user",
                                                                       "New PMO officer")
    assert submit(client, "/admin/users/new", {"username": "olle", "password": "a-long-password", "role": "pmo"}
                  ).status_code == 409
    other = app.test_client()
    login(other, "olle", "a-long-password")
    assert other.get("/projects/new").status_code == 200  # a PMO officer may register projects


def test_an_admin_changes_a_role_and_deactivates_and_reactivates(app, client, people, sign_in, the_pmo):
    sign_in("admin")
    viewer = queries.get_user(the_pmo, "viewer-user")
    response = submit(client, "/admin/users/viewer-user/role", {"role": "manager", "version": viewer["version"]})
    assert response.status_code == 303
    assert queries.get_user(the_pmo, "viewer-user")["role"] == "manager"
    stale = submit(client, "/admin/users/viewer-user/role", {"role": "pmo", "version": viewer["version"]})
    assert stale.status_code == 409

    version = queries.get_user(the_pmo, "viewer-user")["version"]
    assert submit(client, "/admin/users/viewer-user/deactivate", {"version": version}).status_code == 303
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    refused = other.post("/login", data={"username": "viewer-user", "password": people["viewer"]["password"],
                                         "csrf_token": csrf_token_from(page)})
    assert refused.status_code == 401
    assert submit(client, "/admin/users/viewer-user/reactivate", {"version": version + 1}).status_code == 303
    login(other, "viewer-user", people["viewer"]["password"])


def test_a_new_api_token_is_shown_once_and_can_be_revoked(client, people, sign_in, the_pmo):
    sign_in("admin")
    response = submit(client, "/admin/users/viewer-user/tokens", {"label": "nightly export"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'class="token" readonly value="(pmo_[^"]+)"', response.get_data(as_text=True)).group(1)
    assert queries.user_by_token_hash(the_pmo, hash_token(token))["username"] == "viewer-user"

    page = client.get("/admin/users/viewer-user").get_data(as_text=True)
    assert token not in page and "nightly export" in page
    token_id = re.search(r'<strong>nightly export</strong> <span class="meta">id (\w+)', page).group(1)
    assert submit(client, f"/admin/users/viewer-user/tokens/{token_id}/revoke", {}).status_code == 303
    assert "nightly export" not in client.get("/admin/users/viewer-user").get_data(as_text=True)
    assert queries.user_by_token_hash(the_pmo, hash_token(token)) is None


def test_an_admin_sets_a_new_password(app, client, people, sign_in):
    sign_in("admin")
    assert submit(client, "/admin/users/viewer-user/password", {"password": "x"}).status_code == 422
    assert submit(client, "/admin/users/viewer-user/password", {"password": "a-new-password"}).status_code == 303
    login(app.test_client(), "viewer-user", "a-new-password")


class RiskPlugin:
    """A tiny plugin: a panel on every project page, a widget on the dashboard, a nav link."""

    @hookimpl
    def plugin_info(self):
        return {"name": "risk", "title": "Risk register", "description": "Risks and issues", "maturity_level": 2}

    @hookimpl
    def project_panels(self, pmo, project, as_of):
        return [{"title": "Risks", "html": Markup("<p class='risks'>{} has 2 open risks</p>").format(project["code"])},
                {"title": "Plain", "html": "<em>not trusted</em>"}]

    @hookimpl
    def dashboard_widgets(self, pmo, as_of):
        return [{"title": "Top risks", "html": Markup("<p>3 risks above appetite</p>")}]


@pytest.fixture
def app():
    return make_app(PMO_EXTRA_PLUGINS=[RiskPlugin()])


def test_an_admin_enables_and_disables_a_plugin_with_a_reason(client, seeded, sign_in, the_pmo):
    sign_in("admin")
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "Risk register" in page and "Disabled" in page and 'action="/admin/plugins/risk/enable"' in page
    assert "2 open risks" not in client.get("/projects/P-OWN").get_data(as_text=True)

    before = the_pmo.ledger.max_position()
    response = submit(client, "/admin/plugins/risk/enable", {"reason": ""})
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before

    response = submit(client, "/admin/plugins/risk/enable", {"reason": "We start a risk register"})
    assert response.status_code == 303
    events = events_of(response, the_pmo)  # the first switch also initialises the settings
    assert [e["topic"] for e in events] == ["core.Settings.Initialised", "core.Settings.PluginEnabled"]
    assert {(e["actor"], e["reason"]) for e in events} == {("admin-user", "We start a risk register")}
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "Risk register is enabled." in page and "We start a risk register" in page
    project = client.get("/projects/P-OWN").get_data(as_text=True)
    assert "<p class='risks'>P-OWN has 2 open risks</p>" in project
    assert "&lt;em&gt;not trusted&lt;/em&gt;" in project  # a plain string is text, not HTML
    assert "3 risks above appetite" in client.get("/").get_data(as_text=True)

    assert submit(client, "/admin/plugins/risk/enable", {"reason": "again"}).status_code == 422
    response = submit(client, "/admin/plugins/risk/disable", {"reason": "Not used"})
    assert response.status_code == 303
    assert "risk" not in the_pmo.enabled_plugins()
    assert "2 open risks" not in client.get("/projects/P-OWN").get_data(as_text=True)
    assert client.get("/admin/plugins/nope/enable").status_code == 404
