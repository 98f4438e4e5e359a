"""JSON API: /api/risks and /api/issues (flask-smorest, so it is in the OpenAPI document).

Thin: parse with a schema, check who may, call one service inside ``command(reason)``, answer
the read model with its version as ETag. Order of checks in a write: signed in (401), role
(403), body (422), the resource (404), rights over it (403), If-Match (400), the service
(409/422). Errors are problem+json app-wide (domain errors with a field give 422).
"""
from __future__ import annotations

import uuid
from typing import Any, Callable

from flask import abort, request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest import abort as smorest_abort
from marshmallow import RAISE, Schema, fields

from core.domain.errors import ValidationError
from core.permissions import can_administer, can_edit_portfolio
from core import queries as core_queries
from plugins import kit
from plugins.risk import importer, queries, services
from plugins.risk import schemas as s

api = Blueprint("risk_api", __name__, url_prefix="/api",
                description="Risk and issue registers: risks, assessments, heat maps, issues.")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the project, does not allow this",
    404: "No such risk or issue (as of the given moment)",
    409: "Conflict: it changed since your If-Match version (see current_version), or the reference is taken",
    422: "Invalid input: `errors` names each bad field",
}
ETAG, LOCATION = kit.ETAG, kit.LOCATION
reads, writes = kit.api_docs(api, ERRORS, queries.may_write)


