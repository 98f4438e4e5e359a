"""Portfolio and programme schemas."""
from __future__ import annotations

from marshmallow import fields

from web.api.schemas.common import CODE_MAX, PERSON_MAX, EntitySchema, ReasonSchema, line, text


class PortfolioSchema(EntitySchema):
    """The organisation's portfolio."""

    name = fields.String()
    description = fields.String()


class PortfolioCreateSchema(ReasonSchema):
    """Establish the portfolio (once per ledger)."""

    name = line(required=True)
    description = text()


class PortfolioUpdateSchema(ReasonSchema):
    """Rename the portfolio: the whole representation, as PUT replaces it."""

    name = line(required=True)
    description = text(load_default="")


class ProgrammeSchema(EntitySchema):
    """A programme: related projects managed together."""

    code = fields.String()
    name = fields.String()
    description = fields.String()
    sponsor = fields.String()
    manager = fields.String()
    closed = fields.Boolean()


class ProgrammeCreateSchema(ReasonSchema):
    """Register a programme under a new, unique code."""

    code = line(CODE_MAX, required=True)
    name = line(required=True)
    description = text()
    sponsor = line(PERSON_MAX, blank=True)
    manager = line(PERSON_MAX, blank=True)


class ProgrammeUpdateSchema(ReasonSchema):
    """Change a programme's details; fields left out keep their value."""

    name = line()
    description = text()
    sponsor = line(PERSON_MAX, blank=True)
    manager = line(PERSON_MAX, blank=True)

