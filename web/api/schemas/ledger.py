"""The ledger as auditors and readers see it: events, entity histories, verdicts, exports."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from web.api.schemas.common import PERSON_MAX, AsOfSchema, InputSchema, Moment, Timestamp, line, load_moment

PAGE_MAX = 200


class EventSchema(Schema):
    """One ledger record from the log index: what happened, to what, by whom, when and why."""

    position = fields.Integer()
    occurred_at = Timestamp()
    topic = fields.String()
    originator_id = fields.UUID()
    originator_version = fields.Integer()
    actor = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)


class EventPageSchema(Schema):
    """One page of the log, newest first; follow ``next`` (also sent as a Link header) for more."""

    items = fields.List(fields.Nested(EventSchema))
    next = fields.String(allow_none=True, metadata={
        "description": "URL of the next (older) page; null on the last page"})


class EventQueryArgsSchema(AsOfSchema):
    """Filters for the event log, combined with AND; pages go back in time with ``before``."""

    entity_id = fields.UUID(metadata={"description": "events of this entity (the originator id)"})
    actor = line(PERSON_MAX, metadata={"description": "who made the change (username)"})
    topic = line(metadata={"description": "text in the event type, e.g. Closed or Project."})
    plugin = line(100, metadata={"description": "events of this plugin (topic prefix): core, risk, ..."})
    correlation_id = line(64, metadata={"description": "the X-Correlation-ID of a request"})
    since = Moment(start=True, metadata={"description": "recorded at or after this date (from its "
                                         "start) or ISO timestamp"})
    until = Moment(metadata={"description": "recorded at or before this date (to its end) or ISO "
                             "timestamp"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, PAGE_MAX),
                           metadata={"description": f"events per page (1-{PAGE_MAX})"})
    before = fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "only positions below this one: the next page, as the `next` link gives"})


class ChangeSchema(Schema):
    """One field's change: its value before and after (as shown to people)."""

    field = fields.String()
    old = fields.String()
    new = fields.String()


class HistoryEntrySchema(Schema):
    """One change to an entity: which fields changed, who did it, when and why."""

    position = fields.Integer(metadata={"description": "ledger position of the change"})
    occurred_at = Timestamp()
    actor = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    topic = fields.String(allow_none=True)
    created = fields.Boolean(metadata={"description": "the event that created the entity"})
    changes = fields.List(fields.Nested(ChangeSchema))
    summary = fields.String(metadata={"description": "e.g. 'overall amber -> red by j.smith: "
                                                      "supplier delay'"})


class VerdictSchema(Schema):
    """The ledger checked against its hash chain and signed seals; ``ok`` false names where."""

    ok = fields.Boolean()
    checked = fields.Integer(metadata={"description": "records checked"})
    head = fields.String(metadata={"description": "chain hash of the last good record"})
    position = fields.Integer(allow_none=True, metadata={
        "description": "the first position not as written (when not ok)"})
    problem = fields.String(metadata={"description": "what is wrong there (empty when ok)"})
    public_key = fields.String(metadata={"description": "the seal-verification key used (base64)"})


class PublicKeySchema(Schema):
    """The key that verifies the ledger's seals, to hand to auditors with an export."""

    public_key = fields.String(metadata={"description": "Ed25519 public key, base64 of its 32 bytes"})
    algorithm = fields.String()


class Bound(fields.String):
    """A ledger position (digits), or a date / ISO timestamp turned into one later."""

    def __init__(self, start: bool = False, **kwargs):
        self.start = start
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text.isdigit():
            if int(text) < 1:
                raise ValidationError("positions start at 1")
            return int(text)
        moment = load_moment(text, self.start)
        if moment is None:
            raise ValidationError("give a position, a date or an ISO timestamp")
        return moment


class ExportArgsSchema(InputSchema):
    """Which records to export, and as what."""

    from_ = Bound(start=True, data_key="from", metadata={
        "description": "first position, or a date (from its start) or ISO timestamp; default: 1"})
    to = Bound(metadata={
        "description": "last position, or a date (to its end) or ISO timestamp; default: the head"})
    format = fields.String(load_default="jsonl", validate=validate.OneOf(["jsonl", "csv"]),
                           metadata={"description": "jsonl (one JSON object a line) or csv"})
