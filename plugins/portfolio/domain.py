"""Portfolio prioritisation: scoring criteria, each project's appraisal, and the envelope.

A *criterion* is something the PMO scores projects against (strategic alignment with an
objective, value, urgency, risk...) with a weight. Changing a weight is its own event
(``Reweighted``, with the weight before), so "why did the ranking change?" is answered from
the history. A criterion may name a benefits objective (by id): it then measures strategic
alignment with it.

A project's *appraisal* holds its scores (0-5 per criterion, 5 best for the portfolio: for a
risk criterion 5 is the least risky), each with a rationale, and its cost estimate, whether it
is a must-do, and what it demands of each role per period.

The *envelope* is what the portfolio can spend: a budget and capacity per role and period.

These events are the plugin's public contract. No Flask, no marshmallow; bodies are replayed.
"""
from __future__ import annotations

import math
import re
import uuid

from eventsourcing.domain import event

from core.domain.errors import ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("5d3a8e1c-2b7f-4c90-8e61-7a4f0c9b2d15")
ENVELOPE_ID = uuid.uuid5(NAMESPACE, "envelope")
SCORES = range(0, 6)
MAX_WEIGHT = 100.0
MAX_AMOUNT = 1e12
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")  # a month (2026-03) or a quarter (2026-Q2)


def amount(value: float, field: str, upper: float = MAX_AMOUNT) -> float:
    """A finite number from 0 to ``upper``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError("must be a finite number", field)
    if not 0 <= value <= upper:
        raise ValidationError(f"must be between 0 and {upper:g}", field)
    return float(value)


def check_weight(weight: float) -> float:
    return amount(weight, "weight", MAX_WEIGHT)


def check_score(score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise ValidationError("a score is a whole number from 0 to 5 (5: best for the portfolio)", "score")
    return score


def check_loads(loads: list[dict], field: str) -> list[dict]:
    """Demands or capacities: ``[{"role", "period", "amount"}]``, one per role and period."""
    seen, clean = set(), []
    for item in loads or []:
        role, period = str(item.get("role") or "").strip(), str(item.get("period") or "").strip()
        if not role or len(role) > 100:
            raise ValidationError("each line needs a role (up to 100 characters)", field)
        if not PERIOD.match(period):
            raise ValidationError(f"period {period!r} is not a month (2026-03) or a quarter (2026-Q2)", field)
        if (role.lower(), period) in seen:
            raise ValidationError(f"{role} in {period} is given twice", field)
        seen.add((role.lower(), period))
        clean.append({"role": role, "period": period, "amount": amount(item.get("amount"), field)})
    return sorted(clean, key=lambda d: (d["period"], d["role"].lower()))


class Criterion(LedgerAggregate):
    """A scoring criterion with its weight."""

    TOPIC = "portfolio.Criterion"

    @staticmethod
    def create_id(ref: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"criterion:{ref.lower()}")

    @event("Defined", topic="portfolio.Criterion.Defined")
    def __init__(self, ref: str, name: str, description: str, weight: float, objective_id: uuid.UUID | None):
        self.ref, self.name, self.description = ref, name, description
        self.weight, self.objective_id = weight, objective_id

    def describe(self, name: str, description: str) -> None:
        if (name, description) != (self.name, self.description):
            self._described(name=name, description=description)

    @event("Described", topic="portfolio.Criterion.Described")
    def _described(self, name: str, description: str) -> None:
        self.name, self.description = name, description

    def reweight(self, weight: float) -> None:
        weight = check_weight(weight)
        if weight != self.weight:
            self._reweighted(weight=weight, previous=self.weight)

    @event("Reweighted", topic="portfolio.Criterion.Reweighted")
    def _reweighted(self, weight: float, previous: float) -> None:
        self.weight = weight


class Appraisal(LedgerAggregate):
    """A project's case in the portfolio: scores with rationale, cost, must-do, demands."""

    TOPIC = "portfolio.Appraisal"

    @staticmethod
    def create_id(project_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"appraisal:{project_id}")

    @event("Opened", topic="portfolio.Appraisal.Opened")
    def __init__(self, project_id: uuid.UUID):
        self.project_id = project_id
        self.scores: dict[str, int] = {}
        self.cost: float | None = None
        self.must_do = False
        self.demands: list[dict] = []

    def score(self, criterion_id: uuid.UUID, score: int, rationale: str) -> None:
        check_score(score)
        if not (rationale or "").strip():
            raise ValidationError("say why the project earns this score", "rationale")
        self._scored(project_id=self.project_id, criterion_id=criterion_id, score=score, rationale=rationale.strip(),
                     previous=self.scores.get(str(criterion_id)))

    @event("Scored", topic="portfolio.Appraisal.Scored")
    def _scored(self, project_id: uuid.UUID, criterion_id: uuid.UUID, score: int, rationale: str,
                previous: int | None) -> None:
        self.scores = {**self.scores, str(criterion_id): score}

    def estimate(self, cost: float, must_do: bool, demands: list[dict]) -> None:
        cost, demands = amount(cost, "cost"), check_loads(demands, "demands")
        if (cost, bool(must_do), demands) != (self.cost, self.must_do, self.demands):
            self._estimated(project_id=self.project_id, cost=cost, must_do=bool(must_do), demands=demands)

    @event("Estimated", topic="portfolio.Appraisal.Estimated")
    def _estimated(self, project_id: uuid.UUID, cost: float, must_do: bool, demands: list[dict]) -> None:
        self.cost, self.must_do, self.demands = cost, must_do, demands


class Envelope(LedgerAggregate):
    """What the portfolio can spend: a budget and capacity per role and period (one per ledger)."""

    TOPIC = "portfolio.Envelope"

    @staticmethod
    def create_id() -> uuid.UUID:
        return ENVELOPE_ID

    @event("Opened", topic="portfolio.Envelope.Opened")
    def __init__(self):
        self.budget: float | None = None
        self.capacities: list[dict] = []

    def set(self, budget: float, capacities: list[dict]) -> None:
        budget, capacities = amount(budget, "budget"), check_loads(capacities, "capacities")
        if (budget, capacities) != (self.budget, self.capacities):
            self._set(budget=budget, capacities=capacities)

    @event("Set", topic="portfolio.Envelope.Set")
    def _set(self, budget: float, capacities: list[dict]) -> None:
        self.budget, self.capacities = budget, capacities
