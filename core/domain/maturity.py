"""The organisation's maturity profile: each self-assessment is an event, so its history
shows how the PMO grew (one profile per ledger)."""
from __future__ import annotations

import uuid

from eventsourcing.domain import event

from core.domain.portfolio import NAMESPACE
from core.maturity import MODEL_VERSION, check_answers, domain_levels
from events.aggregate import LedgerAggregate


class MaturityProfile(LedgerAggregate):
    TOPIC = "core.MaturityProfile"

    @staticmethod
    def create_id() -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "maturity-profile")

    @event("Started", topic="core.MaturityProfile.Started")
    def __init__(self):
        self.answers: dict[str, str] = {}
        self.levels: dict[str, int | None] = {}
        self.assessments = 0

    def assess(self, answers: dict) -> None:
        """Record a self-assessment; the levels are worked out now and kept with the answers,
        so a later change of the model does not rewrite what was concluded then."""
        clean = check_answers(answers)
        self._assessed(answers=clean, levels=domain_levels(clean), model_version=MODEL_VERSION)

    @event("Assessed", topic="core.MaturityProfile.Assessed")
    def _assessed(self, answers: dict, levels: dict, model_version: int) -> None:
        self.answers = dict(answers)
        self.levels = dict(levels)
        self.assessments += 1
