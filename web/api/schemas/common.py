"""Building blocks shared by the API's schemas: strict input, entity envelope, problems."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.asof import parse_as_of
from core.domain.errors import ValidationError as DomainValidationError

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


MOMENT_HELP = "a date (2026-03-12, the end of that day, UTC) or an ISO timestamp (2026-03-12T09:30:00Z)"


def load_moment(text: str, start: bool = False) -> datetime | None:
    """A date or ISO timestamp as an aware datetime (UTC if unsaid); empty text is None.

    A date means the end of that day, UTC. With ``start`` it is a lower bound ("from then on"),
    so it loads as the instant just before (a date: before that day begins): "since
    2026-03-12" includes the 12th.
    """
    text = text.strip()
    if not text:
        return None
    try:
        moment = parse_as_of(text)
        if start:
            moment -= timedelta(days=1) if len(text) == 10 else timedelta(microseconds=1)
    except (DomainValidationError, OverflowError):
        raise ValidationError(f"give {MOMENT_HELP}") from None
    return moment


class Moment(fields.String):
    """A date or an ISO timestamp (see ``load_moment``); empty means none (now, or no bound)."""

    def __init__(self, start: bool = False, **kwargs):
        self.start = start
        kwargs.setdefault("metadata", {}).setdefault("description", MOMENT_HELP)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return load_moment(super()._deserialize(value, attr, data, **kwargs), self.start)


class AsOfSchema(InputSchema):
    """Every read takes ``as_of``: the state at that moment, in recorded (ledger) time."""

    as_of = Moment(metadata={"description": (
        "show the state at this moment: a date (2026-03-12, the end of that day, UTC) or an ISO "
        "timestamp; things closed, cancelled or superseded since are shown as they were. The "
        "answer's X-As-Of-Position header names the ledger position read")})


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

    def __deepcopy__(self, memo):
        # flask-smorest deep-copies every view's doc at each decorator and again at
        # registration; this schema is documented on every operation (five or six times) and
        # holds no state, so one instance serves them all (start-up: seconds less).
        return self
