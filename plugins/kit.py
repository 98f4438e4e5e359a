"""Flask helpers every built-in plugin shares; part of no plugin.

Plugins never import ``web`` (imports point web -> plugins -> core -> events), so what their
pages and API need from a request lives here, built on what the app puts on every request:
``g.pmo`` (this request's PMO), ``g.correlation_id``, and Flask-Login's ``current_user``.

- who: ``user()``, ``require(check)`` (401 or sign-in redirect, then 403), ``allow(ok)``
- state changes: ``with command(reason) as pmo:`` stamps actor, reason and correlation id
- as of: ``at()`` and ``today()`` for pages (``?as_of=``), ``read_at(moment)`` for the API,
  which also answers ``X-As-Of-Position`` (see ``as_of_header``)
- optimistic writes: ``etag(row)`` and ``expected_version()`` from If-Match; ``versioned_write``,
  the API's whole If-Match write of one thing
- forms: ``Form``, the base of a plugin's WTForms (optional reason, refusals shown per field),
  ``form_page`` (show, run the command, redirect; re-show with 422/409)
- API: schema bases (``InputSchema``, ``AsOfQuery``, ``WriteSchema``, ``EntitySchema``, field
  helpers) and ``api_docs`` (the ``reads``/``writes`` decorators that document answers)
- links in Markup built outside templates: ``href(path)`` keeps the page's ``as_of``
- exports: ``export_format()`` (``?format=csv|xlsx``) and ``download(table, fmt, stem)``, the one
  CSV/XLSX answer of every list page, core and plugins (``core.importing.writers``)
- demo data: ``DemoClock``, command times after the ledger's last record
- charts: ``svg(...)``, the accessible ``<svg>`` wrapper of every plugin chart
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode
from typing import Any, Callable, Iterator

from flask import (
    Response, abort, current_app, flash, g, has_request_context, redirect, render_template, request,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from markupsafe import Markup
from marshmallow import RAISE, Schema, fields, validate
from marshmallow import ValidationError as SchemaError

from core.asof import parse_as_of, position_at
from core.domain.errors import ConflictError, DomainError, ValidationError
from core.importing import writers
from core.pmo import PMO
from events.context import command_context, current_context

_STRONG_ETAG = re.compile(r'^"(\d+)"$')


def pmo() -> PMO:
    """This request's PMO (set by the app before every request)."""
    return g.pmo


def user() -> Any:
    return current_user if current_user.is_authenticated else None


def require(check: Callable[[Any], bool]) -> Callable:
    """Route decorator: signed out -> 401 (API) or the sign-in page; ``check`` fails -> 403."""
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not check(current_user):
                abort(403, "your role does not allow this")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def allow(permitted: bool, what: str = "this change") -> None:
    if not permitted:
        abort(403, f"Your role does not allow {what}.")


@contextmanager
def command(reason: str = "") -> Iterator[PMO]:
    """``with command(reason) as pmo: service(pmo, ...)`` as the signed-in user, in this request."""
    with command_context(current_user.username, reason, g.get("correlation_id")):
        yield g.pmo


# --- as of ----------------------------------------------------------------------------------

def _page_as_of() -> tuple[datetime | None, int | None]:
    if "kit_as_of" not in g:
        try:
            moment = parse_as_of(request.args.get("as_of"))
        except (ValidationError, OverflowError):
            moment = None  # the app shows the page as it is now, with the error above it
        g.kit_as_of = (moment, position_at(g.pmo, moment) if moment else None)
    return g.kit_as_of


def at() -> int | None:
    """The log position a page shows (``?as_of=``); None: now."""
    return _page_as_of()[1]


def moment() -> datetime | None:
    return _page_as_of()[0]


def today() -> date:
    """'Today' for the page: the as-of day, so "overdue" and "review due" are as they were."""
    when = moment()
    return when.date() if when else date.today()


def read_at(when: datetime | None) -> int | None:
    """For an API read: the log position of ``when`` (None: now); remembered for the header."""
    if when is None:
        return None
    g.kit_as_of = (when, position_at(g.pmo, when))
    return g.kit_as_of[1]


def read_moment() -> datetime | None:
    """The moment an API read shows; None: now."""
    state = g.get("kit_as_of")
    return state[0] if state else None


def read_day() -> date | None:
    """The day an API read shows (for "overdue" and "review due"); None: today."""
    moment = read_moment()
    return moment.date() if moment is not None else None


def as_of_header(response: Any) -> Any:
    """``after_request`` for API blueprints: say which ledger position an as-of read showed."""
    state = g.get("kit_as_of")
    if state and state[0] is not None and request.path.startswith("/api"):
        response.headers["X-As-Of-Position"] = str(state[1])
    return response


# --- optimistic writes ----------------------------------------------------------------------

def etag(row: dict) -> dict[str, str]:
    return {"ETag": f'"{row["version"]}"'}


