"""The event log browser at /ledger (auditors and admins): every record of the ledger, newest
first, filtered and paged by position; each row links to the page of what it changed."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, render_template, request

from core import queries
from core.asof import parse_as_of
from core.domain.errors import ValidationError
from core.history import log_page
from core.permissions import can_administer, can_audit
from web import exports
from web.auth import require, user
from web.views import asof
from web.views.asof import at, link, since
from web.views.common import history, pmo

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

FILTERS = ("entity", "actor", "topic", "plugin", "correlation_id", "since", "until")
PAGE_SIZE = 50
MAX_POSITION = 2**62  # a larger 'before' means no bound, and would not fit the database's integer
Row = dict[str, Any]


def _parse(args: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The filters as ``log_page`` takes them, and an error message per bad field."""
    values: dict[str, Any] = {"actor": args["actor"] or None, "topic": args["topic"] or None,
                              "plugin": args["plugin"] or None, "correlation_id": args["correlation_id"] or None}
    errors: dict[str, str] = {}
    try:
        values["entity_id"] = uuid.UUID(args["entity"]) if args["entity"] else None
    except ValueError:
        errors["entity"] = "An entity id looks like 0f8fad5b-d9cb-469f-a165-70867728950e."
    for name, parse in (("since", since), ("until", parse_as_of)):
        try:
            values[name] = parse(args[name]) if args[name] else None
        except (ValidationError, OverflowError):
            errors[name] = "Give a date (2026-03-12) or an ISO timestamp."
    before = request.args.get("before", "")
    values["before"] = min(int(before), MAX_POSITION) if before.isdigit() else None
    return values, errors


def _target(kind: str, entity_id: Any) -> tuple[str, str | None]:
    """What a record changed, named, and the page that shows it as of the page's moment
    (None: no page this user may open)."""
    unit, when = pmo(), at()
    admin = can_administer(user())

    def code_of(project_id: Any) -> str | None:
        project = queries.get_project(unit, project_id, at=when) if project_id else None
        return project["code"] if project else None

    def milestone(r: Row) -> tuple[str, str | None]:
        code = code_of(r["project_id"])
        return (f"{code}: {r['name']}" if code else r["name"],
                link("pages.projects.show", code=code, _anchor="milestones") if code else None)

    kinds: dict[str, tuple[Callable[..., Row | None], Callable[[Row], tuple[str, str | None]]]] = {
        "core.Project": (queries.get_project, lambda r: (f"{r['code']} {r['name']}",
                                                          link("pages.projects.show", code=r["code"]))),
        "core.Programme": (queries.get_programme, lambda r: (f"{r['code']} {r['name']}",
                                                              link("pages.programmes.show", code=r["code"]))),
        "core.StatusReport": (queries.get_status_report, lambda r: (
            f"{code_of(r['project_id']) or ''} report to {r['period_end']}".strip(),
            link("pages.reports.show", report_id=r["id"]))),
        "core.Milestone": (queries.get_milestone, milestone),
        "core.Decision": (queries.get_decision, lambda r: (r["title"], link("pages.decisions.show", decision_id=r["id"]))),
        "core.Action": (queries.get_action, lambda r: (r["title"], link("pages.actions.show", action_id=r["id"]))),
        "core.User": (queries.get_user, lambda r: (r["username"], link("pages.admin.user", username=r["username"])
                                                   if admin else None)),
    }
    if kind == "core.Portfolio":
        return "The portfolio", link("pages.programmes.index")
    if kind == "core.Settings":
        return "Plugins", link("pages.admin.plugins_list") if admin else None
    if kind in kinds:
        query, name = kinds[kind]
        row = query(unit, entity_id, at=when)
        if row is not None:
            return name(row)
    return kind.rsplit(".", 1)[-1] or str(entity_id), None


def _targets(rows: list[Row]) -> dict[Any, tuple[str, str]]:
    """Each entity's name and page, or its history in the ledger when it has no page."""
    targets: dict[Any, tuple[str, str]] = {}
    for row in rows:
        oid = row["originator_id"]
        if oid not in targets:
            label, url = _target(row["topic"].rsplit(".", 1)[0], oid)
            targets[oid] = (label, url or link(".entity", entity_id=oid))
    return targets


@bp.route("")
@require(can_audit)
def index():
    args = {k: (request.args.get(k) or "").strip() for k in FILTERS}
    values, errors = _parse(args)
    if fmt := exports.export_format():
        return _export(fmt, values, errors)
    page = {"items": [], "next_before": None} if errors else log_page(pmo(), at=at(), limit=PAGE_SIZE, **values)
    kept = {k: v for k, v in args.items() if v}
    return render_template(
        "ledger/index.html", rows=page["items"], targets=_targets(page["items"]), args=args, errors=errors,
        filtered=bool(kept), paged=values["before"] is not None,
        older=link(".index", **kept, before=page["next_before"]) if page["next_before"] else None,
        newest=link(".index", **kept), plugins=sorted(["core", *pmo().plugins]),
        actors=sorted(u["username"] for u in queries.list_users(pmo(), at=at())),
    ), 422 if errors else 200


def _export(fmt: str, values: dict[str, Any], errors: dict[str, str]):
    """The filtered records from this page on (not only its 50), up to ``LEDGER_EXPORT_MAX``;
    the audit export has the whole ledger with its chain hashes."""
    if errors:
        abort(422, " ".join(f"{name}: {message}" for name, message in errors.items()))
    filters = {k: v for k, v in values.items() if k != "before"}
    rows = exports.every_page(lambda before, size: log_page(pmo(), at=at(), limit=size, before=before, **filters),
                              values["before"], exports.LEDGER_EXPORT_MAX)
    return exports.download(exports.ledger(rows, _targets(rows)), fmt, "ledger")


@bp.route("/entities/<uuid:entity_id>")
@require(can_audit)
def entity(entity_id):
    """One entity's story: field-level changes where a read model keeps them, and its records."""
    events = log_page(pmo(), entity_id=entity_id, at=at(), limit=PAGE_SIZE)
    rows = events["items"]
    if not rows:
        state = asof.current()
        abort(404, "The ledger has no records for this id" + (f" as of {state.label}." if state else "."))
    return render_template(
        "ledger/entity.html", entity_id=entity_id, history=history(entity_id), rows=rows,
        target=_target(rows[0]["topic"].rsplit(".", 1)[0], entity_id) if rows else None,
        more=link(".index", entity=str(entity_id), before=events["next_before"]) if events["next_before"] else None,
    )
