"""Commands on lessons, templates and project profiles, in the PMO's words.

Each command loads what it changes, calls the aggregate and saves once (one transaction).
Permissions are the caller's business (pages, API, CLI). Business dates default to the day of
the command context's time, so the demo's backdated commands and today's both get their day.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from core.domain.action import Action
from core.domain.errors import ConflictError, NotFoundError, ValidationError
from core.domain.milestone import Milestone
from core.domain.project import STAGES, Project
from core.pmo import PMO
from core.services import projects as core_projects
from events.context import current_context
from plugins.knowledge.domain import (
    DEFAULT_CATEGORIES, KINDS, Lesson, LessonCategories, ProjectProfile, Template, check_template,
    clean_category, clean_tags, one_of,
)


def business_day() -> date:
    """The day of the command: its backdated time in the demo, today otherwise."""
    moment = current_context().occurred_at
    return moment.date() if moment is not None else date.today()


def _project(pmo: PMO, project_id: uuid.UUID | None) -> None:
    if project_id is None:
        return
    try:
        pmo.get(Project, project_id)
    except NotFoundError:
        raise ValidationError("no such project", "project_id") from None


def _lesson_fields(pmo: PMO, values: dict[str, Any]) -> dict[str, Any]:
    """The lesson's fields given in ``values``, checked and normalised."""
    out: dict[str, Any] = {}
    for name in ("title", "what_happened", "recommendation"):
        if name in values:
            text = (values[name] or "").strip()
            if not text:
                raise ValidationError({"title": "a lesson needs a title",
                                       "what_happened": "say what happened",
                                       "recommendation": "say what to repeat or avoid"}[name], name)
            if name == "title" and len(text) > 200:
                raise ValidationError("a title has at most 200 characters", "title")
            out[name] = text
    if "kind" in values:
        out["kind"] = one_of(values["kind"], KINDS, "kind")
    if "category" in values:
        out["category"] = clean_category(values["category"])
    if "tags" in values:
        out["tags"] = clean_tags(values["tags"])
    if "stage" in values:
        stage = (values["stage"] or "").strip()
        out["stage"] = one_of(stage, ("", *STAGES), "stage") if stage else ""
    if "project_id" in values:
        _project(pmo, values["project_id"])
        out["project_id"] = values["project_id"]
    return out


# --- lessons ----------------------------------------------------------------------------------

def record_lesson(pmo: PMO, title: str, what_happened: str, kind: str, recommendation: str, category: str,
                  tags: list[str] | str = (), stage: str = "", project_id: uuid.UUID | None = None,
                  recorded_on: date | None = None) -> Lesson:
    """Record a lesson learned: what happened, and what to repeat or avoid next time."""
    fields = _lesson_fields(pmo, dict(title=title, what_happened=what_happened, kind=kind,
                                      recommendation=recommendation, category=category, tags=tags, stage=stage,
                                      project_id=project_id))
    lesson = Lesson(**fields, recorded_on=recorded_on or business_day())
    pmo.save(lesson)
    return lesson


def revise_lesson(pmo: PMO, lesson_id: uuid.UUID, expected_version: int | None = None, **changes: Any) -> Lesson:
    """Change what a lesson says; every edit is kept in its history."""
    lesson = pmo.get(Lesson, lesson_id, expected_version)
    lesson.revise(**_lesson_fields(pmo, changes))
    pmo.save(lesson)
    return lesson


def endorse_lesson(pmo: PMO, lesson_id: uuid.UUID, note: str = "", expected_version: int | None = None) -> Lesson:
    """The PMO endorses a lesson: it is suggested to projects of its category and tags."""
    lesson = pmo.get(Lesson, lesson_id, expected_version)
    lesson.endorse(business_day(), (note or "").strip())
    pmo.save(lesson)
    return lesson


def retire_lesson(pmo: PMO, lesson_id: uuid.UUID, note: str, expected_version: int | None = None) -> Lesson:
    """The PMO retires a lesson that no longer holds, saying why."""
    lesson = pmo.get(Lesson, lesson_id, expected_version)
    lesson.retire(business_day(), note or "")
    pmo.save(lesson)
    return lesson


def categories(pmo: PMO) -> list[str]:
    """The PMO's category list (the defaults until the PMO sets its own)."""
    cid = LessonCategories.create_id()
    return pmo.get(LessonCategories, cid).categories if pmo.exists(cid) else list(DEFAULT_CATEGORIES)


def set_categories(pmo: PMO, categories: list[str] | str, expected_version: int | None = None) -> LessonCategories:
    """Set the list of lesson categories the forms offer (a lesson may still use another)."""
    if isinstance(categories, str):
        categories = categories.replace("\n", ",").split(",")
    cleaned: list[str] = []
    for raw in categories:
        if (raw or "").strip():
            c = clean_category(raw)
            if c not in cleaned:
                cleaned.append(c)
    if not cleaned:
        raise ValidationError("keep at least one category", "categories")
    if len(cleaned) > 50:
        raise ValidationError("at most 50 categories", "categories")
    cid = LessonCategories.create_id()
    if pmo.exists(cid):
        record = pmo.get(LessonCategories, cid, expected_version)
        record.change(cleaned)
    else:
        record = LessonCategories(categories=cleaned)
    pmo.save(record)
    return record


