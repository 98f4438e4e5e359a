"""Who may call the knowledge plugin's routes (see tests/security/matrix.py), and its things on each side."""
from __future__ import annotations

import itertools
from typing import Any, Callable

from tests.security.matrix import EDIT, EVERYONE, ITEM_SIDES, PORTFOLIO, READ, WRITE, Call, X, const, spare

SIDED_PARAMS = {"lesson_id": ITEM_SIDES}
_codes = itertools.count(1)


def api_lesson(call: Call) -> dict:
    pid = call.project_id()
    return {"title": "T", "what_happened": "W", "kind": "avoid", "recommendation": "R", "category": "scope",
            **({"project_id": pid} if pid else {})}


def form_lesson(call: Call) -> dict:
    return {"title": "T", "what_happened": "W", "kind": "avoid", "recommendation": "R", "category": "scope",
            "tags": "a, b", "stage": "", "project_id": call.project_id() or ""}


def new_project(call: Call) -> dict:
    # A fresh code per call: every caller let through makes a project (a taken code would be 409).
    return {"code": f"MX-{next(_codes)}", "name": "From template", "start_date": "2031-01-05"}


TEMPLATE = {"name": "Matrix template", "milestones": [{"name": "Go-live", "offset_days": 30}]}
FORM_TEMPLATE = {"name": "Matrix template", "milestones": "30 | Go-live"}

TABLE: dict[str, dict[str, Any]] = {
    "/knowledge/static/<path:filename>": {"GET": EVERYONE},
    "/knowledge/": {"GET": READ},
    "/knowledge/lessons/new": {"GET": WRITE, "POST": X(EDIT, body=form_lesson, sides=ITEM_SIDES)},
    "/knowledge/lessons/<uuid:lesson_id>": {"GET": READ},
    "/knowledge/lessons/<uuid:lesson_id>/edit": {"GET": EDIT, "POST": X(EDIT, body=form_lesson)},
    "/knowledge/lessons/<uuid:lesson_id>/endorse": {
        "GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(note="ok"), params=spare("lesson_id", "lesson_endorse_ui"))},
    "/knowledge/lessons/<uuid:lesson_id>/retire": {
        "GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(note="gone"), params=spare("lesson_id", "lesson_end_ui"))},
    "/knowledge/categories": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(categories="scope\nsuppliers"))},
    "/knowledge/templates/": {"GET": READ},
    "/knowledge/templates/new": {"GET": PORTFOLIO, "POST": X(PORTFOLIO, body=const(**FORM_TEMPLATE))},
    "/knowledge/templates/<uuid:template_id>": {"GET": READ},
    "/knowledge/templates/<uuid:template_id>/edit": {"GET": PORTFOLIO,
                                                     "POST": X(PORTFOLIO, body=const(**FORM_TEMPLATE))},
    "/knowledge/templates/<uuid:template_id>/apply": {"GET": WRITE, "POST": X(WRITE, body=new_project)},
    "/knowledge/profiles/<uuid:project_id>": {"GET": PORTFOLIO,
                                              "POST": X(PORTFOLIO, body=const(category="scope", tags="a"))},
    "/api/lessons": {"GET": READ, "POST": X(EDIT, body=api_lesson, sides=ITEM_SIDES)},
    "/api/lessons/categories": {"GET": READ},
    "/api/lessons/<uuid:lesson_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Supplier late"))},
    "/api/lessons/<uuid:lesson_id>/endorse": {
        "POST": X(PORTFOLIO, body=const(note="ok"), params=spare("lesson_id", "lesson_endorse_api"))},
    "/api/lessons/<uuid:lesson_id>/retire": {
        "POST": X(PORTFOLIO, body=const(note="gone"), params=spare("lesson_id", "lesson_end_api"))},
    "/api/lesson-categories": {"GET": READ, "PUT": X(PORTFOLIO, body=const(categories=["scope", "suppliers"]))},
    "/api/templates": {"GET": READ, "POST": X(PORTFOLIO, body=const(**TEMPLATE))},
    "/api/templates/<uuid:template_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(name="Matrix template"))},
    "/api/templates/<uuid:template_id>/versions": {"GET": READ},
    "/api/templates/<uuid:template_id>/withdraw": {
        "POST": X(PORTFOLIO, body=const(note="old"), params=spare("template_id", "template_end"))},
    "/api/templates/<uuid:template_id>/projects": {"GET": READ, "POST": X(WRITE, body=new_project)},
    "/api/project-profiles/<uuid:project_id>": {"GET": READ, "PUT": X(PORTFOLIO, body=const(category="scope"))},
    "/api/project-profiles/<uuid:project_id>/suggestions": {"GET": READ},
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """A template (every side names it, one more to withdraw); per side a lesson of the side's
    project (none: of no project), endorsed, and spare ones to endorse and retire; each side's
    project profiled."""
    from datetime import date

    from plugins.knowledge import services

    template = services.define_template(pmo, text("Matrix template"), text("Standard"), "scope", [text("tag")],
                                        [{"name": text("Go-live"), "offset_days": 30}],
                                        checklists={"approved": [text("Brief signed")]})
    spare_template = services.define_template(pmo, text("Old template"))
    for side, ids in sides.items():
        def lesson(title: str):
            return services.record_lesson(pmo, text(title), text("What happened"), "avoid", text("Do this"),
                                          "scope", [text("tag")], "", ids["project"], date(2025, 3, 1))

        main = lesson("Supplier late")
        services.endorse_lesson(pmo, main.id)
        if ids["project"]:
            services.profile_project(pmo, ids["project"], "scope", [text("tag")])
        ids.update(lesson=main.id, lesson_endorse_ui=lesson("Endorse me").id, lesson_endorse_api=lesson("Endorse").id,
                   lesson_end_ui=lesson("Retire me").id, lesson_end_api=lesson("Retire").id,
                   template=template.id, template_end=spare_template.id)
