"""Rendered pages are kept per worker by ledger position: a second look is served from the
cache, any write makes the next look render afresh, and the sign-out form of a cached page
carries the requesting session's own CSRF token."""
from __future__ import annotations

from events.context import command_context
from tests.conftest import csrf_token_from, login


def test_a_page_is_served_again_until_the_ledger_moves(app, client, people):
    from core.services import projects
    from web.tenancy import current_pmo

    login(client, people["viewer"]["username"], people["viewer"]["password"])
    first = client.get("/projects")
    assert first.headers["X-Page-Cache"] == "miss"
    again = client.get("/projects")
    assert again.headers["X-Page-Cache"] == "hit" and again.data == first.data
    # The filters are part of the key.
    assert client.get("/projects?stage=idea").headers["X-Page-Cache"] == "miss"

    with app.app_context(), command_context("pia", "a new project"):
        projects.register_project(current_pmo(), "P-NEW", "New project")
    after = client.get("/projects")
    assert after.headers["X-Page-Cache"] == "miss" and "P-NEW" in after.get_data(as_text=True)


def test_each_session_gets_its_own_csrf_token_and_each_user_their_own_page(app, people):
    viewer = people["viewer"]
    one, two = app.test_client(), app.test_client()
    login(one, viewer["username"], viewer["password"])
    login(two, viewer["username"], viewer["password"])
    assert one.get("/").headers["X-Page-Cache"] == "miss"
    page = two.get("/")
    assert page.headers["X-Page-Cache"] == "hit"
    # The cached page's sign-out form works for the session that received it.
    response = two.post("/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302

    other = app.test_client()
    login(other, people["auditor"]["username"], people["auditor"]["password"])
    page = other.get("/")
    assert page.headers["X-Page-Cache"] == "miss" and "Auditor User" in page.get_data(as_text=True)


def test_pages_with_messages_and_the_api_are_not_kept(client, people):
    login(client, people["pmo"]["username"], people["pmo"]["password"])
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Project P-X registered.")]
    shown = client.get("/projects")
    assert "Project P-X registered." in shown.get_data(as_text=True) and "X-Page-Cache" not in shown.headers
    assert client.get("/projects").headers["X-Page-Cache"] == "miss"  # the message is not replayed
    assert "X-Page-Cache" not in client.get("/api/projects").headers
