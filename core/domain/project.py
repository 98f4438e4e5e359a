"""A project: what it is, who runs it, and where it stands in its lifecycle."""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from core.domain.portfolio import NAMESPACE
from events.aggregate import LedgerAggregate

STAGES = ("idea", "proposed", "approved", "active", "closed", "cancelled")
TERMINAL = ("closed", "cancelled")
# Each stage may move to the next one; any open stage may be cancelled.
NEXT_STAGE = {"idea": "proposed", "proposed": "approved", "approved": "active", "active": "closed"}


class ProjectClosedError(NotAllowedError):
    """The project is closed or cancelled; its record is final."""


class Project(LedgerAggregate):
    TOPIC = "core.Project"

    @staticmethod
    def create_id(code: str) -> uuid.UUID:
        # The code is the identity: a second project with the same code clashes (409).
        return uuid.uuid5(NAMESPACE, f"project:{code.lower()}")

    @event("Registered", topic="core.Project.Registered")
    def __init__(
        self,
        code: str,
        name: str,
        description: str = "",
        sponsor: str = "",
        manager: str = "",
        programme_id: uuid.UUID | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
    ):
        self.code = code
        self.name = name
        self.description = description
        self.sponsor = sponsor
        self.manager = manager
        self.programme_id = programme_id
        self.start_date = start_date
        self.end_date = end_date
        self.stage = "idea"
        self.stage_history: list[dict] = []

    @property
    def is_open(self) -> bool:
        return self.stage not in TERMINAL

    def update(self, **changes) -> None:
        if not self.is_open:
            raise ProjectClosedError(f"project {self.code} is {self.stage}")
        fields = ("name", "description", "sponsor", "manager", "programme_id", "start_date", "end_date")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged["start_date"] and merged["end_date"] and merged["end_date"] < merged["start_date"]:
            raise ValidationError("end date is before start date", "end_date")
        if merged == {f: getattr(self, f) for f in fields}:
            return
        self._updated(**merged)

    @event("Updated", topic="core.Project.Updated")
    def _updated(self, name: str, description: str, sponsor: str, manager: str,
                 programme_id: uuid.UUID | None, start_date: date | None, end_date: date | None) -> None:
        self.name = name
        self.description = description
        self.sponsor = sponsor
        self.manager = manager
        self.programme_id = programme_id
        self.start_date = start_date
        self.end_date = end_date

    def move_to_stage(self, stage: str, gate_decision: str) -> None:
        """Pass a gate: to the next stage, or cancel. The gate decision is kept with it."""
        if stage not in STAGES:
            raise ValidationError(f"unknown stage {stage!r}", "stage")
        if not self.is_open:
            raise ProjectClosedError(f"project {self.code} is already {self.stage}")
        if stage != "cancelled" and NEXT_STAGE.get(self.stage) != stage:
            raise NotAllowedError(
                f"a project in stage {self.stage} can move to "
                f"{NEXT_STAGE[self.stage]} or cancelled, not {stage}",
                "stage",
            )
        if not gate_decision.strip():
            raise ValidationError("a stage change needs its gate decision", "gate_decision")
        self._stage_changed(from_stage=self.stage, stage=stage, gate_decision=gate_decision)

    @event("StageChanged", topic="core.Project.StageChanged")
    def _stage_changed(self, from_stage: str, stage: str, gate_decision: str) -> None:
        self.stage_history.append({"from": from_stage, "to": stage, "gate_decision": gate_decision})
        self.stage = stage
