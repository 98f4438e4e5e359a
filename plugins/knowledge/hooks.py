"""The knowledge plugin's hook implementations: the only module that uses ``hookimpl``.

Each hook hands over what the modules beside it define; nothing is decided here.
"""
from __future__ import annotations

from datetime import date

from flask import has_request_context

from core.hookspecs import hookimpl
from core.permissions import can_edit_portfolio, can_read
from plugins import kit
from plugins.knowledge import api, demo, panels, projections, queries, services, views
from plugins.knowledge import cli as knowledge_cli
from plugins.knowledge.domain import Lesson, LessonCategories, ProjectProfile, Template


@hookimpl
def plugin_info():
    return {"name": "knowledge", "title": "Lessons and templates",
            "description": "Lessons learned with ranked search and suggestions per project; versioned "
                           "project templates with milestones, actions and stage checklists",
            "maturity_level": 3, "domain": "project", "depends": []}


@hookimpl
def register_aggregates():
    return [Lesson, LessonCategories, Template, ProjectProfile]


@hookimpl
def register_projections():
    return [projections.projection]


@hookimpl
def register_services(pmo):
    return {"knowledge": services}


@hookimpl
def register_blueprints():
    return [views.bp, api.api]


@hookimpl
def nav_links(user, as_of):
    return [("Knowledge", "/knowledge/")] if can_read(user) else []


def _today() -> date:
    return kit.today() if has_request_context() else date.today()


@hookimpl
def project_panels(pmo, project, as_of):
    user = kit.user() if has_request_context() else None
    now = as_of is None
    return panels.project_panels(pmo, project, as_of, _today(),
                                 may_record=now and queries.may_record(pmo, user, project["id"]),
                                 may_profile=now and can_edit_portfolio(user))


@hookimpl
def register_commands(cli):
    cli.add_command(knowledge_cli.lessons)
    cli.add_command(knowledge_cli.templates)


@hookimpl
def demo_data(pmo, today):
    demo.load(pmo, today)
