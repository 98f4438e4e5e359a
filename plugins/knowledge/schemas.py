"""Marshmallow schemas of the knowledge API: ``XSchema`` answers, ``XCreateSchema`` and friends
request bodies (unknown fields refused), ``XQueryArgsSchema`` filters. Every read takes
``as_of``; every write takes an optional ``reason`` (kept in the ledger).
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.domain.project import STAGES
from plugins.kit import (  # noqa: F401  (AsOfQuery: part of this module's API)
    NAME_MAX, PERSON_MAX, AsOfQuery, EntitySchema, InputSchema, Timestamp, WriteSchema, line, one_of, text,
)
from plugins.knowledge.domain import CHECKLIST_STAGES, KINDS, STATUSES, TAG_MAX, TAGS_MAX
from plugins.knowledge.queries import SORTS

Tag = lambda: fields.String(validate=validate.Length(min=1, max=TAG_MAX))  # noqa: E731
Tags = lambda **kw: fields.List(Tag(), validate=validate.Length(max=TAGS_MAX), **kw)  # noqa: E731
Days = lambda: fields.Integer(required=True, strict=True, validate=validate.Range(0, 3650),  # noqa: E731
                              metadata={"description": "days after the project's start date"})
Stage = lambda: fields.String(validate=validate.OneOf(["", *STAGES]),  # noqa: E731
                              metadata={"description": "the project stage the lesson comes from (empty: none)"})


# --- lessons ----------------------------------------------------------------------------------

class LessonSchema(EntitySchema):
    """A lesson learned: what happened and what to repeat or avoid."""

    title = fields.String()
    what_happened = fields.String()
    kind = one_of(KINDS, metadata={"description": "repeat (it worked) or avoid (it hurt)"})
    recommendation = fields.String(metadata={"description": "what to repeat or avoid next time"})
    category = fields.String()
    tags = fields.List(fields.String())
    stage = fields.String()
    project_id = fields.UUID(allow_none=True)
    project_code = fields.String(allow_none=True)
    recorded_on = fields.Date()
    status = one_of(STATUSES, metadata={"description": "proposed; endorsed by the PMO (suggested to projects); "
                                                      "retired (kept, no longer suggested)"})
    status_on = fields.Date(allow_none=True)
    status_note = fields.String(allow_none=True)
    rank = fields.Integer(allow_none=True, metadata={"description": "with q: 1 is the best match"})


class LessonQueryArgsSchema(AsOfQuery):
    q = fields.String(validate=validate.Length(max=500),
                      metadata={"description": "words the lesson must hold (ranked, best match first)"})
    category = fields.String(validate=validate.Length(max=60))
    tag = fields.String(validate=validate.Length(max=TAG_MAX))
    project_id = fields.UUID()
    status = one_of([*STATUSES, "all"])
    kind = one_of(KINDS)
    sort = one_of([*SORTS, *(f"-{s}" for s in SORTS if s != "rank")])


class LessonCreateSchema(WriteSchema):
    title = line(required=True)
    what_happened = text(required=True)
    kind = one_of(KINDS, required=True)
    recommendation = text(required=True)
    category = line(60, required=True)
    tags = Tags()
    stage = Stage()
    project_id = fields.UUID(allow_none=True)


class LessonUpdateSchema(WriteSchema):
    title = line()
    what_happened = text()
    kind = one_of(KINDS)
    recommendation = text()
    category = line(60)
    tags = Tags()
    stage = Stage()
    project_id = fields.UUID(allow_none=True)


class EndorseSchema(WriteSchema):
    note = text()


class RetireSchema(WriteSchema):
    note = text(required=True, metadata={"description": "why the lesson no longer holds"})


class CategoriesSchema(Schema):
    version = fields.Integer(metadata={"description": "0 while the defaults are in force"})
    categories = fields.List(fields.String())


class CategoriesUpdateSchema(WriteSchema):
    categories = fields.List(line(60), required=True, validate=validate.Length(min=1, max=50))


class CategoryCountSchema(Schema):
    category = fields.String()
    lessons = fields.Integer()
    endorsed = fields.Integer()


# --- templates --------------------------------------------------------------------------------

class TemplateMilestoneSchema(InputSchema):
    name = line(required=True)
    offset_days = Days()


class TemplateActionSchema(InputSchema):
    title = line(required=True)
    offset_days = Days()
    owner = fields.String(validate=validate.Length(max=PERSON_MAX),
                          metadata={"description": "empty: the project's manager"})


class ChecklistsSchema(InputSchema):
    """One list of items per stage gate: approve, start, close."""

    approved = fields.List(fields.String(validate=validate.Length(min=1, max=500)), validate=validate.Length(max=100))
    active = fields.List(fields.String(validate=validate.Length(min=1, max=500)), validate=validate.Length(max=100))
    closed = fields.List(fields.String(validate=validate.Length(min=1, max=500)), validate=validate.Length(max=100))


assert tuple(ChecklistsSchema().fields) == CHECKLIST_STAGES


class TemplateContent(Schema):
    name = fields.String()
    description = fields.String()
    category = fields.String()
    tags = fields.List(fields.String())
    milestones = fields.List(fields.Nested(TemplateMilestoneSchema))
    actions = fields.List(fields.Nested(TemplateActionSchema))
    checklists = fields.Nested(ChecklistsSchema)
    recommended_plugins = fields.List(fields.String())
    gate_reviews_required = fields.Boolean(metadata={"description": "stage changes need a 'go' gate review"})


class TemplateSchema(EntitySchema, TemplateContent):
    """A project template: its current version (``number``), or the version asked for."""

    number = fields.Integer(metadata={"description": "the template version: 1, 2, ..."})
    withdrawn = fields.Boolean()
    projects = fields.Integer(metadata={"description": "projects made from any version"})


class TemplateVersionSchema(TemplateContent):
    template_id = fields.UUID()
    number = fields.Integer()
    defined_at = Timestamp()
    defined_by = fields.String()


class TemplateQueryArgsSchema(AsOfQuery):
    version = fields.Integer(strict=False, validate=validate.Range(1, 1_000_000),
                             metadata={"description": "this version instead of the current one"})


class _TemplateIn(WriteSchema):
    description = text()
    category = fields.String(validate=validate.Length(max=60))
    tags = Tags()
    milestones = fields.List(fields.Nested(TemplateMilestoneSchema), validate=validate.Length(max=100))
    actions = fields.List(fields.Nested(TemplateActionSchema), validate=validate.Length(max=100))
    checklists = fields.Nested(ChecklistsSchema)
    recommended_plugins = fields.List(fields.String(validate=validate.Length(max=100)), validate=validate.Length(max=50))
    gate_reviews_required = fields.Boolean()


class TemplateCreateSchema(_TemplateIn):
    name = line(required=True)


class TemplateUpdateSchema(_TemplateIn):
    name = line()


class WithdrawSchema(WriteSchema):
    note = text()


class ProjectFromTemplateSchema(WriteSchema):
    code = line(40, required=True)
    name = line(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True)
    manager = fields.String(validate=validate.Length(max=PERSON_MAX))
    sponsor = fields.String(validate=validate.Length(max=PERSON_MAX))
    description = text()
    programme_id = fields.UUID(allow_none=True)
    version = fields.Integer(strict=True, validate=validate.Range(1, 1_000_000), metadata={
        "description": "the version you looked at; if the template moved on since, nothing is made (409)"})


class MadeProjectSchema(Schema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()
    stage = fields.String()
    template_version = fields.Integer()


# --- project profiles -------------------------------------------------------------------------

class ProfileSchema(Schema):
    """What kind of project it is (category, tags) and the template version it was made from."""

    project_id = fields.UUID()
    version = fields.Integer()
    category = fields.String()
    tags = fields.List(fields.String())
    template_id = fields.UUID(allow_none=True)
    template_name = fields.String(allow_none=True)
    template_version = fields.Integer(allow_none=True)
    updated_at = Timestamp()
    updated_by = fields.String()


class ProfileUpdateSchema(WriteSchema):
    category = fields.String(validate=validate.Length(max=60))
    tags = Tags()


class SuggestionSchema(LessonSchema):
    match = fields.Integer(metadata={"description": "2 for the same category, plus 1 per shared tag"})
    shared_tags = fields.List(fields.String())
    same_category = fields.Boolean()
