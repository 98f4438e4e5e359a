"""JSON API: /api/lessons, /api/lesson-categories, /api/templates, /api/project-profiles
(flask-smorest, so it is in the OpenAPI document).

Thin: parse with a schema, check who may, call one service inside ``command(reason)``, answer
the read model with its version as ETag. Every read takes ``as_of``.
"""
from __future__ import annotations

import uuid

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from core import queries as core_queries
from core.domain.errors import ValidationError
from core.permissions import can_edit_portfolio, can_edit_project
from plugins import kit
from plugins.knowledge import queries, services
from plugins.knowledge import schemas as s

api = Blueprint("knowledge_api", __name__, url_prefix="/api",
                description="Lessons learned (ranked search, endorsement, suggestions per project) and "
                            "versioned project templates.")
api.after_request(kit.as_of_header)

ERRORS = {
    400: "Malformed request: invalid JSON or a malformed If-Match",
    401: "Not signed in: send 'Authorization: Bearer <token>'",
    403: "Your role, or your relation to the lesson's project, does not allow this",
    404: "No such lesson, template or project (as of the given moment)",
    409: "Conflict: it changed since your If-Match version (see current_version), or the code is taken",
    422: "Invalid input: `errors` names each bad field",
}
reads, writes = kit.api_docs(api, ERRORS, queries.may_write)


