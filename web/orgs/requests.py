"""A request's organisation: found once, before anything else reads a ledger.

Path mode: ``PathPrefix`` moves ``/o/<slug>`` from PATH_INFO to SCRIPT_NAME, so every view,
plugin and ``url_for`` works unchanged and links carry the prefix by themselves. Host mode:
``HostName`` takes the slug from the Host header. Either way the slug lands in the WSGI
environ, and ``resolve`` (the app's first ``before_request``) turns it into the organisation:
unknown -> 404, suspended -> 403 with the reason (a page, or problem+json under /api).

Sessions are per organisation: the cookie's name, path and signing salt carry the slug, so a
session of organisation A is not even readable in B; the slug is also kept in the session at
sign-in and a mismatch signs the session out (a second lock on the same door).
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import user_logged_in

from core.platform import SUSPENDED

ORG_KEY = "pmo.org"      # the WSGI environ key the middlewares set
SESSION_ORG = "pmo_org"  # the session key naming the organisation it was made in
PREFIX = re.compile(r"^/o/([^/]*)(/.*)?$")
# What a request outside any organisation may reach: the platform pages, files, API docs,
# liveness. Everything else needs an organisation.
TOP_LEVEL = {"static", "swagger_assets", "health.healthz", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


class PathPrefix:
    """WSGI middleware: ``/o/acme/projects`` is ``/projects`` of organisation acme."""

    def __init__(self, app: Any):
        self.app = app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        match = PREFIX.match(environ.get("PATH_INFO", ""))
        if match:
            slug, rest = match[1], match[2]
            prefix = environ.get("SCRIPT_NAME", "") + f"/o/{slug}"
            if rest is None:  # /o/acme: its pages are below /o/acme/
                query = environ.get("QUERY_STRING")
                start_response("308 Permanent Redirect", [("Location", f"{prefix}/" + (f"?{query}" if query else "")),
                                                          ("Content-Length", "0")])
                return [b""]
            environ["SCRIPT_NAME"], environ["PATH_INFO"], environ[ORG_KEY] = prefix, rest, slug
        return self.app(environ, start_response)


class HostName:
    """WSGI middleware: ``acme.pmo.example.org`` is organisation acme (suffix ``.pmo.example.org``)."""

    def __init__(self, app: Any, suffix: str):
        self.app, self.suffix = app, suffix

    def __call__(self, environ: dict, start_response: Any) -> Any:
        host = (environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "").split(":", 1)[0].lower()
        if host.endswith(self.suffix) and len(host) > len(self.suffix):
            environ[ORG_KEY] = host[: -len(self.suffix)]
        return self.app(environ, start_response)


def request_slug() -> str | None:
    return request.environ.get(ORG_KEY)


class OrgSessionInterface(SecureCookieSessionInterface):
    """One session cookie per organisation (and one for the platform pages)."""

    @property
    def salt(self) -> str:  # type: ignore[override]
        return f"cookie-session:{request_slug() or '~platform'}"

    def get_cookie_name(self, app: Flask) -> str:
        slug = request_slug()
        return f"{app.config['SESSION_COOKIE_NAME']}_{slug.replace('-', '_') if slug else 'platform'}"

    def get_cookie_path(self, app: Flask) -> str:
        if request_slug() is not None:
            return (request.script_root or "") + "/"
        return "/"


def orgs() -> Any:
    return current_app.extensions["pmo_orgs"]


def resolve():
    """Before every request: which organisation, and may it be served?"""
    from web.errors import render_error

    slug = request_slug()
    if slug is None:
        if request.endpoint in TOP_LEVEL or request.blueprint == "platform":
            return None
        target = _same_org_as_referrer()
        if target:
            return redirect(target, 307)
        if request.endpoint == "pages.dashboard":
            return render_template("orgs/choose.html", mode=orgs().settings.mode, suffix=orgs().settings.host_suffix)
        return render_error(404, "Not found", "This address names no organisation: each organisation's pages "
                                              "are under its own address" + _where_hint())
    org = orgs().directory.get(slug)
    if org is None:
        return render_error(404, "Not found", f"There is no organisation “{slug}” here.")
    if org["state"] == SUSPENDED and request.endpoint != "static":
        reason = f": {org['state_reason']}" if org["state_reason"] else ""
        return render_error(403, "Organisation suspended",
                            f"{org['name']} is suspended{reason}. Its sign-ins and API calls are refused until a "
                            "platform admin resumes it; its data are kept.")
    g.pmo_org = org
    g.pmo_org_pmo = orgs().pmos.acquire(slug)
    if "_user_id" in session and session.get(SESSION_ORG) != slug:
        session.clear()  # made for another organisation: it signs nobody in here
    return None


def _where_hint() -> str:
    if orgs().settings.mode == "path":
        return " (/o/<organisation>/)."
    return f" (<organisation>{orgs().settings.host_suffix})."


def _same_org_as_referrer() -> str | None:
    """A root-relative link written into a page (``/risks/new``) left its organisation's
    prefix behind: send the browser back into the organisation it came from. Only ever into
    the referring page's own organisation, on this host, where its own session applies."""
    if orgs().settings.mode != "path":
        return None
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    match = PREFIX.match(referrer.path)
    if not match or match[2] is None or not orgs().directory.get(match[1]):
        return None
    query = request.query_string.decode()
    return f"{request.script_root}/o/{match[1]}{request.path}" + (f"?{query}" if query else "")


