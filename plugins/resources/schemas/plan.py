"""Schemas of allocations, demand, the heat map, warnings, the skills search and the import."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.kit import PERSON_MAX, AsOfQuery, EntitySchema, InputSchema, WriteSchema, line, one_of
from plugins.resources.domain import ALLOCATION_STATUSES, DEMAND_STATUSES
from plugins.resources.schemas import LEVEL, Month, PersonSchema
from plugins.resources.workload import GROUPINGS

__all__ = ["OverAllocationProjectSchema", "OverAllocationSchema", "AllocationSchema", "AllocationAnswerSchema", "AllocationCreateSchema", "AllocationUpdateSchema", "AllocationQueryArgsSchema", "DemandFillRowSchema", "DemandSchema", "DemandCreateSchema", "DemandFillSchema", "DemandQueryArgsSchema", "ResourcesReasonSchema", "MonthWindowArgs", "CapacityHeatmapQueryArgsSchema", "CapacityCellProjectSchema", "CapacityCellSchema", "CapacityHeatmapRowSchema", "CapacityHeatmapSchema", "OverAllocationQueryArgsSchema", "SkillSearchQueryArgsSchema", "SkillSearchResultSchema", "ResourcesImportArgs", "ResourcesImportFile", "ResourcesImportErrorSchema", "ResourcesImportReportSchema"]


# --- allocations and demand -----------------------------------------------------------------

class OverAllocationProjectSchema(Schema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()
    hours = fields.Float()


class OverAllocationSchema(Schema):
    """A person booked beyond their capacity in a month, and the projects that book them."""

    person_id = fields.UUID()
    person_name = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM"})
    capacity = fields.Float()
    allocated = fields.Float()
    over_by = fields.Float()
    projects = fields.List(fields.Nested(OverAllocationProjectSchema))


class AllocationSchema(EntitySchema):
    person_id = fields.UUID()
    person_name = fields.String()
    project_id = fields.UUID()
    project_code = fields.String(allow_none=True)
    project_name = fields.String(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date()
    percent = fields.Integer(allow_none=True, metadata={"description": "of a full-time week"})
    hours_per_month = fields.Float(allow_none=True)
    demand_id = fields.UUID(allow_none=True, metadata={"description": "the demand it fills"})
    status = one_of(ALLOCATION_STATUSES)


class AllocationAnswerSchema(AllocationSchema):
    """The allocation, recorded; ``warnings`` lists the months it books the person beyond capacity."""

    warnings = fields.List(fields.Nested(OverAllocationSchema))


class AllocationCreateSchema(WriteSchema):
    """Give ``percent`` (of a full-time week) or ``hours_per_month``."""

    person_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    percent = fields.Integer(allow_none=True, load_default=None)
    hours_per_month = fields.Float(allow_none=True, load_default=None)


class AllocationUpdateSchema(WriteSchema):
    """Change the period or the amount; ``percent`` replaces hours per month and back."""

    start_date = fields.Date()
    end_date = fields.Date()
    percent = fields.Integer()
    hours_per_month = fields.Float()


class AllocationQueryArgsSchema(AsOfQuery):
    person_id = fields.UUID()
    project_id = fields.UUID()
    status = one_of([*ALLOCATION_STATUSES, "all"], load_default="active")


class DemandFillRowSchema(Schema):
    person_id = fields.UUID()
    person_name = fields.String()
    allocation_id = fields.UUID()
    fte = fields.Float()


class DemandSchema(EntitySchema):
    """A role asked for on a project; ``open_fte`` is what no one fills yet."""

    project_id = fields.UUID()
    project_code = fields.String(allow_none=True)
    project_name = fields.String(allow_none=True)
    role = fields.String()
    fte = fields.Float()
    open_fte = fields.Float()
    start_date = fields.Date()
    end_date = fields.Date()
    note = fields.String()
    status = one_of(DEMAND_STATUSES)
    fills = fields.List(fields.Nested(DemandFillRowSchema))


class DemandCreateSchema(WriteSchema):
    project_id = fields.UUID(required=True)
    role = line(PERSON_MAX, required=True)
    fte = fields.Float(required=True, metadata={"description": "full-time people asked for, e.g. 2 or 0.5"})
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    note = fields.String(validate=validate.Length(max=2000), load_default="")


class DemandFillSchema(WriteSchema):
    """Fill (part of) the demand with a person: allocated to its project for its period."""

    person_id = fields.UUID(required=True)
    fte = fields.Float(allow_none=True, load_default=None,
                       metadata={"description": "0-1; default: all that is open, at most one full-time person"})


class DemandQueryArgsSchema(AsOfQuery):
    project_id = fields.UUID()
    role = line(PERSON_MAX)
    status = one_of([*DEMAND_STATUSES, "all"], load_default="open")


class ResourcesReasonSchema(WriteSchema):
    """Nothing but an optional reason."""


# --- views ----------------------------------------------------------------------------------

class MonthWindowArgs(AsOfQuery):
    start = Month(metadata={"description": "first month, YYYY-MM (default: two months before today)"})
    months = fields.Integer(load_default=12, validate=validate.Range(1, 36))


class CapacityHeatmapQueryArgsSchema(MonthWindowArgs):
    by = one_of(GROUPINGS, load_default="person")


class CapacityCellProjectSchema(Schema):
    code = fields.String()
    hours = fields.Float()


class CapacityCellSchema(Schema):
    month = fields.String()
    capacity = fields.Float()
    allocated = fields.Float()
    unfilled = fields.Float(metadata={"description": "open demand for the role (by role only)"})
    demand = fields.Float(metadata={"description": "allocated + unfilled"})
    status = one_of(("under", "full", "over", "none"))
    load_pct = fields.Integer(allow_none=True)
    projects = fields.List(fields.Nested(CapacityCellProjectSchema))


class CapacityHeatmapRowSchema(Schema):
    key = fields.String()
    label = fields.String()
    people = fields.Integer()
    cells = fields.List(fields.Nested(CapacityCellSchema))


class CapacityHeatmapSchema(Schema):
    """Capacity against demand per month, in hours: under, full (from 90%) or over."""

    by = one_of(GROUPINGS)
    months = fields.List(fields.String())
    rows = fields.List(fields.Nested(CapacityHeatmapRowSchema))


class OverAllocationQueryArgsSchema(MonthWindowArgs):
    person_id = fields.UUID()


class SkillSearchQueryArgsSchema(AsOfQuery):
    """"Who has risk management at level 3 or more and is free in May?"."""

    skill = line(80, metadata={"description": "the skill (any case); none: everyone, for who is free when"})
    min_level = fields.Integer(load_default=1, validate=LEVEL)
    free_in = Month(metadata={"description": "YYYY-MM: only people with spare capacity that month"})
    min_free_pct = fields.Integer(load_default=20, validate=validate.Range(1, 100), metadata={
        "description": "how much is 'free': this % of a full-time month unallocated (20: a day a week)"})


class SkillSearchResultSchema(PersonSchema):
    level = fields.Integer(allow_none=True, metadata={"description": "in the skill searched for"})
    capacity = fields.Float(metadata={"description": "hours in free_in"})
    allocated = fields.Float()
    free = fields.Float()


class ResourcesImportArgs(InputSchema):
    kind = one_of(("people", "allocations"), required=True)
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check only; import nothing"})


class ResourcesImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ResourcesImportErrorSchema(Schema):
    line = fields.Integer()
    column = fields.String()
    message = fields.String()


class ResourcesImportReportSchema(Schema):
    """What an import did, or would do (dry run); ``errors`` name line and column."""

    kind = fields.String()
    rows = fields.Integer()
    imported = fields.Integer()
    dry_run = fields.Boolean()
    ok = fields.Boolean()
    summary = fields.String()
    errors = fields.List(fields.Nested(ResourcesImportErrorSchema))
    warnings = fields.List(fields.String(), metadata={"description": "over-allocations the import causes"})