def expected_version() -> int | None:
    """The version named by If-Match (None when absent or ``*``); 400 when malformed."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    match = _STRONG_ETAG.match(raw.strip())
    if match is None:
        abort(400, f'If-Match must be one strong ETag as sent in the ETag header, like "3"; got {raw!r}')
    return int(match.group(1))


def why(body: dict) -> str:
    """Why the change is made: the body's ``reason``, else the X-Reason header."""
    return body.pop("reason", None) or request.headers.get("X-Reason", "")


def versioned_write(service: Callable[..., Any], body: dict, answer: Callable[..., dict], *key: Any
                    ) -> tuple[dict, dict[str, str]]:
    """An API write to one versioned thing, once the route has answered 404 and 403: runs
    ``service(pmo, *key, expected_version=<If-Match>, **body)`` under the body's reason and
    answers ``answer(pmo, *key)``, the thing as it now stands, with its ETag (the status is the
    route's ``api.response``). A malformed If-Match is a 400 before anything is written; the
    service's refusals become the app's problem+json (422, a version clash 409)."""
    version = expected_version()
    with command(why(body)) as unit:
        service(unit, *key, expected_version=version, **body)
    row = answer(unit, *key)
    return row, etag(row)


# --- forms ----------------------------------------------------------------------------------

class Form(FlaskForm):
    """A plugin form: CSRF is checked app-wide, so the form's own token is off; every form has
    an optional reason; ``status`` is 200, or 422 when a POST is re-shown, 409 on a clash."""

    class Meta:
        csrf = False

    reason = StringField("Reason", validators=[Optional(), Length(max=500)],
                         description="Optional. Why you make this change; kept with it in the ledger.")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.conflict: ConflictError | None = None

    @property
    def status(self) -> int:
        if self.conflict is not None:
            return 409
        return 422 if request.method == "POST" else 200

    def values(self, *skip: str) -> dict[str, Any]:
        """The service's keyword arguments: every field but reason, version and ``skip``."""
        return {name: f.data for name, f in self._fields.items() if name not in ("reason", "version", *skip)}

    def expected_version(self) -> int | None:
        f = self._fields.get("version")
        return int(f.data) if f is not None and str(f.data or "").isdigit() else None

    def refuse(self, error: DomainError) -> None:
        """Show the domain's refusal next to its field, or above the form."""
        if isinstance(error, ConflictError):
            self.conflict = error
            if error.current_version is not None and "version" in self._fields:
                self._fields["version"].data = str(error.current_version)
        name = error.field
        if name in self._fields and name not in ("reason", "version"):
            self._fields[name].errors = [*self._fields[name].errors, error.message]
        else:
            self.form_errors.append(error.message)


def form_page(form: Form, action: Callable[[PMO], Any], success: Callable[[Any], str], message: str,
              template: str = "form.html", **context: Any) -> Any:
    """Show ``form``; on a valid POST run ``action(pmo)`` as the user and redirect (303).
    Bad input or a refusal re-shows it with the input kept (422; a version clash: 409)."""
    if request.method == "POST" and form.validate():
        try:
            with command(form.reason.data or "") as unit:
                result = action(unit)
        except DomainError as error:
            form.refuse(error)
        else:
            flash(message, "success")
            return redirect(success(result), 303)
    return render_template(template, form=form, **context), form.status


# --- links and demo data ------------------------------------------------------------------

def href(path: str) -> str:
    """A link built outside a template (a panel's Markup) that keeps the page's moment, and
    the app's root (``/o/<slug>`` when it serves several organisations) on a root-relative
    path that lacks it (one from ``url_for`` has it already)."""
    raw = request.args.get("as_of") if has_request_context() else None
    root = request.script_root if has_request_context() else ""
    if root and path.startswith("/") and not path.startswith(("//", root + "/")):
        path = root + path
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'as_of': raw})}" if raw else path


def export_format() -> str | None:
    """``?format=csv|xlsx`` on a list page: the list as a file; None: the page itself. An
    unknown format is a 400, and a bad ``as_of`` a 422 (a file silently "as of now" would
    mislead; the page shows the error instead)."""
    fmt = (request.args.get("format") or "").strip().lower()
    if fmt in ("", "html"):
        return None
    if fmt not in writers.FORMATS:
        abort(400, f"format must be {' or '.join(writers.FORMATS)}")
    error = g.get("page_as_of_error")
    if error:
        abort(422, f"as_of: {error['message']}")
    return fmt


def download(table: writers.Table, fmt: str, stem: str) -> Response:
    """``table`` as a CSV or XLSX attachment named after ``stem`` and the day it shows; never
    cached (it holds what the user may read now)."""
    return Response(writers.render(table, fmt), content_type=writers.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{stem}-{today().isoformat()}.{fmt}"',
        "Cache-Control": "no-store"})


