"""Lessons learned, project templates and project profiles: aggregates with past-tense events.

A *lesson* is what a project learned: what happened, and what to repeat (it worked) or avoid
(it hurt), filed under a category and tags so the next project finds it. The PMO endorses
lessons worth passing on (only endorsed ones are suggested to projects) and retires the ones
that no longer hold. A *template* is the PMO's standard for a kind of project: milestones
relative to the start date, standard actions, a checklist per stage gate, recommended plugins,
category and tags. Every edit makes a new template version; the old ones stay readable. A
*project profile* says which category and tags a project has (copied from its template, or
set by the PMO), and, for a project made from a template, which template version it came from.

No Flask, no marshmallow: the services call these methods; method bodies are replayed.
"""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("6b0f3c2e-8d41-4e57-a9c3-2f7e1d5b8a60")

KINDS = ("repeat", "avoid")
STATUSES = ("proposed", "endorsed", "retired")
# The stage gates a template's checklists belong to (core.domain.project.STAGES reached by a
# gate: approve, start, close).
CHECKLIST_STAGES = ("approved", "active", "closed")
DEFAULT_CATEGORIES = ("planning", "scope", "stakeholders", "suppliers", "governance", "people",
                      "technology", "finance", "quality", "change")
TITLE_MAX, TAG_MAX, TAGS_MAX, ITEMS_MAX = 200, 80, 20, 100


class LessonRetiredError(NotAllowedError):
    """The lesson is retired; its record is final."""


def clean_category(value: str | None) -> str:
    """A category is free text, kept lower-case so "Suppliers" and "suppliers" are one."""
    value = " ".join((value or "").split()).lower()
    if not value:
        raise ValidationError("choose or type a category", "category")
    if len(value) > 60:
        raise ValidationError("a category has at most 60 characters", "category")
    return value


def clean_tags(values) -> list[str]:
    """Tags: lower-case words or short phrases, each once, in the order given."""
    if isinstance(values, str):
        values = values.split(",")
    tags: list[str] = []
    for raw in values or []:
        tag = " ".join(str(raw).split()).lower()
        if not tag:
            continue
        if len(tag) > TAG_MAX or "|" in tag:
            raise ValidationError(f"a tag has at most {TAG_MAX} characters and no '|'", "tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationError(f"at most {TAGS_MAX} tags", "tags")
    return tags


def one_of(value: str, choices, field: str) -> str:
    if value not in choices:
        raise ValidationError(f"{field.replace('_', ' ')} must be one of {', '.join(choices)}", field)
    return value


# --- lessons ------------------------------------------------------------------------------

class Lesson(LedgerAggregate):
    """A lesson learned, proposed by whoever learned it, endorsed or retired by the PMO."""

    TOPIC = "knowledge.Lesson"

    @event("Recorded", topic="knowledge.Lesson.Recorded")
    def __init__(self, title: str, what_happened: str, kind: str, recommendation: str, category: str,
                 tags: list, stage: str, project_id: uuid.UUID | None, recorded_on: date):
        self.title = title
        self.what_happened = what_happened
        self.kind = kind
        self.recommendation = recommendation
        self.category = category
        self.tags = list(tags)
        self.stage = stage
        self.project_id = project_id
        self.recorded_on = recorded_on
        self.status = "proposed"

    FIELDS = ("title", "what_happened", "kind", "recommendation", "category", "tags", "stage", "project_id")

    def _require_live(self) -> None:
        if self.status == "retired":
            raise LessonRetiredError("this lesson is retired; its record is final")

    def revise(self, **changes) -> None:
        """Change what the lesson says; nothing is written when nothing changes."""
        self._require_live()
        merged = {f: changes.get(f, getattr(self, f)) for f in self.FIELDS}
        if merged != {f: getattr(self, f) for f in self.FIELDS}:
            self._revised(**merged)

    @event("Revised", topic="knowledge.Lesson.Revised")
    def _revised(self, title: str, what_happened: str, kind: str, recommendation: str, category: str,
                 tags: list, stage: str, project_id: uuid.UUID | None) -> None:
        self.title, self.what_happened, self.kind = title, what_happened, kind
        self.recommendation, self.category, self.tags = recommendation, category, list(tags)
        self.stage, self.project_id = stage, project_id

    def endorse(self, on: date, note: str) -> None:
        """The PMO vouches for the lesson: from now on it is suggested to projects."""
        self._require_live()
        if self.status == "endorsed":
            raise NotAllowedError("this lesson is already endorsed", "status")
        self._endorsed(endorsed_on=on, note=note)

    @event("Endorsed", topic="knowledge.Lesson.Endorsed")
    def _endorsed(self, endorsed_on: date, note: str) -> None:
        self.status = "endorsed"

    def retire(self, on: date, note: str) -> None:
        """The lesson no longer holds (the method changed, the tool is gone); kept, never suggested."""
        self._require_live()
        if not note.strip():
            raise ValidationError("say why the lesson is retired", "note")
        self._retired(retired_on=on, note=note.strip())

    @event("Retired", topic="knowledge.Lesson.Retired")
    def _retired(self, retired_on: date, note: str) -> None:
        self.status = "retired"


class LessonCategories(LedgerAggregate):
    """The PMO's list of lesson categories (offered on forms; a lesson may still use another)."""

    TOPIC = "knowledge.LessonCategories"

    @staticmethod
    def create_id() -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "lesson-categories")

    @event("Set", topic="knowledge.LessonCategories.Set")
    def __init__(self, categories: list):
        self.categories = list(categories)

    def change(self, categories: list[str]) -> None:
        if list(categories) != self.categories:
            self._changed(categories=list(categories))

    @event("Changed", topic="knowledge.LessonCategories.Changed")
    def _changed(self, categories: list) -> None:
        self.categories = list(categories)


