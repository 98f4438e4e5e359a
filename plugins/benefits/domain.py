"""Strategic objectives and benefits: aggregates with their past-tense events.

An *objective* is what the organisation wants to achieve in a period (owned by a person).
A *benefit* is a measurable improvement that serves one or more objectives and that one or
more projects (their outputs) enable; a *dis-benefit* is a measurable consequence someone
sees as negative (a higher licence cost, a longer walk to the archive). Each has a measure:
an indicator in a unit, a baseline (value, date), a target (value, date) and how often it is
measured. Measurements go on after the enabling projects have closed: that is when most
benefits arrive. A benefit ends only when someone closes it, saying how it turned out.

These events are the public contract of the plugin: a portfolio plugin reads objectives
through ``benefits.Objective.*`` and never imports anything else from here.

No Flask, no marshmallow: the services call these methods; method bodies are replayed.
"""
from __future__ import annotations

import math
import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("0b8f3c52-6d1e-4e7a-9a43-2f5c8d7e1b60")

KINDS = ("benefit", "dis-benefit")
CATEGORIES = ("financial", "non-financial")
TYPES = ("cost_saving", "cost_avoidance", "revenue", "efficiency", "quality", "compliance", "risk_reduction",
         "satisfaction", "other")
FREQUENCIES = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}  # months between measurements
STATUSES = ("open", "closed")
OUTCOMES = ("realised", "partly_realised", "not_realised", "withdrawn")


class BenefitClosedError(NotAllowedError):
    """The benefit is closed; its record is final."""


def one_of(value: str, choices, field: str) -> str:
    if value not in choices:
        raise ValidationError(f"{field.replace('_', ' ')} must be one of {', '.join(choices)}", field)
    return value


