"""Marshmallow schemas of the resources API: ``XSchema`` answers, ``XCreateSchema`` and friends
are request bodies (unknown fields refused), ``XQueryArgsSchema`` are filters. Every read takes
``as_of``; every write takes an optional ``reason`` (kept in the ledger). Hours are hours; a
percentage is of a full-time week (``capacity.FULL_TIME`` hours).

Here: the shared fields and people; ``plan``: allocations, demand, the views and the import.
"""
from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from plugins.kit import PERSON_MAX, AsOfQuery, EntitySchema, InputSchema, WriteSchema, line, one_of
from plugins.resources.domain import CAPACITY_KINDS, DEVELOPMENT_KINDS, FIRST_YEAR, LAST_YEAR, LEVELS

LEVEL = validate.OneOf(LEVELS, error="must be a whole number from 1 to 5")


class Month(fields.String):
    """A month, ``YYYY-MM`` (a full date means its month)."""

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        raw = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            day = date.fromisoformat(raw if len(raw) == 10 else f"{raw}-01")
        except ValueError:
            raise ValidationError("a month is written YYYY-MM, e.g. 2026-05") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(f"the month must be in the years {FIRST_YEAR}-{LAST_YEAR}")
        return day.replace(day=1)


# --- people ---------------------------------------------------------------------------------

class PersonSkillSchema(Schema):
    skill = fields.String()
    skill_key = fields.String(metadata={"description": "the skill as matched: lower case, single spaces"})
    level = fields.Integer(metadata={"description": "competence: 1 aware, 2 practitioner, 3 competent, "
                                                    "4 expert, 5 master"})
    assessed_on = fields.Date()


class PersonSchema(EntitySchema):
    """A person: personal fields come from the ledger sealed and are opened with their key;
    once forgotten, ``name`` is "forgotten person" and ``email`` empty."""

    name = fields.String()
    email = fields.String()
    role = fields.String()
    department = fields.String()
    hours_per_week = fields.Float(metadata={"description": "contracted hours (periods of part-time or leave aside)"})
    forgotten = fields.Boolean()
    forgotten_on = fields.Date(allow_none=True)
    skills = fields.List(fields.Nested(PersonSkillSchema))


class CapacityPeriodSchema(Schema):
    period = fields.Integer(metadata={"description": "1, 2, ...: a later period wins where they overlap"})
    kind = one_of(CAPACITY_KINDS)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True, metadata={"description": "empty: from then on (a new contract)"})
    hours_per_week = fields.Float()
    note = fields.String()
    recorded_by = fields.String()


class DevelopmentSchema(Schema):
    record = fields.Integer()
    kind = one_of(DEVELOPMENT_KINDS)
    recorded_on = fields.Date()
    title = fields.String()
    note = fields.String()


class PersonDetailSchema(PersonSchema):
    """A person with their capacity periods and development records."""

    capacity = fields.List(fields.Nested(CapacityPeriodSchema))
    development = fields.List(fields.Nested(DevelopmentSchema))


class PersonCreateSchema(WriteSchema):
    """Register a person; name and email are sealed with a key of their own."""

    name = line(required=True)
    email = line(required=True)
    role = line(PERSON_MAX, required=True, metadata={"description": "e.g. business analyst, developer"})
    department = fields.String(validate=validate.Length(max=PERSON_MAX), load_default="")
    hours_per_week = fields.Float(load_default=40.0, metadata={"description": "contracted hours, 1-80"})


class PersonUpdateSchema(WriteSchema):
    """Change details; fields left out keep their value."""

    name = line()
    email = line()
    role = line(PERSON_MAX)
    department = fields.String(validate=validate.Length(max=PERSON_MAX))


class PersonQueryArgsSchema(AsOfQuery):
    q = line(metadata={"description": "text in the name, email, role or department"})
    role = line(PERSON_MAX)
    department = line(PERSON_MAX)
    include_forgotten = fields.Boolean(load_default=True)


class CapacityCreateSchema(WriteSchema):
    """Part-time or leave for a period, or a new contract from a day on (no end)."""

    kind = one_of(CAPACITY_KINDS, required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, load_default=None)
    hours_per_week = fields.Float(load_default=0.0, metadata={"description": "0 on leave"})
    note = fields.String(validate=validate.Length(max=2000), load_default="",
                         metadata={"description": "personal: sealed with the person's key"})


class SkillCreateSchema(WriteSchema):
    skill = line(80, required=True)
    level = fields.Integer(required=True, validate=LEVEL)
    assessed_on = fields.Date(allow_none=True, load_default=None)


class DevelopmentCreateSchema(WriteSchema):
    """A training, certification or career step; title and note are sealed."""

    kind = one_of(DEVELOPMENT_KINDS, required=True)
    title = line(required=True)
    recorded_on = fields.Date(allow_none=True, load_default=None)
    note = fields.String(validate=validate.Length(max=2000), load_default="")


class ForgetSchema(InputSchema):
    """Forget a person (admin): why is required and kept in the ledger; do not name them in it."""

    reason = line(500, required=True, metadata={"description": "why, e.g. the erasure request's reference"})


from plugins.resources.schemas.plan import *  # noqa: E402,F401,F403  (one namespace for the API)
