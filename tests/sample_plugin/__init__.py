"""A small plugin used by the tests: project notes.

It exercises every hook: an aggregate with explicit topics, a projection, a service, an API
and a page blueprint, a nav link, a project panel, a dashboard widget, a CLI command and
demo data. Register it with ``make_app(PMO_EXTRA_PLUGINS=[sample_plugin])``.
"""
from __future__ import annotations

import uuid

import click
import sqlalchemy as sa
from eventsourcing.domain import event
from flask import Blueprint, g, jsonify
from flask_login import login_required
from flask_smorest import Blueprint as ApiBlueprint
from markupsafe import Markup, escape

from core.hookspecs import hookimpl
from events import temporal
from events.aggregate import LedgerAggregate
from events.projections import Projection, entity_columns, mirror


class Note(LedgerAggregate):
    TOPIC = "notes.Note"

    @event("Written", topic="notes.Note.Written")
    def __init__(self, project_id: uuid.UUID, text: str):
        self.project_id = project_id
        self.text = text


projection = Projection("notes")
notes = temporal.temporal_table(
    "notes", projection.metadata, "id", *entity_columns(),
    sa.Column("project_id", sa.Uuid), sa.Column("text", sa.Text),
)
mirror(projection, notes, "notes.Note.Written", {})


def write_note(pmo, project_id: uuid.UUID, text: str) -> Note:
    note = Note(project_id=project_id, text=text)
    pmo.save(note)
    return note


def list_notes(pmo, project_id=None) -> list[dict]:
    stmt = sa.select(notes.c.id, notes.c.project_id, notes.c.text).where(temporal.visible(notes))
    if project_id is not None:
        stmt = stmt.where(notes.c.project_id == project_id)
    with pmo.read() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


pages = Blueprint("notes", __name__, url_prefix="/notes")
api = ApiBlueprint("notes_api", __name__, url_prefix="/api/notes", description="Project notes")


@pages.route("/")
@login_required
def index():
    items = "".join(f"<li>{escape(n['text'])}</li>" for n in list_notes(g.pmo))
    return f"<h1>Notes</h1><ul>{items}</ul>"


@api.route("/")
@login_required
def api_index():
    """List notes."""
    return jsonify([{**n, "id": str(n["id"]), "project_id": str(n["project_id"])}
                    for n in list_notes(g.pmo)])


@hookimpl
def plugin_info():
    return {"name": "notes", "title": "Project notes", "description": "Free-text notes on projects",
            "maturity_level": 1, "domain": "project", "depends": []}


@hookimpl
def register_aggregates():
    return [Note]


@hookimpl
def register_projections():
    return [projection]


@hookimpl
def register_services(pmo):
    return {"notes": {"write_note": write_note, "list_notes": list_notes}}


@hookimpl
def register_blueprints():
    return [pages, api]


@hookimpl
def nav_links(user, as_of):
    return [("Notes", "/notes/")]


@hookimpl
def project_panels(pmo, project, as_of):
    items = list_notes(pmo, project["id"])
    return [{"title": "Notes", "html": Markup("<ul>{}</ul>").format(
        Markup("").join(Markup("<li>{}</li>").format(n["text"]) for n in items))}]


@hookimpl
def status_report_hints(pmo, project, as_of):
    if any("late" in n["text"].lower() for n in list_notes(pmo, project["id"])):
        return [{"rag": "amber", "reasons": ["a note says something is late"]}]
    return []


@hookimpl
def report_sections(pmo, project, report, as_of):
    items = list_notes(pmo, project["id"])
    return [{"title": "Notes", "html": Markup("<ul>{}</ul>").format(
        Markup("").join(Markup("<li>{}</li>").format(n["text"]) for n in items))}] if items else []


@hookimpl
def dashboard_widgets(pmo, as_of):
    return [{"title": "Notes", "html": Markup("<p>{} notes</p>").format(len(list_notes(pmo)))}]


@hookimpl
def register_commands(cli):
    @cli.command("notes-count")
    @click.pass_obj
    def notes_count(obj):
        """Print how many notes there are."""
        click.echo(len(list_notes(obj.pmo)))


@hookimpl
def demo_data(pmo, today):
    from core import queries

    for project in queries.list_projects(pmo)[:2]:
        write_note(pmo, project["id"], f"Kick-off held for {project['name']}")
