"""/api/resources: allocations, demand, the heat map, over-allocation warnings, the skills
search and the import."""
from __future__ import annotations

import uuid

from flask import request
from flask.views import MethodView
from flask_smorest import abort as smorest_abort
from marshmallow import RAISE

from core.domain.errors import ValidationError
from core.importing.readers import MAX_BYTES, FileRefused
from core.permissions import can_edit_portfolio
from plugins import kit
from plugins.resources import importer, queries, services, workload
from plugins.resources import schemas as s
from plugins.resources.api import (
    allocation_row, api, demand_row, new_on_project, reads, require_plan, window, with_warnings, writes,
)


# --- allocations ----------------------------------------------------------------------------

@api.route("/allocations")
class Allocations(MethodView):
    @reads()
    @api.arguments(s.AllocationQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.AllocationSchema(many=True))
    def get(self, filters):
        """List allocations, earliest first; filter by person, project and status."""
        at = kit.read_at(filters.pop("as_of", None))
        return queries.list_allocations(kit.pmo(), at, **filters)

    @writes()
    @api.arguments(s.AllocationCreateSchema)
    @api.response(201, s.AllocationAnswerSchema, headers=kit.LOCATION)
    def post(self, body):
        """Allocate a person to a project for a period; booked beyond capacity, it is recorded
        all the same, and ``warnings`` names each month and the projects that over-book them."""
        new_on_project(body["project_id"])
        with kit.command(kit.why(body)) as pmo:
            allocation = services.allocate(pmo, **body)
        row = with_warnings(pmo, allocation.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/resources/allocations/{allocation.id}"}


@api.route("/allocations/<uuid:allocation_id>")
class AllocationItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.AllocationSchema, headers=kit.ETAG)
    def get(self, args, allocation_id: uuid.UUID):
        """Show an allocation."""
        row = allocation_row(allocation_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.AllocationUpdateSchema)
    @api.response(200, s.AllocationAnswerSchema, headers=kit.ETAG)
    def patch(self, changes, allocation_id: uuid.UUID):
        """Change the period or the amount; ``warnings`` as when allocating."""
        require_plan(allocation_row(allocation_id)["project_id"])
        return kit.versioned_write(services.change_allocation, changes, with_warnings, allocation_id)


@api.route("/allocations/<uuid:allocation_id>/withdraw")
class Withdraw(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ResourcesReasonSchema)
    @api.response(200, s.AllocationSchema, headers=kit.ETAG)
    def post(self, body, allocation_id: uuid.UUID):
        """Take the person off the project; a demand it filled is open again for that part."""
        require_plan(allocation_row(allocation_id)["project_id"])
        return kit.versioned_write(services.withdraw_allocation, body, queries.get_allocation, allocation_id)


# --- demand ---------------------------------------------------------------------------------

@api.route("/demands")
class Demands(MethodView):
    @reads()
    @api.arguments(s.DemandQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.DemandSchema(many=True))
    def get(self, filters):
        """List role-based demand, earliest first; open (not filled yet, in whole or part) by default."""
        at = kit.read_at(filters.pop("as_of", None))
        return queries.list_demands(kit.pmo(), at, **filters)

    @writes()
    @api.arguments(s.DemandCreateSchema)
    @api.response(201, s.DemandSchema, headers=kit.LOCATION)
    def post(self, body):
        """Ask for a role on a project for a period ("2 FTE business analyst for Q3")."""
        new_on_project(body["project_id"])
        with kit.command(kit.why(body)) as pmo:
            demand = services.raise_demand(pmo, **body)
        row = queries.get_demand(pmo, demand.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/resources/demands/{demand.id}"}


@api.route("/demands/<uuid:demand_id>")
class DemandItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.DemandSchema, headers=kit.ETAG)
    def get(self, args, demand_id: uuid.UUID):
        """Show a demand and who fills it."""
        row = demand_row(demand_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)


@api.route("/demands/<uuid:demand_id>/fill")
class Fill(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.DemandFillSchema)
    @api.response(201, s.AllocationAnswerSchema, headers=kit.LOCATION)
    def post(self, body, demand_id: uuid.UUID):
        """Fill (part of) the demand with a person: an allocation to its project for its period."""
        require_plan(demand_row(demand_id)["project_id"])
        version = kit.expected_version()
        with kit.command(kit.why(body)) as pmo:
            allocation = services.fill_demand(pmo, demand_id, expected_version=version, **body)
        row = with_warnings(pmo, allocation.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/resources/allocations/{allocation.id}"}


@api.route("/demands/<uuid:demand_id>/withdraw")
class WithdrawDemand(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.ResourcesReasonSchema)
    @api.response(200, s.DemandSchema, headers=kit.ETAG)
    def post(self, body, demand_id: uuid.UUID):
        """Withdraw an open demand: the project no longer asks for it."""
        require_plan(demand_row(demand_id)["project_id"])
        return kit.versioned_write(services.withdraw_demand, body, queries.get_demand, demand_id)


# --- views over the plan --------------------------------------------------------------------

@api.route("/heatmap")
class Heatmap(MethodView):
    @reads()
    @api.arguments(s.CapacityHeatmapQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.CapacityHeatmapSchema)
    def get(self, args):
        """Capacity against demand per month by person, role or department, in hours."""
        at = kit.read_at(args.pop("as_of", None))
        months = window(args)
        return workload.heatmap(kit.pmo(), at, args["by"], months[0], len(months))


@api.route("/warnings")
class Warnings(MethodView):
    @reads()
    @api.arguments(s.OverAllocationQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.OverAllocationSchema(many=True))
    def get(self, args):
        """List each person and month booked beyond capacity, with the projects that book them."""
        at = kit.read_at(args.pop("as_of", None))
        person = args.pop("person_id", None)
        return workload.over_allocations(kit.pmo(), at, window(args), {person} if person else None)


@api.route("/search")
class Search(MethodView):
    @reads()
    @api.arguments(s.SkillSearchQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.SkillSearchResultSchema(many=True))
    def get(self, args):
        """Find people with a skill at a level or above and, with ``free_in``, room that month."""
        at = kit.read_at(args.pop("as_of", None))
        return workload.search(kit.pmo(), at, args.get("skill"), args["min_level"], args.get("free_in"),
                               args["min_free_pct"])


@api.route("/import")
class Import(MethodView):
    @writes(can_edit_portfolio)
    @api.arguments(s.ResourcesImportArgs, location="query", unknown=RAISE)
    @api.arguments(s.ResourcesImportFile, location="files")
    @api.response(200, s.ResourcesImportReportSchema)
    def post(self, args, files):
        """Import a people list or an allocation sheet, CSV or XLSX (pmo, admin); one bad row and
        nothing is imported (422 naming every bad line)."""
        upload = files["file"]
        data = upload.read(MAX_BYTES + 1)
        try:
            with kit.command(request.headers.get("X-Reason", "")) as pmo:
                report = importer.import_file(pmo, args["kind"], data, upload.filename or "", args["dry_run"])
        except FileRefused as error:
            raise ValidationError(error.message, "file") from None
        answer = {"kind": report.kind, "rows": report.rows, "imported": report.imported, "dry_run": report.dry_run,
                  "ok": report.ok, "summary": report.summary(), "errors": [vars(e) for e in report.errors],
                  "warnings": importer.warnings(pmo, report)}
        if not report.ok:
            errors: dict[str, list[str]] = {}
            for e in report.errors:
                errors.setdefault(f"line {e.line}", []).append(f"{e.column}: {e.message}")
            smorest_abort(422, message=answer["summary"], errors=errors)
        return answer
