"""Security headers on every answer, a CSP the pages can live with, and the session cookie."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest

from events.context import command_context
from tests.conftest import auth, close_app, csrf_token_from, make_app
from tests.security.world import is_static, methods_of, ui_rule, urls

FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    parsed = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_hardened(response, where: str) -> None:
    for name, value in FIXED.items():
        assert response.headers.get(name) == value, f"{where}: {name} is {response.headers.get(name)!r}"
    csp = directives(response)
    assert csp.get("default-src") == ["'self'"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"], where
    for directive in ("script-src", "style-src"):
        assert csp.get(directive), f"{where}: no {directive}"
        assert "'unsafe-inline'" not in csp[directive], f"{where}: {directive} allows inline"
        assert "'unsafe-eval'" not in csp[directive], f"{where}: {directive} allows eval"
        assert "*" not in csp[directive] and "data:" not in csp[directive], where
    assert "Strict-Transport-Security" not in response.headers, f"{where}: HSTS without HTTPS"


def _get_rules(app, files: bool = True):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in methods_of(rule) and (files or not is_static(rule)):
            yield rule.rule


def test_every_get_route_answers_with_the_headers(world):
    """As admin (pages with a session, the API with a token) and signed out (401, redirects)."""
    admin = world.ui("admin")
    token = auth(world.people["admin"]["token"])
    seen = 0
    for pattern in _get_rules(world.app):
        for url in urls(world, pattern):
            try:
                signed_in = admin.get(url) if ui_rule(pattern) else world.app.test_client().get(url, headers=token)
            except Exception:  # noqa: BLE001  (a page that crashes is the matrix's finding, not ours)
                continue
            assert signed_in.status_code < 400, (url, signed_in.status_code)
            signed_out = world.app.test_client().get(url)
            for response in (signed_in, signed_out):
                response.close()  # file downloads hold a temporary file
                if pattern != "/api/docs":
                    assert_hardened(response, f"GET {url} -> {response.status_code}")
                seen += 1
    assert seen > 100


def test_errors_and_writes_carry_the_headers_too(world):
    client = world.app.test_client()
    token = auth(world.people["viewer"]["token"])
    answers = {
        "page 404": world.ui("viewer").get("/no/such/page"),
        "api 404": client.get("/api/projects/NOPE", headers=token),
        "api 403": client.post("/api/projects", headers=token, json={"code": "X", "name": "x"}),
        "api 405": client.delete("/api/projects", headers=token),
        "api 422": client.get("/api/projects?as_of=someday", headers=token),
        "csrf 400": client.post("/projects/new", data={"code": "X"}),
        "form 403": world.ui("viewer").post("/projects/new", data={"csrf_token": world.csrf["viewer"]}),
        "sign-in 401": client.post("/login", data={"username": "x", "password": "y",
                                                    "csrf_token": csrf_token_from(client.get("/login").text)}),
    }
    for where, response in answers.items():
        assert_hardened(response, where)


def test_a_server_error_carries_the_headers():
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    try:
        response = app.test_client().get("/boom")
        assert response.status_code == 500
        assert_hardened(response, "500")
    finally:
        close_app(app)


def test_the_api_docs_allow_exactly_their_own_inline_script(world):
    """Swagger UI starts from one inline script: allowed by its hash, nothing else inline."""
    page = world.app.test_client().get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    scripts = INLINE_SCRIPT.findall(html)
    assert scripts, "flask-smorest's Swagger UI page changed: check its CSP by hand"
    csp = directives(page)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts}
    assert hashes <= set(csp["script-src"])
    assert set(csp["script-src"]) - hashes == {"'self'"}
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    for name, value in FIXED.items():
        assert page.headers[name] == value
    # Everything else it loads comes from this site, and is there.
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src
        asset = world.app.test_client().get(src)
        asset.close()
        assert asset.status_code == 200, src


def test_pages_carry_no_inline_script_style_or_handler(world):
    """What the strict policy would block must not be in the pages in the first place."""
    admin = world.ui("admin")
    problems = []
    for pattern in _get_rules(world.app, files=False):
        if not ui_rule(pattern):
            continue
        for url in urls(world, pattern):
            for page_url in (url, f"{url}?as_of=2020-01-01"):
                try:
                    response = admin.get(page_url)
                except Exception as error:  # noqa: BLE001  (a crashing page is reported elsewhere)
                    problems.append(f"{page_url}: raised {type(error).__name__}: {error}")
                    continue
                response.close()
                if not response.content_type.startswith("text/html"):
                    continue
                html = response.get_data(as_text=True)
                for found, what in ((INLINE_SCRIPT.search(html), "inline <script>"),
                                    (re.search(r"<style", html, re.I), "<style> element"),
                                    (STYLE_ATTRIBUTE.search(html), "style attribute"),
                                    (INLINE_HANDLER.search(html), "inline event handler"),
                                    (re.search(r"javascript:", html, re.I), "javascript: URL")):
                    if found:
                        problems.append(f"{page_url}: {what}: {html[max(0, found.start() - 80):found.end() + 80]!r}")
    assert not problems, "\n".join(problems)


# --- the session cookie ----------------------------------------------------------------------

def _sign_in_cookie(app, base_url: str = "http://localhost") -> str:
    from core.services import users
    from web.tenancy import current_pmo

    with app.app_context(), command_context("setup", "test fixture"):
        users.create_user(current_pmo(), "cookie-user", "correct-horse-cookie", "viewer")
    client = app.test_client()
    page = client.get("/login", base_url=base_url)
    # Over HTTPS Flask-WTF also wants a same-origin Referer, as browsers send.
    answer = client.post("/login", base_url=base_url, headers={"Referer": f"{base_url}/login"}, data={
        "username": "cookie-user", "password": "correct-horse-cookie", "csrf_token": csrf_token_from(page.text)})
    assert answer.status_code == 302, answer.text
    cookies = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, answer.headers
    return cookies[-1]


def test_the_session_cookie_is_httponly_and_samesite_lax(monkeypatch):
    monkeypatch.delenv("PMO_HTTPS", raising=False)
    app = make_app()
    try:
        cookie = _sign_in_cookie(app)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain HTTP (development): a Secure cookie would never come back
        assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    finally:
        close_app(app)


@pytest.mark.parametrize("value, secure", [("1", True), ("0", False)])
def test_pmo_https_makes_the_cookie_secure_and_sends_hsts(monkeypatch, value, secure):
    monkeypatch.setenv("PMO_HTTPS", value)
    app = make_app()
    try:
        cookie = _sign_in_cookie(app, "https://localhost")
        assert ("Secure" in cookie) is secure
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        hsts = app.test_client().get("/login", base_url="https://localhost").headers.get("Strict-Transport-Security")
        assert (hsts is not None) is secure
        if secure:
            assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600
    finally:
        close_app(app)
