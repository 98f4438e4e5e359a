"""Markup typed into any text field comes back escaped on every page that shows it.

Every free-text value reachable through the core services (project, programme, portfolio,
status report, milestone, decision, action, user, token label, gate decision, the reason
kept with each change, a plugin's note) holds both payloads below. Every page of the app is
then read as the admin, who sees everything, now and as of a moment; and the values a page
echoes back (filters, as-of, form input, sign-in name, flash messages) are tried too.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from events.context import command_context
from tests.conftest import csrf_token_from
from tests.security.world import build_world, is_static, methods_of, ui_rule, urls

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMG}"
RAW = re.compile(r"<script>alert|<img src=x", re.I)
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
# Pages that show no stored free text at all.
SHOW_NO_TEXT = {"/audit", "/audit/verify", "/admin/plugins", "/programmes/new", "/projects/new",
                "/admin/users/new", "/imports", "/imports/<kind>"}


def with_payload(text: str) -> str:
    return f"{text} {PAYLOAD}"


@pytest.fixture(scope="module")
def xss_world():
    from core.services import projects

    world = build_world(text=with_payload)
    with world.app.app_context(), command_context("pia", PAYLOAD, "xss-correlation"):
        # The manager and sponsor of a project are free text too (the form offers names).
        project = projects.register_project(world.pmo, "P-XSS", PAYLOAD, PAYLOAD, sponsor=PAYLOAD,
                                            manager=PAYLOAD, programme_id=world.programme["id"])
        projects.move_project_to_stage(world.pmo, project.id, "proposed", PAYLOAD)
    yield world
    world.close()


def assert_escaped(response, where: str, must_show: bool = True) -> None:
    html = response.get_data(as_text=True)
    raw = RAW.search(html)
    assert raw is None, f"{where}: unescaped markup: ...{html[max(0, raw.start() - 200):raw.end() + 50]}..."
    if must_show:
        assert any(e in html for e in ESCAPED), f"{where}: shows none of the stored text ({response.status_code})"


def html_pages(world):
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
        pattern = rule.rule
        if "GET" in methods_of(rule) and ui_rule(pattern) and not is_static(rule):
            sides = ("own", "none") if ("decision_id" in pattern or "action_id" in pattern) else ("own",)
            for side in sides:
                for url in urls(world, pattern, side):
                    yield pattern, url


def test_every_page_escapes_stored_text(xss_world):
    admin = xss_world.ui("admin")
    checked, problems = 0, []
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for pattern, url in html_pages(xss_world):
        for page_url in (url, f"{url}?as_of={tomorrow}"):
            try:
                response = admin.get(page_url)
                assert response.status_code in (200, 302, 303), (page_url, response.status_code)
                response.close()  # file downloads hold a temporary file
                if not response.content_type.startswith("text/html"):
                    assert response.headers["X-Content-Type-Options"] == "nosniff"
                    if response.content_type.startswith("application/json"):
                        continue  # health checks: JSON with nosniff is never rendered as a page
                    assert "attachment" in response.headers["Content-Disposition"], (page_url, response.content_type)
                    continue
                shows = pattern not in SHOW_NO_TEXT and response.status_code == 200
                assert_escaped(response, page_url, must_show=shows)
                checked += 1
            except Exception as error:  # noqa: BLE001  (collect every page's problem, then fail)
                problems.append(f"{page_url}: {type(error).__name__}: {str(error)[:300]}")
    assert not problems, "\n".join(problems)
    assert checked > 60


REFLECTED = {
    "/projects": ("q", "manager", "stage", "programme", "rag"),
    "/actions": ("owner", "status", "overdue", "project"),
    "/decisions": ("project",),
    "/ledger": ("entity", "actor", "topic", "plugin", "correlation_id", "since", "until", "before"),
    "/audit/export": ("from", "to", "format"),
    "/projects/new": (),
    "/": (),
}


@pytest.mark.parametrize("path, params", REFLECTED.items())
def test_query_values_echoed_back_are_escaped(xss_world, path, params):
    admin = xss_world.ui("admin")
    query = {name: PAYLOAD for name in (*params, "as_of")}
    response = admin.get(f"{path}?{urlencode(query)}")
    if path == "/projects/new":  # a form leaves the past: a redirect to it without as_of
        assert response.status_code == 303
        response = admin.get(response.headers["Location"])
    assert response.status_code in (200, 422), response.status_code
    assert_escaped(response, path, must_show=False)


@pytest.mark.parametrize("url", ["/projects/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/programmes/%22%3E%3Cimg%20src=x",
                                 "/no/%3Cscript%3Ealert(1)%3C%2Fscript%3E"])
def test_error_pages_escape_the_path(xss_world, url):
    response = xss_world.ui("admin").get(url)
    assert response.status_code == 404
    assert_escaped(response, url, must_show=False)


def test_sign_in_form_escapes_the_typed_username(xss_world):
    client = xss_world.app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": PAYLOAD, "password": "x", "csrf_token": token})
    assert response.status_code == 401
    assert_escaped(response, "/login")


FORMS = {
    # url: (fields, whether the answer is a re-shown form (422) or a redirect to a page with a flash)
    "/projects/new": ({"code": "P-NEW", "name": PAYLOAD, "description": PAYLOAD, "end_date": "31/12/2030"}, 422),
    "/programmes/new": ({"code": "PR-NEW", "name": PAYLOAD, "description": PAYLOAD}, 303),
    "/projects/P-OWN/milestones/new": ({"name": PAYLOAD, "baseline_date": "2031-01-01"}, 303),
    "/decisions/new": ({"project_id": "", "title": PAYLOAD, "decision": PAYLOAD, "decided_by": PAYLOAD,
                        "decided_on": "2030-01-01", "reason": PAYLOAD}, 303),
    "/actions/new": ({"project_id": "", "title": PAYLOAD, "owner": PAYLOAD, "reason": PAYLOAD}, 303),
    "/admin/users/new": ({"username": "new-user", "display_name": PAYLOAD, "role": "viewer", "password": "long-enough-1",
                          "email": PAYLOAD}, 303),
    "/admin/users/target-user/tokens": ({"label": PAYLOAD}, 201),
}


@pytest.mark.parametrize("url", FORMS)
def test_form_input_and_flash_messages_are_escaped(xss_world, url):
    fields, status = FORMS[url]
    admin = xss_world.ui("admin")
    response = admin.post(url, data={**fields, "csrf_token": xss_world.csrf["admin"]})
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert_escaped(response, f"POST {url}", must_show=status != 303)
    if status == 303:
        landing = admin.get(response.headers["Location"])
        assert_escaped(landing, f"after POST {url}")


def test_the_api_answers_json_never_html(xss_world):
    """The API returns stored markup as JSON strings, labelled as JSON, never sniffed."""
    client = xss_world.app.test_client()
    headers = {"Authorization": f"Bearer {xss_world.people['admin']['token']}"}
    for url in ("/api/projects", "/api/projects/P-XSS", "/api/decisions", "/api/actions", "/api/users",
                "/api/projects/%3Cscript%3E", "/api/events"):
        response = client.get(url, headers=headers)
        assert response.content_type.split(";")[0] in ("application/json", "application/problem+json"), url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
