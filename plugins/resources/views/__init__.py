"""Pages under /resources: people, allocations, demand, the heat map, over-allocations, the
skills search and the import; ``people`` and ``plan`` add the routes to the blueprint here.

Thin views: read the request, call one query or one service (inside ``kit.command``), render.
Every read page honours ``?as_of=`` (``kit.at()``, ``kit.today()``); forms always change the
ledger as it is now (the app redirects a form opened with ``as_of`` to now).
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, request
from wtforms.fields.choices import SelectChoice

from core import queries as core_queries
from plugins import kit
from plugins.resources import queries

bp = Blueprint("resources", __name__, url_prefix="/resources", template_folder="../templates",
               static_folder="../static", static_url_path="/static")


def editing() -> bool:
    """Nothing can be changed on an as-of page."""
    return kit.moment() is None


def suggestions() -> dict[str, list[str]]:
    """Roles, departments and skills in use: the datalists of the forms."""
    return queries.choices(kit.pmo())


def form_page(form: kit.Form, action: Callable, success: Callable[[Any], str], message: str, title: str,
              cancel: str, lead: str = "", submit: str = "Save", enctype: str = "") -> Any:
    """``kit.form_page`` on this plugin's form template (with the suggestions' datalists)."""
    return kit.form_page(form, action, success, message, "resources/form.html", title=title, lead=lead,
                         cancel=cancel, submit=submit, suggestions=suggestions(), enctype=enctype)


def person_choices() -> list[SelectChoice]:
    """Everyone who can be given work (not forgotten), by name."""
    return [SelectChoice(str(p["id"]), f"{p['name']} · {p['role']}")
            for p in queries.list_people(kit.pmo(), include_forgotten=False)]


def project_choices() -> list[SelectChoice]:
    """Open projects the user may plan people on; none at all is a 403."""
    unit, user = kit.pmo(), kit.user()
    found = [SelectChoice(str(p["id"]), f"{p['code']} · {p['name']}") for p in core_queries.list_projects(unit)
             if p["stage"] not in ("closed", "cancelled") and queries.may_plan(unit, user, p["id"])]
    kit.allow(bool(found), "planning people on any project")
    return found


def preselect(form: kit.Form, field: str, choices: list[SelectChoice], value: str | None) -> None:
    """``?project=CODE`` preselects; a POST must pick one of the choices (else 403)."""
    getattr(form, field).choices = choices
    if request.method == "GET" and value:
        getattr(form, field).data = value
    if request.method == "POST" and getattr(form, field).data not in [c.value for c in choices]:
        kit.allow(False, "this choice")


from plugins.resources.views import people, plan  # noqa: E402,F401  (they add the routes)
