"""People's pages: the list (and its CSV/XLSX export), one person's page, their forms, forget."""
from __future__ import annotations

import uuid
from typing import Any

from flask import abort, render_template, request, url_for

from core import history as core_history
from core.importing.writers import Table
from core.permissions import can_administer, can_read
from plugins import kit
from plugins.resources import capacity as cap
from plugins.resources import forms, queries, services, workload
from plugins.resources.projections import people as people_table
from plugins.resources.views import bp, editing, form_page

PERSON_COLUMNS = ["name", "email", "role", "department", "hours_per_week", "skills", "forgotten"]


@bp.route("/")
@kit.require(can_read)
def index():
    """Everyone whose time the PMO plans; ``?format=csv|xlsx`` exports the list as shown."""
    unit, at = kit.pmo(), kit.at()
    args = {k: (request.args.get(k) or "").strip() for k in ("q", "role", "department")}
    rows = queries.list_people(unit, at, **{k: v or None for k, v in args.items()})
    fmt = kit.export_format()
    if fmt:
        table = Table("People", PERSON_COLUMNS, [[
            r["name"], r["email"], r["role"], r["department"], r["hours_per_week"],
            "; ".join(f"{s['skill']}:{s['level']}" for s in r["skills"]), r["forgotten"]] for r in rows])
        return kit.download(table, fmt, "people")
    return render_template("resources/people.html", rows=rows, args=args, filtered=any(args.values()),
                           choices=queries.choices(unit, at),
                           may_create=editing() and queries.may_manage_people(kit.user()))


def _history(person_id: uuid.UUID) -> list[dict]:
    """Who changed the record, when and why; sealed values are never shown, even as ciphertext."""
    entries = core_history.entity_history(kit.pmo(), person_id, at=kit.at(), extra_tables=[people_table])
    for e in entries:
        changes = [c for c in e["changes"] if c[0] != "personal"]
        sealed = len(changes) != len(e["changes"]) and not e["created"]
        what = "; ".join(f"{f} {old} -> {new}" for f, old, new in changes)
        what = ", ".join(filter(None, ["name or email changed" if sealed else "", what])) or \
            (e["topic"] or "").split(".")[-1]
        if e["created"]:
            what = "registered"
        e["text"] = f"{what} by {e['actor']}" + (f": {e['reason']}" if e.get("reason") else "")
    return entries


@bp.route("/people/<uuid:person_id>")
@kit.require(can_read)
def person(person_id: uuid.UUID):
    """A person as of the page's moment: the coming months' load, periods, skills, development,
    allocations and history."""
    unit, at, today = kit.pmo(), kit.at(), kit.today()
    row = queries.get_person(unit, person_id, at)
    if row is None:
        if at is not None and queries.get_person(unit, person_id) is not None:
            abort(404, "This person was not registered yet at that moment.")
        abort(404, "There is no such person.")
    months = cap.months(cap.add_months(cap.month_start(today), -1), 12)
    load = workload.person_loads(unit, at, months, {person_id})[0]
    codes = {a["project_id"]: a["project_code"] for a in load["allocations"]}
    monthly = [{"month": cap.label(m), "capacity": round(v["capacity"], 1), "allocated": round(v["allocated"], 1),
                "status": cap.status(v["capacity"], v["allocated"]),
                "projects": ", ".join(f"{codes.get(p, '?')} {round(h, 1)} h" for p, h in v["projects"].items())}
               for m, v in load["months"].items()]
    may_edit = editing() and not row["forgotten"] and queries.may_manage_people(kit.user())
    return render_template(
        "resources/person.html", person=row, monthly=monthly,
        periods=queries.capacity_periods(unit, [person_id], at).get(person_id, []),
        development=queries.development_records(unit, person_id, at),
        allocations=queries.list_allocations(unit, at, person_id=person_id, status="all"),
        history=_history(person_id), may_edit=may_edit,
        may_forget=editing() and not row["forgotten"] and can_administer(kit.user()),
        may_allocate=editing() and not row["forgotten"] and queries.may_write(kit.user()),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@kit.require(queries.may_manage_people)
def new_person():
    """Register a person: name and email are sealed with a key of their own."""
    form = forms.PersonForm()
    return form_page(form, lambda u: services.register_person(u, **form.values()),
                     lambda p: url_for(".person", person_id=p.id), "Person registered.", "Register a person",
                     url_for(".index"), lead="The PMO plans this person's time: their hours, skills and projects.",
                     submit="Register")


CHANGES = {
    # name: (form, service, flash message, title, button)
    "edit": (forms.PersonEditForm, services.update_person, "Details saved.", "Edit", "Save changes"),
    "capacity": (forms.CapacityForm, services.change_capacity, "Capacity recorded.", "Part-time, leave or contract",
                 "Record"),
    "skills": (forms.SkillForm, None, "Skill recorded.", "Skill", "Save skill"),
    "development": (forms.DevelopmentForm, services.record_development, "Development recorded.",
                    "Training, certification or career step", "Record"),
}


def _skill(unit: Any, person_id: uuid.UUID, level: int, skill: str, expected_version: int | None) -> Any:
    """Level 0 on the form removes the skill."""
    if level == 0:
        return services.remove_skill(unit, person_id, skill, expected_version=expected_version)
    return services.assess_skill(unit, person_id, skill, level, expected_version=expected_version)


def _current(person_id: uuid.UUID) -> dict:
    row = queries.get_person(kit.pmo(), person_id)
    if row is None:
        abort(404, "There is no such person.")
    return row


@bp.route("/people/<uuid:person_id>/<any(edit, capacity, skills, development):change>", methods=["GET", "POST"])
@kit.require(queries.may_manage_people)
def change_person(person_id: uuid.UUID, change: str):
    row = _current(person_id)
    form_cls, service, message, title, submit = CHANGES[change]
    data = {"version": row["version"], **({k: row[k] for k in ("name", "email", "role", "department")}
                                           if change == "edit" else {})}
    form = form_cls(data=data) if request.method == "GET" else form_cls()
    service = service or (lambda u, pid, expected_version=None, **v: _skill(u, pid, expected_version=expected_version,
                                                                            **v))
    return form_page(form, lambda u: service(u, row["id"], expected_version=form.expected_version(), **form.values()),
                     lambda _: url_for(".person", person_id=row["id"]), message, f"{title}: {row['name']}",
                     url_for(".person", person_id=row["id"]), submit=submit,
                     lead=f"{row['role']} · {row['department'] or 'no department'} · {row['hours_per_week']:g} h a week")


@bp.route("/people/<uuid:person_id>/forget", methods=["GET", "POST"])
@kit.require(can_administer)
def forget(person_id: uuid.UUID):
    """Forget a person (admin): their key is destroyed; their allocations stay, nameless."""
    row = _current(person_id)
    form = forms.ForgetForm(data={"version": row["version"]}) if request.method == "GET" else forms.ForgetForm()
    return form_page(
        form, lambda u: services.forget_person(u, row["id"], expected_version=form.expected_version()),
        lambda _: url_for(".person", person_id=row["id"]), "Forgotten: their personal data can no longer be read.",
        f"Forget {row['name']}", url_for(".person", person_id=row["id"]), submit="Forget this person",
        lead="Their name, email, notes and development records become unreadable everywhere: in the ledger, the "
             "pages, the API and every export, past and future. Their allocations, hours and skills stay, as "
             "'forgotten person'. This cannot be undone.")
