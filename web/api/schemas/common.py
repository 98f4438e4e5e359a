"""Building blocks shared by the API's schemas: strict input, entity envelope, problems."""
from __future__ import annotations

from datetime import timezone

from marshmallow import RAISE, Schema, fields, validate

# Bounds that match the read-model columns: PostgreSQL would refuse a longer value with a
# server error, so the API refuses it first, naming the field.
CODE_MAX, NAME_MAX, PERSON_MAX, TEXT_MAX = 40, 200, 100, 20_000


def line(max_len: int = NAME_MAX, blank: bool = False, **kwargs) -> fields.String:
    """A one-line string, not empty unless ``blank`` (a name left empty is a mistake)."""
    return fields.String(validate=validate.Length(min=0 if blank else 1, max=max_len), **kwargs)


def text(**kwargs) -> fields.String:
    """Free text (descriptions, summaries, rationale)."""
    return fields.String(validate=validate.Length(max=TEXT_MAX), **kwargs)


def one_of(choices, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(choices), **kwargs)


class Timestamp(fields.DateTime):
    """A ledger time, always UTC. SQLite hands times back naive, so the API says UTC itself."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class InputSchema(Schema):
    """Base of every request schema."""

    class Meta:
        unknown = RAISE  # a misspelt field must be an error, not a change silently skipped


class ReasonSchema(InputSchema):
    """The body of a command that needs nothing but an optional reason.

    Every write takes ``reason`` (why the change was made; it is kept with the event in the
    ledger) in its body, or in an ``X-Reason`` header.
    """

    reason = text(load_only=True, metadata={"description": "why; kept in the ledger with the change"})


class EntitySchema(Schema):
    """Identity and version of an aggregate; ``version`` is also the ETag."""

    id = fields.UUID()
    version = fields.Integer(metadata={"description": "the aggregate version, also sent as ETag"})
    created_at = Timestamp()
    created_by = fields.String()
    updated_at = Timestamp()
    updated_by = fields.String()


class ProblemSchema(Schema):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "messages by field name"},
    )
    current_version = fields.Integer(metadata={"description": "on a 409: the version to retry with"})
