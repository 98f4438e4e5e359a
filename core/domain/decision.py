"""The decision log: what was decided, why, by whom and when."""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate


class Decision(LedgerAggregate):
    TOPIC = "core.Decision"

    @event("Recorded", topic="core.Decision.Recorded")
    def __init__(
        self, title: str, decision: str, rationale: str, decided_by: str, decided_on: date,
        project_id: uuid.UUID | None = None,
    ):
        self.title = title
        self.decision = decision
        self.rationale = rationale
        self.decided_by = decided_by
        self.decided_on = decided_on
        self.project_id = project_id
        self.superseded_by: uuid.UUID | None = None

    def supersede(self, by: uuid.UUID) -> None:
        if by == self.id:
            raise ValidationError("a decision cannot supersede itself", "by")
        if self.superseded_by is not None:
            raise NotAllowedError("this decision is already superseded")
        self._superseded(superseded_by=by)

    @event("Superseded", topic="core.Decision.Superseded")
    def _superseded(self, superseded_by: uuid.UUID) -> None:
        self.superseded_by = superseded_by
