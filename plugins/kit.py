"""Flask helpers every built-in plugin shares; part of no plugin.

Plugins never import ``web`` (imports point web -> plugins -> core -> events), so what their
pages and API need from a request lives here, built on what the app puts on every request:
``g.pmo`` (this request's PMO), ``g.correlation_id``, and Flask-Login's ``current_user``.

- who: ``user()``, ``require(check)`` (401 or sign-in redirect, then 403), ``allow(ok)``
- state changes: ``with command(reason) as pmo:`` stamps actor, reason and correlation id
- as of: ``at()`` and ``today()`` for pages (``?as_of=``), ``read_at(moment)`` for the API,
  which also answers ``X-As-Of-Position`` (see ``as_of_header``)
- optimistic writes: ``etag(row)`` and ``expected_version()`` from If-Match
- forms: ``Form``, the base of a plugin's WTForms (optional reason, refusals shown per field)
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Callable, Iterator

from flask import abort, current_app, g, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from core.asof import parse_as_of, position_at
from core.domain.errors import ConflictError, DomainError, ValidationError
from core.pmo import PMO
from events.context import command_context

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


def read_day() -> date | None:
    """The day an API read shows (for "overdue" and "review due"); None: today."""
    state = g.get("kit_as_of")
    return state[0].date() if state and state[0] is not None else None


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
