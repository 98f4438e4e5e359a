"""/api/status-reports: periodic RAG reports, editable as drafts, frozen once published.

One collection, one flag: POST a report with ``"publish": true`` to submit it (draft and
publish in one transaction, what most PMOs do each period), or leave it out to keep a draft
that is revised with PATCH and published later with POST .../publish.
"""
from __future__ import annotations

import uuid

from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.services import reporting as service
from plugins import kit
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, expected_version, found, may_edit, may_edit_item, project_ref,
    reads, reason, reply, resource_blueprint, writes,
)
from web.api.schemas import (
    ReasonSchema, StatusReportCreateSchema, StatusReportQueryArgsSchema, StatusReportSchema,
    StatusReportUpdateSchema,
)
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("status_reports", __name__, "Status reports: a project's RAG for a period.")


def _report(report_id: uuid.UUID, at: int | None = None) -> dict:
    return found(queries.get_status_report(current_pmo(), report_id, at=at), "status report", report_id)


@blp.route("/status-reports")
class StatusReports(MethodView):
    @reads(blp)
    @blp.arguments(StatusReportQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, StatusReportSchema(many=True))
    def get(self, filters):
        """List status reports, latest period first; filter by project_id, published."""
        return queries.list_status_reports(current_pmo(), at=as_of(filters), **filters)

    @writes(blp)
    @blp.arguments(StatusReportCreateSchema)
    @blp.response(201, StatusReportSchema, headers=CREATED)
    def post(self, body):
        """Draft a status report, or submit it at once with "publish": true."""
        may_edit(project_ref(body["project_id"]))
        submit = service.submit_status_report if body.pop("publish") else service.draft_status_report
        with command(reason(body)) as pmo:
            report = submit(pmo, **body)
        return created(queries.get_status_report(pmo, report.id), "status_reports.StatusReport",
                       report_id=report.id)


@blp.route("/status-reports/<uuid:report_id>")
class StatusReport(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, StatusReportSchema, headers=ETAG)
    def get(self, args, report_id: uuid.UUID):
        """Show a status report."""
        return reply(_report(report_id, as_of(args)))

    @writes(blp, item=True, if_match=True)
    @blp.arguments(StatusReportUpdateSchema)
    @blp.response(200, StatusReportSchema, headers=ETAG)
    def patch(self, changes, report_id: uuid.UUID):
        """Revise a draft status report (422 once it is published)."""
        may_edit_item(_report(report_id))
        return kit.versioned_write(service.revise_status_report, changes, queries.get_status_report, report_id)


@blp.route("/status-reports/<uuid:report_id>/publish")
class StatusReportPublication(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(ReasonSchema, required=False)
    @blp.response(200, StatusReportSchema, headers=ETAG)
    def post(self, body, report_id: uuid.UUID):
        """Publish a draft: it becomes part of the record and can no longer change."""
        may_edit_item(_report(report_id))
        version = expected_version()
        with command(reason(body)) as pmo:
            service.publish_status_report(pmo, report_id, expected_version=version)
        return reply(queries.get_status_report(pmo, report_id))