def finite(value: float, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError("must be a finite number", field)
    if abs(value) > 1e15:
        raise ValidationError("must be between -10^15 and 10^15", field)
    return float(value)


def check_measure(baseline_value: float, baseline_date: date, target_value: float, target_date: date,
                  frequency: str) -> None:
    """The measure's rules: a target date after the baseline's, a target that differs from it."""
    finite(baseline_value, "baseline_value")
    finite(target_value, "target_value")
    one_of(frequency, tuple(FREQUENCIES), "frequency")
    if target_date <= baseline_date:
        raise ValidationError("the target date must come after the baseline date", "target_date")
    if target_value == baseline_value:
        raise ValidationError("the target must differ from the baseline", "target_value")


# --- objectives -----------------------------------------------------------------------------

class Objective(LedgerAggregate):
    """A strategic objective: what the organisation wants to achieve in a period."""

    TOPIC = "benefits.Objective"

    @staticmethod
    def create_id(ref: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"objective:{ref.lower()}")

    @event("Defined", topic="benefits.Objective.Defined")
    def __init__(self, ref: str, title: str, description: str, owner: str, period_start: date, period_end: date):
        self.ref = ref
        self.title, self.description, self.owner = title, description, owner
        self.period_start, self.period_end = period_start, period_end

    def update(self, **changes) -> None:
        fields = ("title", "description", "owner", "period_start", "period_end")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged["period_end"] < merged["period_start"]:
            raise ValidationError("the period ends before it starts", "period_end")
        if merged != {f: getattr(self, f) for f in fields}:
            self._updated(**merged)

    @event("Updated", topic="benefits.Objective.Updated")
    def _updated(self, title: str, description: str, owner: str, period_start: date, period_end: date) -> None:
        self.title, self.description, self.owner = title, description, owner
        self.period_start, self.period_end = period_start, period_end


# --- benefits -------------------------------------------------------------------------------

MEASURE_FIELDS = ("indicator", "unit", "baseline_value", "baseline_date", "target_value", "target_date",
                  "frequency")
EDITABLE = ("title", "description", "owner", "category", "benefit_type", *MEASURE_FIELDS, "post_project_owner")


class Benefit(LedgerAggregate):
    """A benefit or dis-benefit with its measure, its links and its measurements."""

    TOPIC = "benefits.Benefit"

    @staticmethod
    def create_id(ref: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"benefit:{ref.lower()}")

    @event("Registered", topic="benefits.Benefit.Registered")
    def __init__(self, ref: str, title: str, description: str, owner: str, kind: str, category: str,
                 benefit_type: str, indicator: str, unit: str, baseline_value: float, baseline_date: date,
                 target_value: float, target_date: date, frequency: str, post_project_owner: str):
        self.ref, self.kind = ref, kind
        self._set(title, description, owner, category, benefit_type, indicator, unit, baseline_value,
                  baseline_date, target_value, target_date, frequency, post_project_owner)
        self.status = "open"
        self.objective_ids: list[uuid.UUID] = []
        self.project_ids: list[uuid.UUID] = []
        self.measured_on: list[date] = []
        self.measurement_owner = ""

    def _set(self, title, description, owner, category, benefit_type, indicator, unit, baseline_value,
             baseline_date, target_value, target_date, frequency, post_project_owner) -> None:
        self.title, self.description, self.owner = title, description, owner
        self.category, self.benefit_type = category, benefit_type
        self.indicator, self.unit, self.frequency = indicator, unit, frequency
        self.baseline_value, self.baseline_date = baseline_value, baseline_date
        self.target_value, self.target_date = target_value, target_date
        self.post_project_owner = post_project_owner

    def _require_open(self) -> None:
        if self.status != "open":
            raise BenefitClosedError(f"benefit {self.ref} is closed")

    def update(self, **changes) -> None:
        self._require_open()
        merged = {f: changes.get(f, getattr(self, f)) for f in EDITABLE}
        check_measure(merged["baseline_value"], merged["baseline_date"], merged["target_value"],
                      merged["target_date"], merged["frequency"])
        if self.measured_on and min(self.measured_on) < merged["baseline_date"]:
            raise ValidationError("measurements were taken before that date; the baseline must come first",
                                  "baseline_date")
        if merged != {f: getattr(self, f) for f in EDITABLE}:
            self._updated(**merged)

    @event("Updated", topic="benefits.Benefit.Updated")
    def _updated(self, title: str, description: str, owner: str, category: str, benefit_type: str,
                 indicator: str, unit: str, baseline_value: float, baseline_date: date, target_value: float,
                 target_date: date, frequency: str, post_project_owner: str) -> None:
        self._set(title, description, owner, category, benefit_type, indicator, unit, baseline_value,
                  baseline_date, target_value, target_date, frequency, post_project_owner)

    # links: which objectives it serves, which projects (outputs) enable it

    def link_objective(self, objective_id: uuid.UUID) -> None:
        self._require_open()
        if objective_id not in self.objective_ids:
            self._objective_linked(objective_id=objective_id)

    @event("ObjectiveLinked", topic="benefits.Benefit.ObjectiveLinked")
    def _objective_linked(self, objective_id: uuid.UUID) -> None:
        self.objective_ids = [*self.objective_ids, objective_id]

    def unlink_objective(self, objective_id: uuid.UUID) -> None:
        self._require_open()
        if objective_id in self.objective_ids:
            self._objective_unlinked(objective_id=objective_id)

    @event("ObjectiveUnlinked", topic="benefits.Benefit.ObjectiveUnlinked")
    def _objective_unlinked(self, objective_id: uuid.UUID) -> None:
        self.objective_ids = [o for o in self.objective_ids if o != objective_id]

    def link_project(self, project_id: uuid.UUID, output: str = "") -> None:
        self._require_open()
        if project_id not in self.project_ids:
            self._project_linked(project_id=project_id, output=output)

    @event("ProjectLinked", topic="benefits.Benefit.ProjectLinked")
    def _project_linked(self, project_id: uuid.UUID, output: str) -> None:
        self.project_ids = [*self.project_ids, project_id]

    def unlink_project(self, project_id: uuid.UUID) -> None:
        self._require_open()
        if project_id in self.project_ids:
            self._project_unlinked(project_id=project_id)

    @event("ProjectUnlinked", topic="benefits.Benefit.ProjectUnlinked")
    def _project_unlinked(self, project_id: uuid.UUID) -> None:
        self.project_ids = [p for p in self.project_ids if p != project_id]

    # measurements, hand-over, closure

    def measure(self, measured_on: date, value: float, note: str = "") -> None:
        """Record the indicator's actual value on a day (also long after the projects closed)."""
        self._require_open()
        finite(value, "value")
        if measured_on < self.baseline_date:
            raise ValidationError(f"the baseline is of {self.baseline_date}; measure on or after it", "measured_on")
        if measured_on in self.measured_on:
            raise NotAllowedError(f"benefit {self.ref} was already measured on {measured_on}", "measured_on")
        self._measured(measured_on=measured_on, value=float(value), note=note)

    @event("Measured", topic="benefits.Benefit.Measured")
    def _measured(self, measured_on: date, value: float, note: str) -> None:
        self.measured_on = [*self.measured_on, measured_on]

    def hand_over(self, measurement_owner: str, note: str = "") -> None:
        """Name who measures the benefit from now on (after its project, its business owner)."""
        self._require_open()
        if not measurement_owner.strip():
            raise ValidationError("name who measures the benefit", "measurement_owner")
        self._handed_over(measurement_owner=measurement_owner.strip(), note=note)

    @event("HandedOver", topic="benefits.Benefit.HandedOver")
    def _handed_over(self, measurement_owner: str, note: str) -> None:
        self.measurement_owner = measurement_owner

    def close(self, outcome: str, note: str, closed_on: date) -> None:
        self._require_open()
        one_of(outcome, OUTCOMES, "outcome")
        if not note.strip():
            raise ValidationError("say how the benefit turned out", "note")
        self._closed(outcome=outcome, note=note.strip(), closed_on=closed_on)

    @event("Closed", topic="benefits.Benefit.Closed")
    def _closed(self, outcome: str, note: str, closed_on: date) -> None:
        self.status = "closed"
