"""JSON API under /api/resources (flask-smorest, so it is in the OpenAPI document): the
blueprint and what its two halves share; ``people`` and ``plan`` add the routes.

Thin: parse with a schema, check who may, call one service inside ``command(reason)``, answer
the read model with its version as ETag. Order of checks in a write: signed in (401), role
(403), body (422), the resource (404), rights over its project (403), If-Match (400), the
service (409/422). Every read takes ``as_of``. People: pmo and admin write, forgetting is the
admin's; allocations and demand: the project's manager too.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Callable

from flask import abort
from flask_smorest import Blueprint

from core import queries as core_queries
from core.domain.errors import ValidationError
from plugins import kit
from plugins.resources import capacity as cap
from plugins.resources import queries, workload

api = Blueprint("resources_api", __name__, url_prefix="/api/resources",
                description="Resources and HR: people, capacity, skills, allocations, demand, heat map.")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the project, does not allow this",
    404: "No such person, allocation or demand (as of the given moment)",
    409: "Conflict: it changed since your If-Match version (see current_version)",
    422: "Invalid input: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, queries.may_write)


def people_writes(**kw: Any) -> Callable:
    """A write to people's records: pmo and admin."""
    return writes(queries.may_manage_people, **kw)


def found(row: dict | None, what: str, key: Any, at: int | None = None) -> dict:
    if row is None:
        abort(404, f"no {what} {key}" + (" at that moment" if at is not None else ""))
    return row


def person_row(person_id: uuid.UUID, at: int | None = None) -> dict:
    return found(queries.get_person(kit.pmo(), person_id, at), "person", person_id, at)


def detail(person_id: uuid.UUID, at: int | None = None) -> dict:
    row = person_row(person_id, at)
    row["capacity"] = queries.capacity_periods(kit.pmo(), [person_id], at).get(person_id, [])
    row["development"] = queries.development_records(kit.pmo(), person_id, at)
    return row


def require_plan(project_id: Any) -> None:
    if queries.may_plan(kit.pmo(), kit.user(), project_id):
        return
    abort(403, "your role does not allow planning people on this project")


def change_person(person_id: uuid.UUID, body: dict, service: Callable) -> tuple:
    person_row(person_id)
    return kit.versioned_write(service, body, lambda _, key: detail(key), person_id)


def window(args: dict) -> list:
    first = args.pop("start", None) or cap.add_months(cap.month_start(kit.read_day() or date.today()), -2)
    return cap.months(first, args.pop("months", 12))


def with_warnings(pmo: Any, allocation_id: uuid.UUID) -> dict:
    """The allocation and the months it books its person beyond capacity (still recorded)."""
    row = queries.get_allocation(pmo, allocation_id)
    months = cap.months_between(row["start_date"], row["end_date"])
    return {**row, "warnings": workload.over_allocations(pmo, months=months, person_ids={row["person_id"]})}


def allocation_row(allocation_id: uuid.UUID, at: int | None = None) -> dict:
    return found(queries.get_allocation(kit.pmo(), allocation_id, at), "allocation", allocation_id, at)


def demand_row(demand_id: uuid.UUID, at: int | None = None) -> dict:
    return found(queries.get_demand(kit.pmo(), demand_id, at), "demand", demand_id, at)


def new_on_project(project_id: uuid.UUID) -> None:
    """Before a creation: the project must exist (422) and be the caller's to plan (403)."""
    if core_queries.get_project(kit.pmo(), project_id) is None:
        raise ValidationError("no such project", "project_id")
    require_plan(project_id)


from plugins.resources.api import people, plan  # noqa: E402,F401  (they add the routes)