def _risk(risk_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_risk(kit.pmo(), risk_id, at=at, today=kit.read_day())
    if row is None:
        abort(404, f"no risk {risk_id}" + (" at that moment" if at is not None else ""))
    return row


def _issue(issue_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_issue(kit.pmo(), issue_id, at=at)
    if row is None:
        abort(404, f"no issue {issue_id}" + (" at that moment" if at is not None else ""))
    return row


def _may_edit(row: dict | None, project_id: Any = None) -> None:
    if not queries.may_edit(kit.pmo(), kit.user(), row, project_id):
        where = (f"project {row['project_code']}" if row and row.get("project_code")
                 else "this project" if (row or {}).get("project_id") or project_id else
                 "programme and portfolio items")
        abort(403, f"your role does not allow changes to {where}")


def _new_item_rights(body: dict) -> None:
    """Before a creation: the project must exist (422) and be the caller's to edit (403)."""
    if body.get("scope", "project") == "project":
        pid = body.get("project_id")
        if pid is None:
            raise ValidationError("a project item needs its project", "project_id")
        if core_queries.get_project(kit.pmo(), pid) is None:
            raise ValidationError("no such project", "project_id")
        _may_edit(None, pid)
    else:
        _may_edit(None)


def _change_risk(risk_id: uuid.UUID, body: dict, service: Callable) -> tuple:
    _may_edit(_risk(risk_id))
    return kit.versioned_write(service, body, queries.get_risk, risk_id)


def _change_issue(issue_id: uuid.UUID, body: dict, service: Callable) -> tuple:
    _may_edit(_issue(issue_id))
    return kit.versioned_write(service, body, queries.get_issue, issue_id)


# --- risks ----------------------------------------------------------------------------------

@api.route("/risks")
class Risks(MethodView):
    @reads()
    @api.arguments(s.RiskQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.RiskSchema(many=True))
    def get(self, filters):
        """List risks, highest exposure first; filter and sort as in the register."""
        at = kit.read_at(filters.pop("as_of", None))
        return queries.list_risks(kit.pmo(), at, kit.read_day(), **filters)

    @writes()
    @api.arguments(s.RiskCreateSchema)
    @api.response(201, s.RiskSchema, headers=LOCATION)
    def post(self, body):
        """Identify a risk; with probability and impact it is assessed (inherent) at once."""
        _new_item_rights(body)
        with kit.command(kit.why(body)) as pmo:
            risk = services.identify_risk(pmo, **body)
        row = queries.get_risk(pmo, risk.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/risks/{risk.id}"}


@api.route("/risks/heatmap")
class Heatmap(MethodView):
    @reads()
    @api.arguments(s.HeatmapQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.HeatmapSchema)
    def get(self, filters):
        """Count risks per probability x impact cell, inherent or residual, for the same filters as the register."""
        at = kit.read_at(filters.pop("as_of", None))
        data = queries.heatmap(kit.pmo(), filters.pop("basis"), at, kit.read_day(), **filters)
        scale = data["scale"]
        cells = [{"probability": p, "impact": i, "score": p * i, "level": scale.level(p * i),
                  "count": data["cells"].get((p, i), 0)}
                 for p in range(1, len(scale.probability) + 1) for i in range(1, len(scale.impact) + 1)]
        return {"basis": data["basis"], "probability_labels": list(scale.probability),
                "impact_labels": list(scale.impact), "cells": cells, "total": data["total"],
                "unassessed": data["unassessed"]}


@api.route("/risks/scales")
class Scales(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.ScalesSchema, headers=ETAG)
    def get(self, args):
        """Show the probability and impact scales and the level thresholds."""
        row = queries.settings_row(kit.pmo(), kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(can_administer, if_match=True)
    @api.arguments(s.ScalesUpdateSchema)
    @api.response(200, s.ScalesSchema, headers=ETAG)
    def put(self, body):
        """Set the scales and thresholds (admin); assessments made before keep their score."""
        return kit.versioned_write(services.configure_scales, body, queries.settings_row)


class ImportArgs(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check only; import nothing"})
    project = fields.String(metadata={"description": "code of the project rows without a project column go to"})


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportErrorSchema(Schema):
    line = fields.Integer()
    column = fields.String()
    message = fields.String()


class ImportReportSchema(Schema):
    """What an import did, or would do (dry run); ``errors`` name line and column."""

    rows = fields.Integer()
    imported = fields.Integer()
    dry_run = fields.Boolean()
    ok = fields.Boolean()
    summary = fields.String()
    errors = fields.List(fields.Nested(ImportErrorSchema))
    risk_ids = fields.List(fields.UUID())


@api.route("/risks/import")
class Import(MethodView):
    @writes(can_edit_portfolio)
    @api.arguments(ImportArgs, location="query", unknown=RAISE)
    @api.arguments(ImportFile, location="files")
    @api.response(200, ImportReportSchema)
    def post(self, args, files):
        """Import a CSV or XLSX register (pmo, admin); one bad row and nothing is imported (422 with every bad line).

        The same import as /api/imports/risks; rows that name no project or programme go to ?project=CODE."""
        upload = files["file"]
        target = importer.Target()
        if args.get("project"):
            project = core_queries.get_project(kit.pmo(), args["project"])
            if project is None:
                raise ValidationError("no such project", "project")
            target = importer.Target("project", project["id"])
        with kit.command(request.headers.get("X-Reason", "") or "Risk register imported") as pmo:
            report = importer.import_register(pmo, upload.read(importer.MAX_BYTES + 1), target,
                                              dry_run=args["dry_run"], filename=upload.filename or "register.csv")
        if not report.ok:
            errors: dict[str, list[str]] = {}
            for e in report.errors:
                errors.setdefault(f"line {e.line}", []).append(f"{e.column}: {e.message}")
            smorest_abort(422, message=report.summary(), errors=errors)
        return {"rows": report.rows, "imported": report.imported, "dry_run": report.dry_run, "ok": report.ok,
                "summary": report.summary(), "errors": [], "risk_ids": report.ids if report.imported else []}


@api.route("/risks/<uuid:risk_id>")
class RiskItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.RiskSchema, headers=ETAG)
    def get(self, args, risk_id: uuid.UUID):
        """Show a risk with its current exposure and mitigation state."""
        row = _risk(risk_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.RiskUpdateSchema)
    @api.response(200, s.RiskSchema, headers=ETAG)
    def patch(self, changes, risk_id: uuid.UUID):
        """Change an open risk's title, description, cause, effect, category, owner or dates."""
        return _change_risk(risk_id, changes, services.update_risk)


@api.route("/risks/<uuid:risk_id>/assessments")
class Assessments(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.AssessmentSchema(many=True))
    def get(self, args, risk_id: uuid.UUID):
        """List a risk's assessments, oldest first."""
        at = kit.read_at(args.pop("as_of", None))
        _risk(risk_id, at)
        return queries.risk_assessments(kit.pmo(), risk_id, at)

    @writes(item=True, if_match=True)
    @api.arguments(s.AssessmentCreateSchema)
    @api.response(200, s.RiskSchema, headers=ETAG)
    def post(self, body, risk_id: uuid.UUID):
        """Assess a risk, inherent or residual; score and level are computed."""
        return _change_risk(risk_id, body, services.assess_risk)


@api.route("/risks/<uuid:risk_id>/response")
class Response(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ResponseCreateSchema)
    @api.response(200, s.RiskSchema, headers=ETAG)
    def post(self, body, risk_id: uuid.UUID):
        """Choose the response strategy and say what it is."""
        return _change_risk(risk_id, body, services.plan_response)


@api.route("/risks/<uuid:risk_id>/mitigations")
class Mitigations(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.MitigationSchema(many=True))
    def get(self, args, risk_id: uuid.UUID):
        """List the core actions that mitigate the risk, with their overdue status."""
        at = kit.read_at(args.pop("as_of", None))
        _risk(risk_id, at)
        return queries.risk_mitigations(kit.pmo(), risk_id, at, kit.read_day())

    @writes(item=True, if_match=True)
    @api.arguments(s.MitigationCreateSchema)
    @api.response(201, s.MitigationSchema, headers=LOCATION)
    def post(self, body, risk_id: uuid.UUID):
        """Assign a new core action that mitigates the risk, or link an existing one of its project."""
        _may_edit(_risk(risk_id))
        version = kit.expected_version()
        with kit.command(kit.why(body)) as pmo:
            if "action_id" in body:
                services.link_mitigation(pmo, risk_id, body["action_id"], expected_version=version)
                action_id = body["action_id"]
            else:
                action_id = services.add_mitigation(pmo, risk_id, expected_version=version, **body).id
        row = next(a for a in queries.risk_mitigations(pmo, risk_id) if a["id"] == action_id)
        return row, 201, {**kit.etag(row), "Location": f"/api/actions/{action_id}"}


@api.route("/risks/<uuid:risk_id>/review")
class Review(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ReviewCreateSchema)
    @api.response(200, s.RiskSchema, headers=ETAG)
    def post(self, body, risk_id: uuid.UUID):
        """Record a review of the risk and its next review date."""
        return _change_risk(risk_id, body, services.review_risk)


@api.route("/risks/<uuid:risk_id>/close")
class Close(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.CloseSchema)
    @api.response(200, s.RiskSchema, headers=ETAG)
    def post(self, body, risk_id: uuid.UUID):
        """Close an open risk, saying why."""
        if not body.get("reason") and not request.headers.get("X-Reason"):
            body["reason"] = body["closure"]  # the closure is why, unless a reason is given
        return _change_risk(risk_id, body, services.close_risk)


@api.route("/risks/<uuid:risk_id>/materialise")
class Materialise(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.MaterialiseSchema)
    @api.response(201, s.IssueSchema, headers=LOCATION)
    def post(self, body, risk_id: uuid.UUID):
        """The risk happened: raise an issue from it; the risk ends, linked to the issue."""
        _may_edit(_risk(risk_id))
        version = kit.expected_version()
        with kit.command(kit.why(body)) as pmo:
            issue = services.materialise_risk(pmo, risk_id, expected_version=version, **body)
        row = queries.get_issue(pmo, issue.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/issues/{issue.id}"}


# --- issues ---------------------------------------------------------------------------------

@api.route("/issues")
class Issues(MethodView):
    @reads()
    @api.arguments(s.IssueQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.IssueSchema(many=True))
    def get(self, filters):
        """List issues, highest priority first; filter by project, programme, status, priority, escalation."""
        at = kit.read_at(filters.pop("as_of", None))
        return queries.list_issues(kit.pmo(), at, **filters)

    @writes()
    @api.arguments(s.IssueCreateSchema)
    @api.response(201, s.IssueSchema, headers=LOCATION)
    def post(self, body):
        """Raise an issue that no risk foresaw."""
        _new_item_rights(body)
        with kit.command(kit.why(body)) as pmo:
            issue = services.raise_issue(pmo, **body)
        row = queries.get_issue(pmo, issue.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/issues/{issue.id}"}


@api.route("/issues/<uuid:issue_id>")
class IssueItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.IssueSchema, headers=ETAG)
    def get(self, args, issue_id: uuid.UUID):
        """Show an issue."""
        row = _issue(issue_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.IssueUpdateSchema)
    @api.response(200, s.IssueSchema, headers=ETAG)
    def patch(self, changes, issue_id: uuid.UUID):
        """Change an open issue's title, owner, priority or description."""
        return _change_issue(issue_id, changes, services.update_issue)


@api.route("/issues/<uuid:issue_id>/escalate")
class Escalate(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.EscalateSchema)
    @api.response(200, s.IssueSchema, headers=ETAG)
    def post(self, body, issue_id: uuid.UUID):
        """Escalate an issue to the programme board or the portfolio board."""
        return _change_issue(issue_id, body, services.escalate_issue)


@api.route("/issues/<uuid:issue_id>/resolve")
class Resolve(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ResolveSchema)
    @api.response(200, s.IssueSchema, headers=ETAG)
    def post(self, body, issue_id: uuid.UUID):
        """Resolve an open issue, saying how."""
        return _change_issue(issue_id, body, services.resolve_issue)
