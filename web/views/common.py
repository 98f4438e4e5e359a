"""What every page module shares: look-ups that 404 (as of the page's moment), permission
checks that 403, an entity's history, and the one form round trip (validate, run one service
as the signed-in user, redirect or re-show). Forms always work on the ledger as it is now.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core import history as core_history
from core import permissions, queries
from core.domain.errors import ConflictError, DomainError
from core.pmo import PMO
from web.auth import user
from web.commands import command
from web.tenancy import current_pmo
from web.views import asof
from web.views.asof import at
from web.views.forms import Form, SelectChoice

Row = dict[str, Any]


def pmo() -> PMO:
    return current_pmo()


def found(row: Row | None, what: str = "page") -> Row:
    """The row, or a 404 that says what was not found."""
    if row is None:
        abort(404, f"There is no such {what}.")
    return row


def lookup(query: Callable[..., Row | None], key: Any, what: str, **kwargs: Any) -> Row:
    """``query(pmo, key, at=...)`` as of this page's moment, or a 404 that says why: on an
    as-of page, a thing recorded later 'did not exist yet'."""
    unit = pmo()
    row = query(unit, key, at=at(), **kwargs)
    state = asof.current()
    if row is None and state is not None:
        if query(unit, key, **kwargs) is not None:
            abort(404, f"This {what} did not exist yet as of {state.label}: it was recorded later.")
        abort(404, f"There was no such {what} as of {state.label}.")
    return found(row, what)


def allow(permitted: bool) -> None:
    """Refuse (403) unless permitted; checked on the server for GET and POST alike."""
    if not permitted:
        abort(403, "Your role does not allow this change.")


def project_for(row: Row) -> Row | None:
    """The project a report, milestone, decision or action hangs off (None: portfolio-wide)."""
    return queries.get_project(pmo(), row["project_id"], at=at()) if row.get("project_id") else None


def projects_by_id() -> dict[Any, Row]:
    return {p["id"]: p for p in queries.list_projects(pmo(), at=at())}


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _correlations(unit: PMO, positions: list[int]) -> dict[int, str]:
    """The request behind each position (a project's row also changes when a report of it
    is published, so the record is not always the entity's own)."""
    log = unit.log_index.table
    with unit.read() as conn:
        rows = conn.execute(sa.select(log.c.position, log.c.correlation_id).where(log.c.position.in_(positions)))
        return {position: correlation for position, correlation in rows}


def history(entity_id: Any, table: Any = None) -> list[Row]:
    """Who changed what, when and why, newest first and as of this page: each entry with one
    readable line ('overall amber -> red by j.smith: supplier delay') and the correlation id of the request that made it (the log browser lists all it changed)."""
    unit = pmo()
    entries = core_history.entity_history(unit, entity_id, at=at(), table=table)
    if not entries:
        return []
    correlation = _correlations(unit, [e["position"] for e in entries])
    return [{
        **entry,
        "text": core_history.describe({**entry, "changes": [(f, _short(old), _short(new))
                                                             for f, old, new in entry["changes"]]}),
        "correlation_id": correlation.get(entry["position"]),
    } for entry in entries]


def people() -> list[str]:
    """Usernames for the name pickers (``<datalist>``): free text stays allowed."""
    return [u["username"] for u in queries.list_users(pmo()) if u["active"]]


def bind(form_cls: type[Form], row: Row | None = None, **defaults: Any) -> Form:
    """A form filled from the request on POST; from ``row`` (and ``defaults``) on GET."""
    if request.method == "POST":
        return form_cls()
    return form_cls(data={**defaults, **(row or {})})


def programme_choices() -> list[SelectChoice]:
    return [SelectChoice("", "(none)")] + [SelectChoice(str(p["id"]), f"{p['code']} · {p['name']}")
                                           for p in queries.list_programmes(pmo())]


def may_edit(project: Row | None) -> bool:
    """May the user change what hangs off ``project``? None: portfolio-wide (pmo, admin)."""
    if project is None:
        return permissions.can_edit_portfolio(user())
    return permissions.can_edit_project(user(), project)


def with_project_picker(form_cls: type[Form], **defaults: Any) -> tuple[Form, str | None]:
    """A decision or action form whose picker lists the projects the user may edit ("(none)":
    portfolio-wide); ``?project=CODE`` preselects one. A POST for a project the user may not
    edit is refused (403) before its input is even validated. Also returns the project's URL.
    """
    code = request.args.get("project")
    preselect = queries.get_project(pmo(), code) if code else None
    form = bind(form_cls, project_id=preselect["id"] if preselect else None, **defaults)
    choices = [SelectChoice("", "(none: portfolio-wide)")] if may_edit(None) else []
    form.project_id.choices = choices + [SelectChoice(str(p["id"]), f"{p['code']} · {p['name']}")
                                         for p in queries.list_projects(pmo()) if may_edit(p)]
    allow(bool(form.project_id.choices))
    if request.method == "POST":
        chosen = form.project_id.data
        allow(may_edit(queries.get_project(pmo(), chosen) if chosen else None))
    return form, url_for("pages.projects.show", code=preselect["code"]) if preselect else None


def form_page(
    form: Form,
    template: str,
    action: Callable[[PMO], Any],
    success: str | Callable[[Any], str],
    message: str | Callable[[Any], str],
    current: Callable[[], Row | None] | None = None,
    conflict_field: str | None = None,
    **context: Any,
) -> Response | tuple[str, int]:
    """Show ``form``; on a valid POST run ``action`` inside ``command(reason)`` and redirect.

    Bad input and domain errors re-show the form with the input kept (422); a version clash
    re-shows it with what changed meanwhile (409). Nothing is written in either case.
    ``conflict_field`` names the field a clash without a version belongs to (a taken code).
    """
    if request.method == "POST" and form.validate():
        try:
            with command(form.reason.data or "") as unit:
                result = action(unit)
        except ConflictError as error:
            form.clash(error, current() if current else None, conflict_field)
        except DomainError as error:
            form.refuse(error)
        else:
            flash(message(result) if callable(message) else message, "success")
            return redirect(success(result) if callable(success) else success, 303)
    return render_template(template, form=form, **context), form.status
