"""JSON API: /api/gate-reviews, /api/gate-checklists, /api/meeting-series and /api/meetings
(flask-smorest, so in the OpenAPI document).

Thin: parse with a schema, check who may, call one service inside ``command(reason)``, answer
the read model with its version as ETag. Every read takes ``as_of``. A closed meeting refuses
every change with 409 and a message; a version clash (If-Match) is a 409 too.
"""
from __future__ import annotations

import uuid

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from core import queries as core_queries
from core.domain.errors import ValidationError
from plugins import kit
from plugins.governance import queries, services
from plugins.governance import schemas as s

api = Blueprint("governance_api", __name__, url_prefix="/api",
                description="Governance: gate reviews with checklists and verdicts, meeting series and meetings.")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the project, does not allow this",
    404: "No such review, series or meeting (as of the given moment)",
    409: "Conflict: it changed since your If-Match version (see current_version), the meeting is closed, "
         "or the project already has an open review",
    422: "Invalid input: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, queries.may_write)


def _found(row: dict | None, what: str, key: uuid.UUID, at: int | None) -> dict:
    if row is None:
        abort(404, f"no {what} {key}" + (" at that moment" if at is not None else ""))
    return row


def _review(review_id: uuid.UUID, at: int | None = None) -> dict:
    return _found(queries.get_review(kit.pmo(), review_id, at), "gate review", review_id, at)


def _meeting(meeting_id: uuid.UUID, at: int | None = None) -> dict:
    return _found(queries.get_meeting(kit.pmo(), meeting_id, at), "meeting", meeting_id, at)


def _series(series_id: uuid.UUID, at: int | None = None) -> dict:
    return _found(queries.get_series(kit.pmo(), series_id, at), "meeting series", series_id, at)


def _may_prepare(project_id: uuid.UUID) -> None:
    project = core_queries.get_project(kit.pmo(), project_id)
    if project is None:
        raise ValidationError("no such project", "project_id")
    kit.allow(queries.may_prepare(kit.pmo(), kit.user(), project), "reviews of a project you do not manage")


# --- checklists -------------------------------------------------------------------------------

@api.route("/gate-checklists")
class Checklists(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.ChecklistSchema(many=True))
    def get(self, args):
        """The PMO's default checklist per gate (approved, active, closed)."""
        return queries.default_checklists(kit.pmo(), kit.read_at(args.pop("as_of", None)))

    @writes(queries.may_decide)
    @api.arguments(s.ChecklistUpdateSchema)
    @api.response(200, s.ChecklistSchema)
    def post(self, body):
        """Set the default checklist of one gate (pmo, admin); reviews already opened keep theirs."""
        with kit.command(kit.why(body)) as pmo:
            services.set_default_checklist(pmo, body["stage"], body["items"])
        return next(c for c in queries.default_checklists(pmo) if c["stage"] == body["stage"])


# --- gate reviews -----------------------------------------------------------------------------

@api.route("/gate-reviews")
class Reviews(MethodView):
    @reads()
    @api.arguments(s.GateReviewQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.GateReviewSchema(many=True))
    def get(self, args):
        """List gate reviews, the latest first; filter by project, status, verdict."""
        at = kit.read_at(args.pop("as_of", None))
        return queries.list_reviews(kit.pmo(), at, **args)

    @writes()
    @api.arguments(s.GateReviewCreateSchema)
    @api.response(201, s.GateReviewSchema, headers=kit.LOCATION)
    def post(self, body):
        """Open a gate review of the project's next gate, its checklist copied in."""
        _may_prepare(body["project_id"])
        with kit.command(kit.why(body)) as pmo:
            review = services.open_gate_review(pmo, **body)
        row = queries.get_review(pmo, review.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/gate-reviews/{review.id}"}


@api.route("/gate-reviews/<uuid:review_id>")
class ReviewItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.GateReviewSchema, headers=kit.ETAG)
    def get(self, args, review_id):
        """Show a gate review with its checklist answers and verdict."""
        row = _review(review_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)


@api.route("/gate-reviews/<uuid:review_id>/answers")
class ReviewAnswers(MethodView):
    @writes(item=True, if_match=True)
    @api.arguments(s.GateReviewAnswersSchema)
    @api.response(200, s.GateReviewSchema, headers=kit.ETAG)
    def post(self, body, review_id):
        """Keep the checklist's answers and evidence so far (the project's manager, pmo, admin)."""
        _may_prepare(_review(review_id)["project_id"])
        return kit.versioned_write(services.answer_gate_review, body, queries.get_review, review_id)


