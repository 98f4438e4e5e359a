"""Who may call the resources plugin's routes (see tests/security/matrix.py), and its things on
each side: people (no project: called on "own" only), allocations and demand (a project's)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable

from tests.security.matrix import (ADMIN, EDIT, EVERYONE, PORTFOLIO, PROJECT_SIDES, READ, WRITE, Call, X, const,
                                   spare)

SIDED_PARAMS = {"allocation_id": PROJECT_SIDES, "demand_id": PROJECT_SIDES}
TODAY = date.today()
SOON = (TODAY + timedelta(days=10)).isoformat()
LATER = (TODAY + timedelta(days=70)).isoformat()


def form_project(call: Call) -> dict:
    return {"project_id": call.project_id() or ""}


def new_allocation(call: Call) -> dict:
    return {"person_id": str(call.world.sides["own"]["person"]), "project_id": call.project_id(),
            "start_date": SOON, "end_date": LATER, "percent": 10}


def new_demand(call: Call) -> dict:
    return {"project_id": call.project_id(), "role": "Tester", "fte": 0.5, "start_date": SOON, "end_date": LATER}


def fill(call: Call) -> dict:
    return {"person_id": str(call.world.sides["own"]["person"]), "fte": 0.1}


PERSON = "/resources/people/<uuid:person_id>"
API = "/api/resources"
TABLE: dict[str, dict[str, Any]] = {
    "/resources/static/<path:filename>": {"GET": EVERYONE},
    "/resources/": {"GET": READ},
    "/resources/people/new": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    PERSON: {"GET": READ},
    f"{PERSON}/<any(edit, capacity, skills, development):change>": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    f"{PERSON}/forget": {"GET": X(ADMIN, params=spare("person_id", "person_forget_ui")),
                         "POST": X(ADMIN, body=const(reason="erasure request 7"),
                                   params=spare("person_id", "person_forget_ui"))},
    "/resources/allocations/": {"GET": READ},
    "/resources/allocations/new": {"GET": WRITE, "POST": X(EDIT, body=form_project, sides=PROJECT_SIDES)},
    "/resources/allocations/<uuid:allocation_id>/<any(edit, withdraw):change>": {
        "GET": EDIT, "POST": X(EDIT, params=spare("allocation_id", "allocation_end_ui"))},
    "/resources/demand/": {"GET": READ},
    "/resources/demand/new": {"GET": WRITE, "POST": X(EDIT, body=form_project, sides=PROJECT_SIDES)},
    "/resources/demand/<uuid:demand_id>/<any(fill, withdraw):change>": {
        "GET": EDIT, "POST": X(EDIT, params=spare("demand_id", "demand_end_ui"))},
    "/resources/heatmap": {"GET": READ},
    "/resources/warnings": {"GET": READ},
    "/resources/skills": {"GET": READ},
    "/resources/import": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    f"{API}/people": {"GET": READ, "POST": X(PORTFOLIO, body=const(name="Nils Nieuw", email="nils@example.org",
                                                                  role="Developer"))},
    f"{API}/people/<uuid:person_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(department="Digital"))},
    f"{API}/people/<uuid:person_id>/capacity": {"POST": X(PORTFOLIO, body=const(
        kind="leave", start_date=SOON, end_date=LATER))},
    f"{API}/people/<uuid:person_id>/skills": {"POST": X(PORTFOLIO, body=const(skill="Planning", level=3)),
                                              "DELETE": X(PORTFOLIO)},
    f"{API}/people/<uuid:person_id>/development": {"POST": X(PORTFOLIO, body=const(kind="training", title="Course"))},
    f"{API}/people/<uuid:person_id>/forget": {"POST": X(ADMIN, body=const(reason="erasure request 8"),
                                                        params=spare("person_id", "person_forget_api"))},
    f"{API}/allocations": {"GET": READ, "POST": X(EDIT, sides=PROJECT_SIDES, body=new_allocation)},
    f"{API}/allocations/<uuid:allocation_id>": {"GET": READ, "PATCH": X(EDIT, body=const(percent=30))},
    f"{API}/allocations/<uuid:allocation_id>/withdraw": {
        "POST": X(EDIT, body=const(), params=spare("allocation_id", "allocation_end_api"))},
    f"{API}/demands": {"GET": READ, "POST": X(EDIT, sides=PROJECT_SIDES, body=new_demand)},
    f"{API}/demands/<uuid:demand_id>": {"GET": READ},
    f"{API}/demands/<uuid:demand_id>/fill": {"POST": X(EDIT, body=fill)},
    f"{API}/demands/<uuid:demand_id>/withdraw": {
        "POST": X(EDIT, body=const(), params=spare("demand_id", "demand_end_api"))},
    f"{API}/heatmap": {"GET": READ},
    f"{API}/warnings": {"GET": READ},
    f"{API}/search": {"GET": READ},
    f"{API}/import": {"POST": X(PORTFOLIO, body=const())},
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """People (on the "own" side: they hang off no project), each with skills, a leave, a
    development record; on each project side an allocation that over-books the main person
    this month, one to withdraw through the API and one through the pages, and demand."""
    from plugins.resources import services

    def person(name: str, email: str):
        someone = services.register_person(pmo, text(name), email, text("Business analyst"), text("Digital"), 40.0)
        services.assess_skill(pmo, someone.id, text("Risk management"), 4)
        services.change_capacity(pmo, someone.id, "part_time", TODAY, TODAY + timedelta(days=30), 20.0,
                                 text("Studying"))
        services.record_development(pmo, someone.id, "training", text("PRINCE2 Foundation"), note=text("Passed"))
        return someone

    main = person("Anna Berg", "anna@example.org")
    sides["own"].update(person=main.id, person_forget_ui=person("Bo Ek", "bo@example.org").id,
                        person_forget_api=person("Cai Lind", "cai@example.org").id)
    for side, ids in sides.items():
        if not ids.get("project"):
            continue
        start, end = TODAY.replace(day=1), TODAY.replace(day=1) + timedelta(days=40)

        def allocate(percent: int):
            return services.allocate(pmo, main.id, ids["project"], start, end, percent=percent)

        def ask():
            return services.raise_demand(pmo, ids["project"], text("Tester"), 2.0, start, end, note=text("Urgent"))

        ids.update(allocation=allocate(80).id, allocation_end_api=allocate(10).id,
                   allocation_end_ui=allocate(10).id, demand=ask().id, demand_end_api=ask().id,
                   demand_end_ui=ask().id)
        services.fill_demand(pmo, ids["demand"], main.id, 0.5)