# --- templates --------------------------------------------------------------------------------

def _template_content(pmo: PMO, values: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    merged = {**(base or {}), **{k: v for k, v in values.items() if v is not None or k == "description"}}
    content = check_template(merged.get("name", ""), merged.get("milestones") or [], merged.get("actions") or [],
                             merged.get("checklists") or {}, merged.get("recommended_plugins") or [],
                             set(pmo.plugins))
    category = (merged.get("category") or "").strip()
    content.update(description=(merged.get("description") or "").strip(),
                   category=clean_category(category) if category else "",
                   tags=clean_tags(merged.get("tags") or []),
                   gate_reviews_required=bool(merged.get("gate_reviews_required", False)))
    return content


def define_template(pmo: PMO, name: str, description: str = "", category: str = "", tags: list[str] | str = (),
                    milestones: list[dict] = (), actions: list[dict] = (), checklists: dict | None = None,
                    recommended_plugins: list[str] = (), gate_reviews_required: bool = False) -> Template:
    """Define a project template (version 1)."""
    content = _template_content(pmo, dict(
        name=name, description=description, category=category, tags=list(tags) if not isinstance(tags, str) else tags,
        milestones=list(milestones), actions=list(actions), checklists=checklists or {},
        recommended_plugins=list(recommended_plugins), gate_reviews_required=gate_reviews_required))
    template = Template(**content, number=1)
    pmo.save(template)
    return template


def revise_template(pmo: PMO, template_id: uuid.UUID, expected_version: int | None = None,
                    **changes: Any) -> Template:
    """Change a template: a new version; projects made from older versions keep theirs."""
    template = pmo.get(Template, template_id, expected_version)
    base = {k: template.current[k] for k in Template.CONTENT}
    template.revise(**_template_content(pmo, changes, base))
    pmo.save(template)
    return template


def withdraw_template(pmo: PMO, template_id: uuid.UUID, note: str = "",
                      expected_version: int | None = None) -> Template:
    """Withdraw a template: no new projects from it; those made from it are unchanged."""
    template = pmo.get(Template, template_id, expected_version)
    template.withdraw((note or "").strip())
    pmo.save(template)
    return template


def project_from_template(pmo: PMO, template_id: uuid.UUID, code: str, name: str, start_date: date | None,
                          manager: str = "", sponsor: str = "", description: str = "",
                          programme_id: uuid.UUID | None = None, end_date: date | None = None,
                          version: int | None = None) -> Project:
    """Register a project from the template's current version (or ``version``, a check that the
    template has not moved on since the user looked): the project, its milestones and actions
    and its profile, all in one transaction, as the user's events."""
    template = pmo.get(Template, template_id)
    if template.withdrawn:
        raise ValidationError("this template is withdrawn", "template_id")
    if version is not None and version != template.number:
        raise ConflictError(f"the template is at version {template.number} now, not {version}",
                            current_version=template.number)
    if start_date is None:
        raise ValidationError("a project from a template needs its start date (milestones count from it)",
                              "start_date")
    content = template.current
    project = core_projects.new_project(pmo, code, name, description or content["description"], sponsor,
                                        manager, programme_id, start_date, end_date)
    made: list = [project]
    for m in content["milestones"]:
        made.append(Milestone(project_id=project.id, name=m["name"],
                              baseline_date=start_date + timedelta(days=m["offset_days"]),
                              description=f"From template {content['name']} v{template.number}"))
    for a in content["actions"]:
        made.append(Action(title=a["title"], owner=a["owner"] or manager or current_context().actor or "pmo",
                           due_date=start_date + timedelta(days=a["offset_days"]), project_id=project.id,
                           description=f"Standard action of template {content['name']} v{template.number}",
                           priority="normal"))
    made.append(ProjectProfile(project_id=project.id, category=content["category"], tags=content["tags"],
                               template_id=template.id, template_name=content["name"],
                               template_version=template.number))
    pmo.save(*made)
    return project


# --- project profiles -------------------------------------------------------------------------

def profile_project(pmo: PMO, project_id: uuid.UUID, category: str = "", tags: list[str] | str = (),
                    expected_version: int | None = None) -> ProjectProfile:
    """Set a project's category and tags, so the lessons of its kind are suggested to it."""
    _project(pmo, project_id)
    category = clean_category(category) if (category or "").strip() else ""
    tags = clean_tags(tags)
    profile_id = ProjectProfile.create_id(project_id)
    if pmo.exists(profile_id):
        profile = pmo.get(ProjectProfile, profile_id, expected_version)
        profile.change(category, tags)
    else:
        profile = ProjectProfile(project_id=project_id, category=category, tags=tags, template_id=None,
                                 template_name="", template_version=None)
    pmo.save(profile)
    return profile
