"""Pages under /governance: the overview with the review timeline, gate reviews (open, answer,
give the verdict), the default checklists, meeting series and meetings (agenda, attendees,
minutes, decisions and actions taken, closing).

Thin views: read the request, call one query or one service (inside ``kit.form_page``),
render. Every read page honours ``?as_of=``; a meeting's page as of its date shows the papers
(agenda, each project's status) as they were. A closed meeting's forms answer 409 with a
message; so does posting to them.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from core import queries as core_queries
from core.domain.project import NEXT_STAGE
from core.permissions import can_read
from plugins import kit
from plugins.governance import charts, forms, queries, services
from plugins.governance.domain import GATED_STAGES, REVIEW_STATUSES, VERDICTS, label

bp = Blueprint("governance", __name__, url_prefix="/governance", template_folder="templates",
               static_folder="static", static_url_path="/static")


def _editing() -> bool:
    return kit.moment() is None


def _people() -> list[str]:
    return [u["username"] for u in core_queries.list_users(kit.pmo()) if u["active"]]


def _form(form: kit.Form, action, success, message: str, title: str, cancel: str, submit: str = "Save",
          lead: str = "") -> Any:
    return kit.form_page(form, action, success, message, title=title, cancel=cancel, submit=submit, lead=lead,
                         people=_people())


@bp.app_template_global("governance_source")
def governance_source(record_id: Any) -> Markup | None:
    """For the core's decision and action pages: a link to the gate review or meeting that took
    the record, as of the page's moment (None: none, or the plugin is off)."""
    unit = kit.pmo()
    if "governance" not in unit.enabled_plugins():
        return None
    row = queries.source_of(unit, record_id, kit.at())
    if row is None:
        return None
    path = (url_for("governance.review", review_id=row["source_id"]) if row["source_kind"] == "review"
            else url_for("governance.meeting", meeting_id=row["source_id"]))
    kind = "gate review" if row["source_kind"] == "review" else "meeting"
    return Markup('<span class="governance-source">Taken in {kind}: <a href="{href}">{label}</a></span>').format(
        kind=kind, href=kit.href(path), label=row["label"])


# --- overview ---------------------------------------------------------------------------------

@bp.route("/")
@kit.require(can_read)
def index():
    """Open reviews, the timeline of gate reviews and their verdicts, the meeting series."""
    unit, at = kit.pmo(), kit.at()
    reviews = queries.list_reviews(unit, at)
    meetings = queries.list_meetings(unit, at)
    return render_template(
        "governance/index.html", open_reviews=[r for r in reviews if r["status"] == "open"],
        decided=[r for r in reviews if r["status"] == "decided"][:10], series=queries.list_series(unit, at),
        meetings=meetings[:8], timeline=charts.review_timeline("review-timeline", reviews, kit.href),
        may_decide=_editing() and queries.may_decide(kit.user()), label=label,
        may_prepare=_editing() and queries.may_write(kit.user()))


# --- checklists -------------------------------------------------------------------------------

@bp.route("/checklists")
@kit.require(can_read)
def checklists():
    return render_template("governance/checklists.html", rows=queries.default_checklists(kit.pmo(), kit.at()),
                           may_edit=_editing() and queries.may_decide(kit.user()))


