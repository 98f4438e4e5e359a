"""A periodic status report: the project's RAG ratings for a period, frozen once published."""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from core.domain.rag import check_rag
from events.aggregate import LedgerAggregate


class ReportPublishedError(NotAllowedError):
    """A published report is part of the record: it cannot be edited."""


def _check(period_start: date, period_end: date, progress_pct: int, ratings: dict) -> None:
    if period_end < period_start:
        raise ValidationError("period end is before period start", "period_end")
    if not 0 <= progress_pct <= 100:
        raise ValidationError("progress must be between 0 and 100", "progress_pct")
    for name, value in ratings.items():
        check_rag(value, name)


class StatusReport(LedgerAggregate):
    TOPIC = "core.StatusReport"

    @classmethod
    def draft(
        cls, project_id: uuid.UUID, period_start: date, period_end: date, overall: str,
        schedule: str, cost: str, scope: str, summary: str = "", progress_pct: int = 0,
    ) -> "StatusReport":
        ratings = {"overall": overall, "schedule": schedule, "cost": cost, "scope": scope}
        _check(period_start, period_end, progress_pct, ratings)
        return cls(
            project_id=project_id, period_start=period_start, period_end=period_end,
            summary=summary, progress_pct=progress_pct, **ratings,
        )

    @event("Drafted", topic="core.StatusReport.Drafted")
    def __init__(
        self, project_id: uuid.UUID, period_start: date, period_end: date, overall: str,
        schedule: str, cost: str, scope: str, summary: str, progress_pct: int,
    ):
        self.project_id = project_id
        self.period_start = period_start
        self.period_end = period_end
        self.overall = overall
        self.schedule = schedule
        self.cost = cost
        self.scope = scope
        self.summary = summary
        self.progress_pct = progress_pct
        self.published = False

    def revise(self, **changes) -> None:
        if self.published:
            raise ReportPublishedError("a published status report cannot be changed")
        fields = ("period_start", "period_end", "overall", "schedule", "cost", "scope", "summary", "progress_pct")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        _check(merged["period_start"], merged["period_end"], merged["progress_pct"],
               {k: merged[k] for k in ("overall", "schedule", "cost", "scope")})
        self._revised(**merged)

    @event("Revised", topic="core.StatusReport.Revised")
    def _revised(self, period_start: date, period_end: date, overall: str, schedule: str, cost: str,
                 scope: str, summary: str, progress_pct: int) -> None:
        self.period_start = period_start
        self.period_end = period_end
        self.overall = overall
        self.schedule = schedule
        self.cost = cost
        self.scope = scope
        self.summary = summary
        self.progress_pct = progress_pct

    def publish(self) -> None:
        if self.published:
            raise ReportPublishedError("this status report is already published")
        self._published()

    @event("Published", topic="core.StatusReport.Published")
    def _published(self) -> None:
        self.published = True
