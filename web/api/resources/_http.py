"""What every API resource shares: sign-in checks, ETags and If-Match, reasons, replies.

Order of checks in a write: signed in (401), role (403), body (422), the resource (404),
rights over that resource (403), If-Match (400), then the one service call (409/422).
Everything before the service call only reads, so a refused request writes nothing.

Every read takes ``as_of`` (a date or timestamp): ``as_of(args)`` turns it into the log position
the read-model queries take, and the answer says which in ``X-As-Of-Position``.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Callable

from flask import abort, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE

from core import queries
from core.domain.errors import ValidationError
from core.permissions import can_edit_portfolio, can_edit_project, can_read
# If-Match and reasons are read the same way for core and plugin APIs: one implementation.
from plugins import kit
from plugins.kit import expected_version  # noqa: F401  (re-exported to the resource modules)
from plugins.kit import why as reason  # noqa: F401
from web.api.schemas import AsOfSchema, ProblemSchema
from web.app import api_blueprint
from web.auth import require, user
from web.errors import PROBLEM
from web.tenancy import current_pmo

ETAG = {"ETag": {"description": 'the aggregate version, quoted ("3"); send it back as If-Match',
                 "schema": {"type": "string"}}}
CREATED = {**ETAG, "Location": {"description": "URL of the new resource", "schema": {"type": "string"}}}
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
    "description": 'the ETag you read ("3"); if the resource has changed since, nothing is '
                   "written and the answer is 409 with current_version",
}
X_REASON = {
    "in": "header", "name": "X-Reason", "required": False, "schema": {"type": "string"},
    "description": "why (kept in the ledger); a `reason` field in the body takes precedence",
}
AS_OF_POSITION = {"X-As-Of-Position": {
    "description": "sent when as_of was given: the ledger position the answer shows (0: before "
                   "the first record)", "schema": {"type": "integer"}}}

ERRORS = {
    400: "Malformed request: invalid JSON, a malformed If-Match, or (browser sessions) no CSRF token",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the project, does not allow this",
    404: "No such resource",
    409: "Conflict: the resource changed since your If-Match version (see current_version), "
         "or the identity is taken",
    422: "Invalid input: `errors` names each bad field",
}


def resource_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A resource module's blueprint, mounted at /api."""
    blueprint = api_blueprint(name, import_name, "/api", description)
    blueprint.after_request(kit.as_of_header)
    return blueprint


# --- as of --------------------------------------------------------------------------------

def as_of(args: dict) -> int | None:
    """The log position a read shows, from ``as_of`` (taken out of ``args``); None: now."""
    return kit.read_at(args.pop("as_of", None))


def as_of_day() -> date | None:
    """The day a read shows, for what depends on the date ("overdue"); None: today."""
    return kit.read_day()


def as_of_args(blp: Blueprint) -> Callable:
    """Parse the query of a read that has no filters but ``as_of``."""
    return blp.arguments(AsOfSchema, location="query", unknown=RAISE)


def may_write(u: Any) -> bool:
    """Roles that write at all (admin, pmo, manager); rights over each project come later."""
    return can_edit_project(u, None)


def _problems(blp: Blueprint, view: Callable, statuses: list[int]) -> Callable:
    for status in statuses:
        view = blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM,
                                description=ERRORS[status])(view)
    return view


def reads(blp: Blueprint, check: Callable[[Any], bool] = can_read, item: bool = False,
          query: bool = True, dated: bool | None = None) -> Callable:
    """Decorate a GET: sign-in (and ``check``) required; documents its error answers.

    ``query``: it parses query arguments, so it may answer 422; ``dated`` (by default, when it
    has a query): one of them is ``as_of``, and the answer may carry X-As-Of-Position.
    """
    def decorator(view: Callable) -> Callable:
        statuses = ([401] + ([403] if check is not can_read else []) + ([404] if item else [])
                    + ([422] if query else []))
        view = _problems(blp, require(check)(view), statuses)
        if query if dated is None else dated:
            view = blp.doc(responses={200: {"headers": AS_OF_POSITION}})(view)
        return view
    return decorator


def writes(blp: Blueprint, check: Callable[[Any], bool] = may_write, item: bool = False,
           if_match: bool = False, body: bool = True) -> Callable:
    """Decorate a write: role checked before the body is read; documents headers and errors."""
    def decorator(view: Callable) -> Callable:
        statuses = [400, 401, 403] + ([404] if item else []) + [409] + ([422] if body else [])
        view = _problems(blp, require(check)(view), statuses)
        return blp.doc(parameters=[IF_MATCH, X_REASON] if if_match else [X_REASON])(view)
    return decorator


def found(row: dict | None, what: str, key: Any) -> dict:
    if row is None:
        moment = kit.read_moment()
        then = f" as of {moment.isoformat()}" if moment else ""
        abort(404, f"no {what} {key}{then}")
    return row


def reply(row: dict, status: int | None = None, location: str | None = None) -> tuple:
    """The resource with its version as a strong ETag (and Location for a creation)."""
    headers = kit.etag(row)
    if location:
        headers["Location"] = location
    return (row, status, headers) if status else (row, headers)


def created(row: dict, endpoint: str, **values: Any) -> tuple:
    return reply(row, 201, url_for(endpoint, **values))


# --- rights over a project and what hangs off it -------------------------------------------

def project_ref(project_id: uuid.UUID | None, field: str = "project_id") -> dict | None:
    """The project a body refers to; an unknown one is a bad field (422), not a missing page."""
    if project_id is None:
        return None
    row = queries.get_project(current_pmo(), project_id)
    if row is None:
        raise ValidationError("no such project", field)
    return row


def may_edit(project: dict | None) -> None:
    """403 unless the caller may edit ``project``, or, for items of no project, the PMO."""
    u = user()
    allowed = can_edit_project(u, project) if project is not None else can_edit_portfolio(u)
    if not allowed:
        what = f"project {project['code']}" if project is not None else "items outside a project"
        abort(403, f"your role does not allow changes to {what}")


def may_edit_item(row: dict) -> None:
    """403 unless the caller may edit the project a stored item belongs to."""
    pid = row.get("project_id")
    may_edit(queries.get_project(current_pmo(), pid) if pid else None)
