"""/api/projects: projects, their details and their lifecycle gates.

A project is addressed by its id or by its code (``/api/projects/P-042``).
"""
from __future__ import annotations

from flask import abort
from flask.views import MethodView
from marshmallow import RAISE

from core import queries
from core.services import projects as service
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, expected_version, found, may_edit, reads, reason, reply,
    resource_blueprint, writes,
)
from web.api.schemas import (
    ProjectCreateSchema, ProjectQueryArgsSchema, ProjectSchema, ProjectUpdateSchema,
    StageChangeCreateSchema, StageChangeSchema,
)
from web.auth import user
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("projects", __name__, "Projects, their details and lifecycle stages.")


def _project(key: str, at: int | None = None) -> dict:
    """The project (as it was at log position ``at``), with its latest published RAG then."""
    return found(queries.get_project(current_pmo(), key, at=at), "project", key)


def _managers_name_only_themselves(manager: str | None) -> None:
    # A project manager may not create or hand over projects on someone else's behalf.
    u = user()
    if u.role == "manager" and manager is not None and manager != u.username:
        abort(403, "a project manager can only name themselves as the project's manager")


def _reply(project_id) -> tuple:
    return reply(queries.get_project(current_pmo(), project_id))


@blp.route("/projects")
class Projects(MethodView):
    @reads(blp)
    @blp.arguments(ProjectQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, ProjectSchema(many=True))
    def get(self, filters):
        """List projects by code, with their latest RAG; filter by stage, programme, manager, rag, q."""
        return queries.list_projects(current_pmo(), at=as_of(filters), **filters)

    @writes(blp)
    @blp.arguments(ProjectCreateSchema)
    @blp.response(201, ProjectSchema, headers=CREATED)
    def post(self, body):
        """Register a project; a project manager registers it with themselves as manager."""
        if user().role == "manager":
            body.setdefault("manager", user().username)
        _managers_name_only_themselves(body.get("manager"))
        with command(reason(body)) as pmo:
            project = service.register_project(pmo, **body)
        return created(queries.get_project(pmo, project.id), "projects.Project", key=project.id)


@blp.route("/projects/<key>")
class Project(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, ProjectSchema, headers=ETAG)
    def get(self, args, key: str):
        """Show a project, by id or code."""
        return reply(_project(key, as_of(args)))

    @writes(blp, item=True, if_match=True)
    @blp.arguments(ProjectUpdateSchema)
    @blp.response(200, ProjectSchema, headers=ETAG)
    def patch(self, changes, key: str):
        """Change a project's details (not its stage: see /stage)."""
        project = _project(key)
        may_edit(project)
        _managers_name_only_themselves(changes.get("manager"))
        version = expected_version()
        with command(reason(changes)) as pmo:
            service.update_project(pmo, project["id"], expected_version=version, **changes)
        return _reply(project["id"])


@blp.route("/projects/<key>/stage")
class ProjectStage(MethodView):
    @writes(blp, item=True, if_match=True)
    @blp.arguments(StageChangeCreateSchema)
    @blp.response(200, ProjectSchema, headers=ETAG)
    def post(self, body, key: str):
        """Pass a gate: move the project to its next stage, or cancel it, with the gate decision."""
        project = _project(key)
        may_edit(project)
        version = expected_version()
        with command(reason(body)) as pmo:
            service.move_project_to_stage(pmo, project["id"], expected_version=version, **body)
        return _reply(project["id"])


@blp.route("/projects/<key>/stage-history")
class ProjectStageHistory(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, StageChangeSchema(many=True))
    def get(self, args, key: str):
        """List the gates a project has passed, oldest first."""
        at = as_of(args)
        return queries.stage_history(current_pmo(), _project(key, at)["id"], at=at)