@api.route("/gate-reviews/<uuid:review_id>/verdict")
class ReviewVerdict(MethodView):
    @writes(queries.may_decide, item=True, if_match=True)
    @api.arguments(s.GateReviewVerdictSchema)
    @api.response(200, s.GateReviewSchema, headers=kit.ETAG)
    def post(self, body, review_id):
        """Give the verdict (pmo, admin): go and go with conditions move the project; the decision
        goes to the decision log and each condition becomes an action, all in one transaction."""
        _review(review_id)
        return kit.versioned_write(services.decide_gate_review, body, queries.get_review, review_id)


# --- meeting series ---------------------------------------------------------------------------

@api.route("/meeting-series")
class SeriesList(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.SeriesSchema(many=True))
    def get(self, args):
        """List the governance meeting series."""
        return queries.list_series(kit.pmo(), kit.read_at(args.pop("as_of", None)))

    @writes(queries.may_decide)
    @api.arguments(s.SeriesCreateSchema)
    @api.response(201, s.SeriesSchema, headers=kit.LOCATION)
    def post(self, body):
        """Establish a recurring governance meeting (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            series = services.establish_series(pmo, **body)
        row = queries.get_series(pmo, series.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/meeting-series/{series.id}"}


@api.route("/meeting-series/<uuid:series_id>")
class SeriesItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.SeriesSchema, headers=kit.ETAG)
    def get(self, args, series_id):
        """Show a meeting series."""
        row = _series(series_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(queries.may_decide, item=True, if_match=True)
    @api.arguments(s.SeriesUpdateSchema)
    @api.response(200, s.SeriesSchema, headers=kit.ETAG)
    def patch(self, body, series_id):
        """Change a meeting series (pmo, admin)."""
        _series(series_id)
        return kit.versioned_write(services.revise_series, body, queries.get_series, series_id)


# --- meetings ---------------------------------------------------------------------------------

@api.route("/meetings")
class Meetings(MethodView):
    @reads()
    @api.arguments(s.MeetingQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.MeetingSummarySchema(many=True))
    def get(self, args):
        """List meetings, the latest first; filter by series, status, project on the agenda."""
        at = kit.read_at(args.pop("as_of", None))
        return queries.list_meetings(kit.pmo(), at, **args)

    @writes(queries.may_decide)
    @api.arguments(s.MeetingCreateSchema)
    @api.response(201, s.MeetingSchema, headers=kit.LOCATION)
    def post(self, body):
        """Schedule a meeting of a series, with its agenda (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            meeting = services.schedule_meeting(pmo, **body)
        row = queries.get_meeting(pmo, meeting.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/meetings/{meeting.id}"}


def _meeting_change(meeting_id: uuid.UUID, body: dict, service) -> tuple:
    _meeting(meeting_id)
    return kit.versioned_write(service, body, queries.get_meeting, meeting_id)


@api.route("/meetings/<uuid:meeting_id>")
class MeetingItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.MeetingSchema, headers=kit.ETAG)
    def get(self, args, meeting_id):
        """Show a meeting: agenda with each project's status as of the moment read (as_of the
        meeting's date: the papers as they were), attendees, minutes, decisions and actions."""
        row = _meeting(meeting_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(queries.may_decide, item=True, if_match=True)
    @api.arguments(s.MeetingUpdateSchema)
    @api.response(200, s.MeetingSchema, headers=kit.ETAG)
    def patch(self, body, meeting_id):
        """Change an open meeting's date, title, agenda, attendees or minutes (closed: 409)."""
        return _meeting_change(meeting_id, body, services.update_meeting)


@api.route("/meetings/<uuid:meeting_id>/decisions")
class MeetingDecisions(MethodView):
    @writes(queries.may_decide, item=True, if_match=True)
    @api.arguments(s.MeetingDecisionSchema)
    @api.response(201, s.MeetingSchema, headers=kit.ETAG)
    def post(self, body, meeting_id):
        """Record a decision taken in the meeting: into the decision log, linked to the meeting."""
        return _meeting_change(meeting_id, body, services.record_meeting_decision)


@api.route("/meetings/<uuid:meeting_id>/actions")
class MeetingActions(MethodView):
    @writes(queries.may_decide, item=True, if_match=True)
    @api.arguments(s.MeetingActionSchema)
    @api.response(201, s.MeetingSchema, headers=kit.ETAG)
    def post(self, body, meeting_id):
        """Record an action agreed in the meeting: onto the action list, linked to the meeting."""
        return _meeting_change(meeting_id, body, services.assign_meeting_action)


@api.route("/meetings/<uuid:meeting_id>/close")
class MeetingClose(MethodView):
    @writes(queries.may_decide, item=True, if_match=True)
    @api.arguments(s.MeetingCloseSchema)
    @api.response(200, s.MeetingSchema, headers=kit.ETAG)
    def post(self, body, meeting_id):
        """Close the meeting: its record is archived and read-only from now on."""
        return _meeting_change(meeting_id, body, services.close_meeting)