def _lesson(lesson_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_lesson(kit.pmo(), lesson_id, at)
    if row is None:
        abort(404, f"no lesson {lesson_id}" + (" at that moment" if at is not None else ""))
    return row


def _template(template_id: uuid.UUID, at: int | None = None) -> dict:
    row = queries.get_template(kit.pmo(), template_id, at)
    if row is None:
        abort(404, f"no template {template_id}" + (" at that moment" if at is not None else ""))
    return row


def _project(project_id: uuid.UUID, at: int | None = None) -> dict:
    row = core_queries.get_project(kit.pmo(), project_id, at=at)
    if row is None:
        abort(404, f"no project {project_id}" + (" at that moment" if at is not None else ""))
    return row


def _may_record(project_id: uuid.UUID | None) -> None:
    if project_id is not None and core_queries.get_project(kit.pmo(), project_id) is None:
        raise ValidationError("no such project", "project_id")
    kit.allow(queries.may_record(kit.pmo(), kit.user(), project_id), "lessons of this project"
              if project_id else "lessons of no project")


# --- lessons ----------------------------------------------------------------------------------

@api.route("/lessons")
class Lessons(MethodView):
    @reads()
    @api.arguments(s.LessonQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.LessonSchema(many=True))
    def get(self, args):
        """Search and filter lessons; with ``q``, ranked (best match first)."""
        at = kit.read_at(args.pop("as_of", None))
        return queries.list_lessons(kit.pmo(), at, **args)

    @writes()
    @api.arguments(s.LessonCreateSchema)
    @api.response(201, s.LessonSchema, headers=kit.LOCATION)
    def post(self, body):
        """Record a lesson (a manager: of a project they manage)."""
        _may_record(body.get("project_id"))
        with kit.command(kit.why(body)) as pmo:
            lesson = services.record_lesson(pmo, **body)
        row = queries.get_lesson(pmo, lesson.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/lessons/{lesson.id}"}


@api.route("/lessons/categories")
class CategoryCounts(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.CategoryCountSchema(many=True))
    def get(self, args):
        """Lessons (not retired) per category, most first: the chart's figures."""
        rows = queries.lessons_per_category(kit.pmo(), kit.read_at(args.pop("as_of", None)))
        return [{"category": c, "lessons": n, "endorsed": e} for c, n, e in rows]


@api.route("/lessons/<uuid:lesson_id>")
class LessonItem(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.LessonSchema, headers=kit.ETAG)
    def get(self, args, lesson_id):
        """Show a lesson."""
        row = _lesson(lesson_id, kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(item=True, if_match=True)
    @api.arguments(s.LessonUpdateSchema)
    @api.response(200, s.LessonSchema, headers=kit.ETAG)
    def patch(self, body, lesson_id):
        """Revise a lesson; every edit is kept in its history."""
        row = _lesson(lesson_id)
        kit.allow(queries.may_edit(kit.pmo(), kit.user(), row), "changes to this lesson")
        if "project_id" in body:
            _may_record(body["project_id"])
        return kit.versioned_write(services.revise_lesson, body, queries.get_lesson, lesson_id)


@api.route("/lessons/<uuid:lesson_id>/endorse")
class Endorse(MethodView):
    @writes(can_edit_portfolio, item=True, if_match=True)
    @api.arguments(s.EndorseSchema)
    @api.response(200, s.LessonSchema, headers=kit.ETAG)
    def post(self, body, lesson_id):
        """Endorse a lesson (pmo, admin): from now on it is suggested to matching projects."""
        _lesson(lesson_id)
        return kit.versioned_write(services.endorse_lesson, body, queries.get_lesson, lesson_id)


@api.route("/lessons/<uuid:lesson_id>/retire")
class Retire(MethodView):
    @writes(can_edit_portfolio, item=True, if_match=True)
    @api.arguments(s.RetireSchema)
    @api.response(200, s.LessonSchema, headers=kit.ETAG)
    def post(self, body, lesson_id):
        """Retire a lesson that no longer holds (pmo, admin), saying why."""
        _lesson(lesson_id)
        return kit.versioned_write(services.retire_lesson, body, queries.get_lesson, lesson_id)


@api.route("/lesson-categories")
class Categories(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.CategoriesSchema, headers=kit.ETAG)
    def get(self, args):
        """The PMO's list of lesson categories (a lesson may use another)."""
        row = queries.categories(kit.pmo(), kit.read_at(args.pop("as_of", None)))
        return row, kit.etag(row)

    @writes(can_edit_portfolio, if_match=True)
    @api.arguments(s.CategoriesUpdateSchema)
    @api.response(200, s.CategoriesSchema, headers=kit.ETAG)
    def put(self, body):
        """Set the list of lesson categories (pmo, admin)."""
        return kit.versioned_write(services.set_categories, body, queries.categories)


# --- templates --------------------------------------------------------------------------------

@api.route("/templates")
class Templates(MethodView):
    @reads()
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.TemplateSchema(many=True))
    def get(self, args):
        """List the project templates, each at its current version."""
        return queries.list_templates(kit.pmo(), kit.read_at(args.pop("as_of", None)))

    @writes(can_edit_portfolio)
    @api.arguments(s.TemplateCreateSchema)
    @api.response(201, s.TemplateSchema, headers=kit.LOCATION)
    def post(self, body):
        """Define a project template, version 1 (pmo, admin)."""
        with kit.command(kit.why(body)) as pmo:
            template = services.define_template(pmo, **body)
        row = queries.get_template(pmo, template.id)
        return row, 201, {**kit.etag(row), "Location": f"/api/templates/{template.id}"}


@api.route("/templates/<uuid:template_id>")
class TemplateItem(MethodView):
    @reads(item=True)
    @api.arguments(s.TemplateQueryArgsSchema, location="query", unknown=RAISE)
    @api.response(200, s.TemplateSchema, headers=kit.ETAG)
    def get(self, args, template_id):
        """Show a template: its current version, or ``version``."""
        at = kit.read_at(args.pop("as_of", None))
        row = _template(template_id, at)
        if args.get("version") is not None:
            version = queries.template_version(kit.pmo(), template_id, args["version"], at)
            if version is None:
                abort(404, f"template {row['name']} has no version {args['version']}")
            row = {**row, **{k: v for k, v in version.items() if k not in ("key", "template_id")}}
        return row, kit.etag(row)

    @writes(can_edit_portfolio, item=True, if_match=True)
    @api.arguments(s.TemplateUpdateSchema)
    @api.response(200, s.TemplateSchema, headers=kit.ETAG)
    def patch(self, body, template_id):
        """Change a template: a new version; projects made from older ones keep theirs (pmo, admin)."""
        _template(template_id)
        return kit.versioned_write(services.revise_template, body, queries.get_template, template_id)


@api.route("/templates/<uuid:template_id>/versions")
class TemplateVersions(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.TemplateVersionSchema(many=True))
    def get(self, args, template_id):
        """Every version of a template, newest first."""
        at = kit.read_at(args.pop("as_of", None))
        _template(template_id, at)
        return queries.template_versions_of(kit.pmo(), template_id, at)


@api.route("/templates/<uuid:template_id>/withdraw")
class Withdraw(MethodView):
    @writes(can_edit_portfolio, item=True, if_match=True)
    @api.arguments(s.WithdrawSchema)
    @api.response(200, s.TemplateSchema, headers=kit.ETAG)
    def post(self, body, template_id):
        """Withdraw a template: no new projects from it (pmo, admin)."""
        _template(template_id)
        return kit.versioned_write(services.withdraw_template, body, queries.get_template, template_id)


@api.route("/templates/<uuid:template_id>/projects")
class TemplateProjects(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.MadeProjectSchema(many=True))
    def get(self, args, template_id):
        """The projects made from the template, each with the version it was made from."""
        at = kit.read_at(args.pop("as_of", None))
        _template(template_id, at)
        return [{**r, "id": r["project_id"]} for r in queries.projects_from(kit.pmo(), template_id, at)]

    @writes(lambda u: can_edit_project(u, None), item=True)
    @api.arguments(s.ProjectFromTemplateSchema)
    @api.response(201, s.MadeProjectSchema, headers=kit.LOCATION)
    def post(self, body, template_id):
        """New project from the template's current version: the project, its milestones,
        actions and profile in one transaction (a manager: as its manager by default)."""
        _template(template_id)
        user = kit.user()
        if user.role == "manager" and not body.get("manager"):
            body["manager"] = user.username
        with kit.command(kit.why(body)) as pmo:
            project = services.project_from_template(pmo, template_id, **body)
        row = core_queries.get_project(pmo, project.id)
        made = {**row, "template_version": queries.profile(pmo, project.id)["template_version"]}
        return made, 201, {**kit.etag(row), "Location": f"/api/projects/{project.id}"}


# --- project profiles -------------------------------------------------------------------------

@api.route("/project-profiles/<uuid:project_id>")
class Profile(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.ProfileSchema, headers=kit.ETAG)
    def get(self, args, project_id):
        """A project's category and tags, and the template version it was made from."""
        at = kit.read_at(args.pop("as_of", None))
        _project(project_id, at)
        row = queries.profile(kit.pmo(), project_id, at)
        if row is None:
            abort(404, "this project has no profile: no template, and no category or tags set")
        return row, kit.etag(row)

    @writes(can_edit_portfolio, item=True, if_match=True)
    @api.arguments(s.ProfileUpdateSchema)
    @api.response(200, s.ProfileSchema, headers=kit.ETAG)
    def put(self, body, project_id):
        """Set a project's category and tags (pmo, admin): lessons of its kind are suggested."""
        _project(project_id)
        return kit.versioned_write(services.profile_project, body, queries.profile, project_id)


@api.route("/project-profiles/<uuid:project_id>/suggestions")
class Suggestions(MethodView):
    @reads(item=True)
    @api.arguments(s.AsOfQuery, location="query", unknown=RAISE)
    @api.response(200, s.SuggestionSchema(many=True))
    def get(self, args, project_id):
        """Endorsed lessons for the project, by its category and tags, best match first."""
        at = kit.read_at(args.pop("as_of", None))
        _project(project_id, at)
        return queries.suggestions(kit.pmo(), project_id, at)
