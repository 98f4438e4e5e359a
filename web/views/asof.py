"""As of: every page shows the ledger at a past moment when asked (``?as_of=2026-03-12``).

Once per request ``?as_of=`` becomes a moment and a log position (``current()``); views pass
``at()`` and ``today()`` to the queries. A bad value re-shows the page as it is now with the
error above it (422). Links keep the moment: the templates' ``url_for`` is ``link`` below,
which adds ``as_of`` to every link to a read page (an endpoint that takes no POST).

Plugin pages, which may not import ``web``, find the moment on ``flask.g.page_as_of`` (an
``AsOf``, or None for now), as they find the PMO on ``g.pmo``.

Changes are always made to the ledger as it is now: a POST ignores ``as_of``, opening a form
with it leaves the past (a redirect to the form without it), and the permission helpers
that templates ask before showing an edit button answer no on an as-of page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode

from flask import Flask, current_app, flash, g, redirect, request, url_for
from markupsafe import Markup

from core.asof import parse_as_of, resolve_as_of
from core.domain.errors import ValidationError
from web.tenancy import current_pmo

PARAM = "as_of"
# Endpoints that never keep the moment: files, sign-in and sign-out.
NOT_PAGES = ("static", "swagger_assets")
# Arguments the date picker does not carry over: a new moment starts a listing afresh.
RESTART = (PARAM, "before")


@dataclass(frozen=True)
class AsOf:
    raw: str            # as typed, and as passed on in links
    moment: datetime    # UTC
    position: int       # the last log position recorded at or before the moment (0: none)

    @property
    def utc(self) -> datetime:
        return self.moment.astimezone(timezone.utc)

    @property
    def day(self) -> date:
        return self.utc.date()

    @property
    def label(self) -> str:
        """'12 March 2026, 23:59 UTC'."""
        return f"{self.utc.day} {self.utc:%B %Y, %H:%M} UTC"


def current() -> AsOf | None:
    """The moment this page shows; None: now."""
    return g.get("page_as_of")


def at() -> int | None:
    """The log position for the queries' ``at=`` (None: now)."""
    state = current()
    return state.position if state is not None else None


def today() -> date:
    """'Today' on this page: the as-of day, so overdue and late are as they were then."""
    state = current()
    return state.day if state is not None else date.today()


def since(text: str) -> datetime:
    """The moment just before a range that starts at ``text``: a date means from the start of
    that day (``parse_as_of`` reads a date as its end), a timestamp from just after it."""
    moment = parse_as_of(text)
    if moment is not None and len(text.strip()) == 10:
        start = datetime.combine(moment.date(), time.min, timezone.utc)
        moment = start - timedelta(microseconds=1) if start.year > 1 else start
    return moment


def _is_read_page(endpoint: str | None) -> bool:
    """Does ``endpoint`` answer GET without taking a POST (a page, not a form)?"""
    if not endpoint or endpoint in NOT_PAGES or endpoint.startswith("auth."):
        return False
    cache: dict = current_app.extensions.setdefault("pmo_read_pages", {})
    if endpoint not in cache:
        try:
            rules = list(current_app.url_map.iter_rules(endpoint))
        except KeyError:
            rules = []
        cache[endpoint] = bool(rules) and all("GET" in r.methods and "POST" not in r.methods for r in rules)
    return cache[endpoint]


def _absolute(endpoint: str) -> str:
    if endpoint.startswith("."):
        blueprint = request.blueprint if request else None
        return f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    return endpoint


def link(endpoint: str, **values) -> str:
    """``url_for`` that keeps the page's moment on links to read pages; ``as_of=None`` drops it."""
    state = current()
    if state is not None and PARAM not in values and _is_read_page(_absolute(endpoint)):
        values[PARAM] = state.raw
    return url_for(endpoint, **values)


def _args_without(*names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k not in names]


def _url_without(*names: str) -> str:
    query = urlencode(_args_without(*names))
    path = request.script_root + request.path  # the root: /o/<slug> when serving several organisations
    return f"{path}?{query}" if query else path


def keep(href: str) -> str:
    """A raw internal href (a plugin's navigation link) with the page's moment added."""
    state = current()
    if state is None or not href.startswith("/") or href.startswith(("//", "/api")) or f"{PARAM}=" in href:
        return href
    return f"{href}{'&' if '?' in href else '?'}{urlencode({PARAM: state.raw})}"


def _resolve():
    """Before every page: read ``as_of`` (the JSON API reads its own, under /api)."""
    if request.path.startswith("/api/") or request.path == "/api":
        return None
    g.page_as_of = None
    g.page_as_of_error = None
    raw = (request.args.get(PARAM) or "").strip()
    if not raw or request.endpoint in (None, *NOT_PAGES):
        return None
    if request.method not in ("GET", "HEAD"):
        return None  # a change is always made to the ledger as it is now
    if not _is_read_page(request.endpoint):
        if not request.endpoint.startswith("auth."):
            flash("Changes are always made to the ledger as it is now, so this form shows the present.", "info")
        return redirect(_url_without(PARAM), 303)
    try:
        moment, position = resolve_as_of(current_pmo(), raw)
    except ValidationError as error:
        g.page_as_of_error = {"raw": raw, "message": error.message}
        return None
    except OverflowError:  # the last day of year 9999 has no end to point at
        g.page_as_of_error = {"raw": raw, "message": "as_of is out of range"}
        return None
    g.page_as_of = AsOf(raw, moment, position or 0)
    return None


def _unprocessable(response):
    """A page asked for with a bad ``as_of`` is shown as it is now, as a 422."""
    if g.get("page_as_of_error") and response.status_code == 200:
        response.status_code = 422
    return response


def _template_values() -> dict:
    state = current()
    here = request.endpoint if _is_read_page(request.endpoint) else None
    return {
        "as_of": state,
        "as_of_error": g.get("page_as_of_error"),
        "now_url": _url_without(PARAM),
        # The header's date picker reloads this page (with its filters) at the chosen day.
        "picker_action": request.script_root + request.path if here else url_for("pages.dashboard"),
        "picker_keep": _args_without(*RESTART) if here else [],
        "real_today": date.today(),
    }


def hidden_field() -> Markup:
    """The ``as_of`` hidden input that a page's own GET filter form carries along."""
    state = current()
    if state is None:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(PARAM, state.raw)


def init_app(app: Flask) -> None:
    app.before_request(_resolve)
    app.after_request(_unprocessable)
    app.context_processor(_template_values)
    app.add_template_filter(keep, "keep_as_of")
    # Every template's url_for (macros included, which see globals only) keeps the moment.
    app.jinja_env.globals.update(url_for=link, as_of_field=hidden_field)