def svg(chart_id: str, title: str, desc: str, width: float, height: float, body: Markup, css: str,
        role: str = "img") -> Markup:
    """A plugin chart: an ``<svg>`` labelled by its title and a text description (``body`` is
    Markup, every label in it escaped). ``role="group"`` when the chart holds links: an
    ``img`` hides its content (and links) from screen readers, and axe counts links in one as
    nested interactive content."""
    return Markup(
        '<svg class="chart {css}" viewBox="0 0 {w:g} {h:g}" role="{role}" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(css=css, w=width, h=height, id=chart_id, title=title, desc=desc, body=body, role=role)


class DemoClock:
    """Command times for a plugin's demo data: strictly after the ledger's last record (the
    core's year, and any plugin's demo written before), ``step`` seconds apart, so the log's
    time only grows whatever order the plugins are asked in."""

    def __init__(self, pmo: PMO, step: int = 2):
        last = pmo.ledger.read_batch(after=max(pmo.ledger.max_position() - 1, 0), limit=1)
        moments = [current_context().occurred_at or datetime.now(timezone.utc)]
        moments += [event.timestamp for _, event in last]
        self.at = max(moments)
        self.step = timedelta(seconds=step)

    def next(self) -> datetime:
        self.at += self.step
        return self.at

    def run(self, actor: str, reason: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` as ``actor``, for ``reason``, at the next moment."""
        with command_context(actor, reason, occurred_at=self.next()):
            return fn()


# --- API: schema bases and documented answers -----------------------------------------------

NAME_MAX, PERSON_MAX, TEXT_MAX = 200, 100, 20_000


def line(max_len: int = NAME_MAX, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_len), **kwargs)


def text(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=TEXT_MAX), **kwargs)


def one_of(choices: Any, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(choices), **kwargs)


def sorts(names: Any) -> fields.String:
    return one_of([*names, *(f"-{n}" for n in names)], metadata={
        "description": "field to sort by; '-' in front sorts descending (empty values last)"})


class Timestamp(fields.DateTime):
    """A ledger time, always UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class Moment(fields.String):
    """A date (the end of that day, UTC) or an ISO timestamp."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime | None:
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_as_of(raw)
        except ValidationError as error:
            raise SchemaError(error.message) from None
        except OverflowError:
            raise SchemaError("as_of is out of range") from None


class InputSchema(Schema):
    class Meta:
        unknown = RAISE  # a misspelt field is an error, not a change silently skipped


class AsOfQuery(InputSchema):
    """Every read takes ``as_of``: the state at that moment, in recorded (ledger) time."""

    as_of = Moment(metadata={"description": "show the state at this moment: a date (2026-03-12, the end of "
                                            "that day, UTC) or an ISO timestamp; the answer's "
                                            "X-As-Of-Position header names the ledger position read"})


class WriteSchema(InputSchema):
    reason = text(load_only=True, metadata={"description": "why; kept in the ledger with the change"})


class EntitySchema(Schema):
    id = fields.UUID()
    version = fields.Integer(metadata={"description": "the aggregate version, also sent as ETag"})
    created_at = Timestamp()
    created_by = fields.String()
    updated_at = Timestamp()
    updated_by = fields.String()


PROBLEM = {"$ref": "#/components/schemas/Problem"}
ETAG = {"ETag": {"description": 'the version, quoted ("3"); send it back as If-Match', "schema": {"type": "string"}}}
LOCATION = {**ETAG, "Location": {"description": "URL of the new resource", "schema": {"type": "string"}}}
AS_OF_POSITION = {"X-As-Of-Position": {"description": "sent when as_of was given: the ledger position shown",
                                       "schema": {"type": "integer"}}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": 'the ETag you read ("3"); if it changed since, nothing is written (409)'}
X_REASON = {"in": "header", "name": "X-Reason", "required": False, "schema": {"type": "string"},
            "description": "why (kept in the ledger); a `reason` field in the body takes precedence"}


def api_docs(api: Any, errors: dict[int, str], may_write: Callable[[Any], bool]) -> tuple[Callable, Callable]:
    """``reads(item=False)`` and ``writes(check=may_write, item=False, if_match=False)`` for the
    flask-smorest blueprint ``api``: who may call (``require``) and every answer documented,
    problems with ``errors[status]`` as their description."""
    from core.permissions import can_read

    def problems(view: Callable, statuses: list[int]) -> Callable:
        for status in statuses:
            view = api.alt_response(status, schema=PROBLEM, content_type="application/problem+json",
                                    description=errors[status])(view)
        return view

    def reads(item: bool = False) -> Callable:
        def decorator(view: Callable) -> Callable:
            view = problems(require(can_read)(view), [401, 422] + ([404] if item else []))
            return api.doc(responses={200: {"headers": AS_OF_POSITION}})(view)
        return decorator

    def writes(check: Callable[[Any], bool] = may_write, item: bool = False, if_match: bool = False) -> Callable:
        def decorator(view: Callable) -> Callable:
            view = problems(require(check)(view), [400, 401, 403, 409, 422] + ([404] if item else []))
            return api.doc(parameters=[IF_MATCH, X_REASON] if if_match else [X_REASON])(view)
        return decorator

    return reads, writes