def release(_error: BaseException | None = None) -> None:
    pmo = g.pop("pmo_org_pmo", None)
    if pmo is not None:
        orgs().pmos.release(pmo)


def prefix_location(response):
    """A Location written root-relative (``/api/risks/<id>``, as the plugins' APIs write it)
    names a path inside this organisation: give it the organisation's prefix (path mode; a
    ``url_for`` Location has it already)."""
    root, location = request.script_root, response.headers.get("Location", "")
    if root and location.startswith("/") and not location.startswith(("//", root + "/")) and location != root:
        response.headers["Location"] = root + location
    return response


def mirror_members(response):
    """After a successful change in an organisation, refresh the switcher's membership rows if
    its users changed (a user created, deactivated, given another role)."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400 and "pmo_org_pmo" in g:
        from core import queries

        orgs().sync_members(g.pmo_org["slug"], queries.list_users(g.pmo_org_pmo))
    return response


def _remember_org(_app: Flask, user: Any = None, **_extra: Any) -> None:
    org = g.get("pmo_org")
    if org is not None:
        session[SESSION_ORG] = org["slug"]
        # People created from the command line show up in the switcher from their first sign-in.
        from core import queries

        orgs().sync_members(org["slug"], queries.list_users(g.pmo_org_pmo))


def header_values() -> dict[str, Any]:
    """The organisation's name and, for a signed-in person, the others they may switch to."""
    org = g.get("pmo_org")
    if org is None:
        return {"org_here": None, "org_switch": []}
    from flask_login import current_user

    others: list[dict[str, Any]] = []
    if current_user.is_authenticated:
        host = request.host
        others = [{**m, "url": orgs().org_url(m["slug"], request.script_root, host)}
                  for m in orgs().platform.memberships(current_user.username) if m["slug"] != org["slug"]]
    return {"org_here": org, "org_switch": others}


def init_app(app: Flask, runtime: Any) -> None:
    settings = runtime.settings
    app.extensions["pmo_orgs"] = runtime
    if settings.mode == "path":
        app.wsgi_app = PathPrefix(app.wsgi_app)  # type: ignore[method-assign]
        app.after_request(prefix_location)
    else:
        app.wsgi_app = HostName(app.wsgi_app, settings.host_suffix)  # type: ignore[method-assign]
    app.session_interface = OrgSessionInterface()
    app.before_request(resolve)
    app.after_request(mirror_members)
    app.teardown_request(release)
    app.context_processor(header_values)
    user_logged_in.connect(_remember_org, app)
    from web.orgs.views import bp

    app.register_blueprint(bp)