# --- templates ----------------------------------------------------------------------------

def check_template(name: str, milestones: list, actions: list, checklists: dict, recommended_plugins: list,
                   known_plugins) -> dict:
    """The template's content, validated and normalised, or a ValidationError naming the field."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("a template needs a name", "name")
    if len(name) > TITLE_MAX:
        raise ValidationError(f"a name has at most {TITLE_MAX} characters", "name")
    out_milestones = []
    for m in milestones or []:
        label = " ".join(str(m.get("name") or "").split())
        offset = m.get("offset_days")
        if not label or len(label) > TITLE_MAX:
            raise ValidationError("every milestone needs a name (at most 200 characters)", "milestones")
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= 3650:
            raise ValidationError("a milestone's offset is a whole number of days from 0 to 3650", "milestones")
        out_milestones.append({"name": label, "offset_days": offset})
    out_actions = []
    for a in actions or []:
        title = " ".join(str(a.get("title") or "").split())
        offset = a.get("offset_days")
        owner = " ".join(str(a.get("owner") or "").split())
        if not title or len(title) > TITLE_MAX:
            raise ValidationError("every action needs a title (at most 200 characters)", "actions")
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= 3650:
            raise ValidationError("an action's due offset is a whole number of days from 0 to 3650", "actions")
        if len(owner) > 100:
            raise ValidationError("an action's owner has at most 100 characters", "actions")
        out_actions.append({"title": title, "offset_days": offset, "owner": owner})
    for what, items in (("milestones", out_milestones), ("actions", out_actions)):
        if len(items) > ITEMS_MAX:
            raise ValidationError(f"at most {ITEMS_MAX} {what}", what)
    unknown = set(checklists or {}) - set(CHECKLIST_STAGES)
    if unknown:
        raise ValidationError(f"checklists are for the stages {', '.join(CHECKLIST_STAGES)}", "checklists")
    out_checklists = {}
    for stage in CHECKLIST_STAGES:
        items = [" ".join(str(i).split()) for i in (checklists or {}).get(stage) or []]
        items = [i for i in items if i]
        if any(len(i) > 500 for i in items) or len(items) > ITEMS_MAX:
            raise ValidationError(f"at most {ITEMS_MAX} checklist items of 500 characters", "checklists")
        out_checklists[stage] = items
    plugins = []
    for p in recommended_plugins or []:
        if p not in known_plugins:
            raise ValidationError(f"no plugin {p!r}; known: {', '.join(sorted(known_plugins))}",
                                  "recommended_plugins")
        if p not in plugins:
            plugins.append(p)
    return {"name": name, "milestones": out_milestones, "actions": out_actions, "checklists": out_checklists,
            "recommended_plugins": plugins}


class Template(LedgerAggregate):
    """A project template; each definition is a numbered version, and every version is kept."""

    TOPIC = "knowledge.Template"
    CONTENT = ("name", "description", "category", "tags", "milestones", "actions", "checklists",
               "recommended_plugins", "gate_reviews_required")

    @event("Defined", topic="knowledge.Template.Defined")
    def __init__(self, name: str, description: str, category: str, tags: list, milestones: list, actions: list,
                 checklists: dict, recommended_plugins: list, gate_reviews_required: bool, number: int):
        self.versions: list[dict] = []
        self._keep(name, description, category, tags, milestones, actions, checklists, recommended_plugins,
                   gate_reviews_required, number)
        self.withdrawn = False

    def _keep(self, *values) -> None:
        *content, number = values
        self.versions = [*self.versions, {"number": number, **dict(zip(self.CONTENT, content))}]

    @property
    def current(self) -> dict:
        return self.versions[-1]

    @property
    def number(self) -> int:
        return self.current["number"]

    def numbered(self, number: int) -> dict | None:
        return next((v for v in self.versions if v["number"] == number), None)

    def revise(self, **content) -> bool:
        """A new version when the content changes; False (nothing written) when it does not."""
        if self.withdrawn:
            raise NotAllowedError("this template is withdrawn", "status")
        merged = {f: content.get(f, self.current[f]) for f in self.CONTENT}
        if merged == {f: self.current[f] for f in self.CONTENT}:
            return False
        self._revised(**merged, number=self.number + 1)
        return True

    @event("Revised", topic="knowledge.Template.Revised")
    def _revised(self, name: str, description: str, category: str, tags: list, milestones: list, actions: list,
                 checklists: dict, recommended_plugins: list, gate_reviews_required: bool, number: int) -> None:
        self._keep(name, description, category, tags, milestones, actions, checklists, recommended_plugins,
                   gate_reviews_required, number)

    def withdraw(self, note: str) -> None:
        """No new project is made from it any more; projects made from it keep their version."""
        if self.withdrawn:
            raise NotAllowedError("this template is already withdrawn", "status")
        self._withdrawn(note=note)

    @event("Withdrawn", topic="knowledge.Template.Withdrawn")
    def _withdrawn(self, note: str) -> None:
        self.withdrawn = True


# --- project profiles ---------------------------------------------------------------------

class ProjectProfile(LedgerAggregate):
    """What kind of project a project is (category, tags), and the template version it was made from."""

    TOPIC = "knowledge.ProjectProfile"

    @staticmethod
    def create_id(project_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"profile:{project_id}")

    @event("Created", topic="knowledge.ProjectProfile.Created")
    def __init__(self, project_id: uuid.UUID, category: str, tags: list, template_id: uuid.UUID | None,
                 template_name: str, template_version: int | None):
        self.project_id = project_id
        self.category = category
        self.tags = list(tags)
        self.template_id = template_id
        self.template_name = template_name
        self.template_version = template_version

    def change(self, category: str, tags: list[str]) -> None:
        if (category, list(tags)) != (self.category, self.tags):
            self._changed(category=category, tags=list(tags))

    @event("Changed", topic="knowledge.ProjectProfile.Changed")
    def _changed(self, category: str, tags: list) -> None:
        self.category, self.tags = category, list(tags)
