"""A milestone: a baseline date promised, a forecast that moves, an actual date when met."""
from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError
from events.aggregate import LedgerAggregate


class Milestone(LedgerAggregate):
    TOPIC = "core.Milestone"

    @event("Planned", topic="core.Milestone.Planned")
    def __init__(self, project_id: uuid.UUID, name: str, baseline_date: date, description: str = ""):
        self.project_id = project_id
        self.name = name
        self.description = description
        self.baseline_date = baseline_date
        self.forecast_date = baseline_date
        self.actual_date: date | None = None

    @property
    def slippage_days(self) -> int:
        """Days later than the baseline (negative: early), by actual date once achieved."""
        return ((self.actual_date or self.forecast_date) - self.baseline_date).days

    def reforecast(self, forecast_date: date) -> None:
        if self.actual_date is not None:
            raise NotAllowedError("an achieved milestone cannot be reforecast")
        if forecast_date != self.forecast_date:
            self._reforecast(forecast_date=forecast_date)

    @event("Reforecast", topic="core.Milestone.Reforecast")
    def _reforecast(self, forecast_date: date) -> None:
        self.forecast_date = forecast_date

    def achieve(self, actual_date: date) -> None:
        if self.actual_date is not None:
            raise NotAllowedError("this milestone is already achieved")
        self._achieved(actual_date=actual_date)

    @event("Achieved", topic="core.Milestone.Achieved")
    def _achieved(self, actual_date: date) -> None:
        self.actual_date = actual_date
        self.forecast_date = actual_date

    @event("Rebaselined", topic="core.Milestone.Rebaselined")
    def rebaseline(self, baseline_date: date) -> None:
        """A re-plan approved by the steering committee moves the baseline itself."""
        self.baseline_date = baseline_date