@bp.route("/checklists/<stage>", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def edit_checklist(stage: str):
    if stage not in GATED_STAGES:
        abort(404, "Gate reviews are held for the gates to approved, active and closed.")
    current = queries.default_checklist(kit.pmo(), stage)
    form = forms.ChecklistForm(data={"items": "\n".join(current)}) if request.method == "GET" else forms.ChecklistForm()
    return _form(form, lambda u: services.set_default_checklist(u, stage, forms.lines(form.items.data)),
                 lambda _: url_for(".checklists"), f"Checklist for the gate to {stage} saved.",
                 f"Default checklist: gate to {stage}", url_for(".checklists"),
                 lead="Used by reviews of projects not made from a template (a template's own checklist wins). "
                      "Reviews already opened keep the checklist they started with.")


# --- gate reviews -----------------------------------------------------------------------------

@bp.route("/reviews/")
@kit.require(can_read)
def reviews():
    unit, at = kit.pmo(), kit.at()
    status = request.args.get("status") if request.args.get("status") in REVIEW_STATUSES else None
    verdict = request.args.get("verdict") if request.args.get("verdict") in VERDICTS else None
    code = (request.args.get("project") or "").strip()
    project = core_queries.get_project(unit, code, at=at) if code else None
    rows = [] if code and project is None else queries.list_reviews(
        unit, at, project_id=project["id"] if project else None, status=status, verdict=verdict)
    return render_template("governance/reviews.html", rows=rows, project=project, status=status, verdict=verdict,
                           statuses=REVIEW_STATUSES, verdicts=VERDICTS, label=label,
                           projects=core_queries.list_projects(unit, at=at),
                           timeline=charts.review_timeline("review-timeline", rows, kit.href),
                           may_prepare=_editing() and queries.may_write(kit.user()))


@bp.route("/reviews/new", methods=["GET", "POST"])
@kit.require(queries.may_write)
def new_review():
    """Open a gate review of a project's next gate (``?project=CODE`` preselects it)."""
    unit, user = kit.pmo(), kit.user()
    mine = [p for p in core_queries.list_projects(unit)
            if NEXT_STAGE.get(p["stage"]) in GATED_STAGES and queries.may_prepare(unit, user, p)]
    form = forms.OpenReviewForm()
    form.project_id.choices = [SelectChoice("", "(choose a project)")] + [
        SelectChoice(p["id"], f"{p['code']} · {p['name']} ({p['stage']} → {NEXT_STAGE[p['stage']]})") for p in mine]
    if request.method == "GET":
        chosen = core_queries.get_project(unit, request.args["project"]) if request.args.get("project") else None
        form.project_id.data = chosen["id"] if chosen else None
    else:
        kit.allow(form.project_id.data is None or any(p["id"] == form.project_id.data for p in mine)
                  or not any(p["id"] == form.project_id.data for p in core_queries.list_projects(unit)),
                  "reviews of a project you do not manage")
    return _form(form, lambda u: services.open_gate_review(u, form.project_id.data, form.chair.data,
                                                           form.planned_on.data),
                 lambda r: url_for(".review", review_id=r.id), "Gate review opened.", "Open a gate review",
                 url_for(".reviews"), "Open review",
                 lead="The review's checklist comes from the project's template version, else the PMO's default.")


def _review_or_404(review_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_review(kit.pmo(), review_id, at)
    if row is None:
        if at is not None and queries.get_review(kit.pmo(), review_id) is not None:
            abort(404, "This gate review was not opened yet at that moment.")
        abort(404, "There is no such gate review.")
    return row


@bp.route("/reviews/<uuid:review_id>")
@kit.require(can_read)
def review(review_id: uuid.UUID):
    """A gate review as of the page's moment: checklist and answers, verdict, decision, conditions."""
    unit, at = kit.pmo(), kit.at()
    row = _review_or_404(review_id, at)
    decision, conditions = queries.review_records(unit, row, at)
    project = core_queries.get_project(unit, row["project_id"], at=at)
    is_open = _editing() and row["status"] == "open"
    return render_template(
        "governance/review.html", r=row, decision=decision, conditions=conditions, project=project, label=label,
        may_prepare=is_open and queries.may_prepare(unit, kit.user(), core_queries.get_project(unit, row["project_id"])),
        may_decide=is_open and queries.may_decide(kit.user()))


def _open_review(review_id: uuid.UUID) -> dict:
    row = _review_or_404(review_id)
    if row["status"] != "open":
        abort(409, f"This gate review is already decided ({label(row['verdict'])}); its record is final.")
    return row


@bp.route("/reviews/<uuid:review_id>/answers", methods=["GET", "POST"])
@kit.require(queries.may_write)
def answer_review(review_id: uuid.UUID):
    """Answer the checklist (met, not met, n/a) with evidence; the verdict comes later."""
    row = _open_review(review_id)
    kit.allow(queries.may_prepare(kit.pmo(), kit.user(), core_queries.get_project(kit.pmo(), row["project_id"])),
              "reviews of a project you do not manage")
    items = [a["item"] for a in row["answers"]]
    form = forms.review_form(items, deciding=False)(data={"version": row["version"]} if request.method == "GET" else None)
    if request.method == "GET":
        forms.fill_answers(form, row["answers"])
    return _form(form, lambda u: services.answer_gate_review(u, row["id"], forms.answers_of(form, items),
                                                             form.expected_version()),
                 lambda _: url_for(".review", review_id=row["id"]), "Answers saved.",
                 f"Checklist: {row['project_code']}, gate to {row['to_stage']}", url_for(".review", review_id=row["id"]),
                 "Save answers", f"Checklist from {row['checklist_source']}. Chair: {row['chair']}.")


@bp.route("/reviews/<uuid:review_id>/verdict", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def decide_review(review_id: uuid.UUID):
    """Give the verdict: go and go with conditions move the project; the decision goes to the log."""
    row = _open_review(review_id)
    items = [a["item"] for a in row["answers"]]
    form = forms.review_form(items, deciding=True)(data={"version": row["version"]} if request.method == "GET" else None)
    if request.method == "GET":
        forms.fill_answers(form, row["answers"])
    return _form(form, lambda u: services.decide_gate_review(
        u, row["id"], form.verdict.data, forms.answers_of(form, items), form.summary.data or "",
        forms.conditions_of(form), form.decided_on.data, form.expected_version()),
                 lambda _: url_for(".review", review_id=row["id"]), "Verdict recorded.",
                 f"Verdict: {row['project_code']}, gate to {row['to_stage']}", url_for(".review", review_id=row["id"]),
                 "Record verdict", f"{row['project_code']} is in stage {row['from_stage']}. Checklist from "
                 f"{row['checklist_source']}. The decision is recorded in the decision log as the chair's "
                 f"({row['chair']}).")


# --- meeting series and meetings --------------------------------------------------------------

@bp.route("/meetings/")
@kit.require(can_read)
def meetings():
    unit, at = kit.pmo(), kit.at()
    series = queries.list_series(unit, at)
    chosen = request.args.get("series") or ""
    rows = queries.list_meetings(unit, at, series_id=chosen or None)
    return render_template("governance/meetings.html", series=series, rows=rows, chosen=chosen,
                           names={s["id"]: s["name"] for s in series},
                           chart=charts.attendance("meeting-attendance", rows[:12], kit.href),
                           may_edit=_editing() and queries.may_decide(kit.user()))


@bp.route("/series/new", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def new_series():
    form = forms.SeriesForm()
    return _form(form, lambda u: services.establish_series(
        u, form.name.data, form.kind.data, form.chair.data, form.cadence.data, forms.names(form.members.data),
        form.description.data or ""),
                 lambda s: url_for(".meetings", series=s.id), "Meeting series established.",
                 "Establish a meeting series", url_for(".meetings"), "Establish series")


def _project_choices(form_field) -> dict[str, uuid.UUID]:
    projects = core_queries.list_projects(kit.pmo())
    form_field.choices = [SelectChoice("", "(portfolio-wide)")] + [
        SelectChoice(p["id"], f"{p['code']} · {p['name']}") for p in projects]
    return {p["code"].lower(): p["id"] for p in projects}


@bp.route("/meetings/new", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def new_meeting():
    """Schedule a meeting of a series (``?series=<id>``)."""
    unit = kit.pmo()
    chosen = request.args.get("series")
    series = queries.get_series(unit, chosen) if chosen else next(iter(queries.list_series(unit)), None)
    if series is None:
        abort(404, "There is no such meeting series: establish one first (Governance > Meetings).")
    codes = {p["code"].lower(): p["id"] for p in core_queries.list_projects(unit)}
    form = forms.MeetingForm(data={"attendees": "\n".join(series["members"])}) if request.method == "GET" \
        else forms.MeetingForm()
    return _form(form, lambda u: services.schedule_meeting(
        u, series["id"], form.held_on.data, form.title.data or "", forms.agenda_of(form.agenda.data, codes),
        forms.names(form.attendees.data), form.minutes.data or ""),
                 lambda m: url_for(".meeting", meeting_id=m.id), "Meeting scheduled.",
                 f"Schedule a meeting: {series['name']}", url_for(".meetings"), "Schedule meeting")


def _meeting_or_404(meeting_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_meeting(kit.pmo(), meeting_id, at)
    if row is None:
        if at is not None and queries.get_meeting(kit.pmo(), meeting_id) is not None:
            abort(404, "This meeting was not scheduled yet at that moment.")
        abort(404, "There is no such meeting.")
    return row


def _end_of(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), timezone.utc).date().isoformat()


@bp.route("/meetings/<uuid:meeting_id>")
@kit.require(can_read)
def meeting(meeting_id: uuid.UUID):
    """A meeting as of the page's moment: agenda with each project's status then, attendees,
    minutes, decisions and actions taken; ``?as_of=`` its date shows the papers as they were."""
    unit, at = kit.pmo(), kit.at()
    row, recorded_later = queries.get_meeting(unit, meeting_id, at), False
    if row is None and at is not None:
        # Minutes are often typed in after the meeting: the record as it is now, and the
        # papers (each project's status) as they were at that moment.
        row, recorded_later = queries.get_meeting(unit, meeting_id, None, papers_at=at), True
    if row is None:
        abort(404, "There is no such meeting.")
    return render_template("governance/meeting.html", m=row, series=queries.get_series(unit, row["series_id"]),
                           recorded_later=recorded_later,
                           papers_as_of=_end_of(row["held_on"]),
                           may_edit=_editing() and row["status"] == "open" and queries.may_decide(kit.user()))


def _open_meeting(meeting_id: uuid.UUID) -> dict:
    row = _meeting_or_404(meeting_id)
    if row["status"] != "open":
        abort(409, f"The meeting \u201c{row['title']}\u201d is closed: its record is archived and can no longer "
                   "be changed.")
    return row


@bp.route("/meetings/<uuid:meeting_id>/edit", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def edit_meeting(meeting_id: uuid.UUID):
    row = _open_meeting(meeting_id)
    codes = {p["code"].lower(): p["id"] for p in core_queries.list_projects(kit.pmo())}
    if request.method == "GET":
        form = forms.MeetingForm(data={**row, "agenda": forms.agenda_text(row["agenda"]),
                                       "attendees": "\n".join(row["attendees"])})
    else:
        form = forms.MeetingForm()
    return _form(form, lambda u: services.update_meeting(
        u, row["id"], form.expected_version(), title=form.title.data or row["title"], held_on=form.held_on.data,
        agenda=forms.agenda_of(form.agenda.data, codes), attendees=forms.names(form.attendees.data),
        minutes=form.minutes.data or ""),
                 lambda _: url_for(".meeting", meeting_id=row["id"]), "Meeting updated.", f"Edit: {row['title']}",
                 url_for(".meeting", meeting_id=row["id"]))


@bp.route("/meetings/<uuid:meeting_id>/decision", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def meeting_decision(meeting_id: uuid.UUID):
    row = _open_meeting(meeting_id)
    form = forms.MeetingDecisionForm(data={"version": row["version"]}) if request.method == "GET" \
        else forms.MeetingDecisionForm()
    _project_choices(form.project_id)
    return _form(form, lambda u: services.record_meeting_decision(
        u, row["id"], form.title.data, form.decision.data, form.rationale.data or "", form.project_id.data,
        form.expected_version()),
                 lambda _: url_for(".meeting", meeting_id=row["id"]), "Decision recorded in the decision log.",
                 f"Record a decision: {row['title']}", url_for(".meeting", meeting_id=row["id"]), "Record decision")


@bp.route("/meetings/<uuid:meeting_id>/action", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def meeting_action(meeting_id: uuid.UUID):
    row = _open_meeting(meeting_id)
    form = forms.MeetingActionForm(data={"version": row["version"]}) if request.method == "GET" \
        else forms.MeetingActionForm()
    _project_choices(form.project_id)
    return _form(form, lambda u: services.assign_meeting_action(
        u, row["id"], form.title.data, form.owner.data, form.due_date.data, form.project_id.data,
        form.description.data or "", form.priority.data, form.expected_version()),
                 lambda _: url_for(".meeting", meeting_id=row["id"]), "Action added to the action list.",
                 f"Record an action: {row['title']}", url_for(".meeting", meeting_id=row["id"]), "Record action")


@bp.route("/meetings/<uuid:meeting_id>/close", methods=["GET", "POST"])
@kit.require(queries.may_decide)
def close_meeting(meeting_id: uuid.UUID):
    row = _open_meeting(meeting_id)
    form = forms.CloseMeetingForm(data={"version": row["version"]}) if request.method == "GET" \
        else forms.CloseMeetingForm()
    return _form(form, lambda u: services.close_meeting(u, row["id"], form.note.data or "", form.expected_version()),
                 lambda _: url_for(".meeting", meeting_id=row["id"]), "Meeting closed and archived.",
                 f"Close: {row['title']}", url_for(".meeting", meeting_id=row["id"]), "Close meeting")
