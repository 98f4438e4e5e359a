"""Risks, issues and the risk scales: aggregates with their past-tense events.

A risk is an uncertain event that would affect the objectives: a *threat* (negative effect)
or an *opportunity* (positive effect). It is assessed on probability x impact; the score and
its level (low, medium, high, critical) are computed here from the organisation's scales,
never entered. The *inherent* assessment is the exposure before any response, the *residual*
one after it; both are kept. An *issue* is a problem that is here now: a risk that
materialised, or something nobody saw coming. It is escalated from the project to the
programme board to the portfolio board until someone can resolve it.

No Flask, no marshmallow: the services call these methods; method bodies are replayed.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("1c9e4d8e-2f57-4b8a-9c0e-5d2a7e3b9f41")

SCOPES = ("project", "programme", "portfolio")
KINDS = ("threat", "opportunity")
STRATEGIES = {
    "threat": ("avoid", "reduce", "transfer", "accept"),
    "opportunity": ("exploit", "enhance", "share", "accept"),
}
ALL_STRATEGIES = ("avoid", "reduce", "transfer", "exploit", "enhance", "share", "accept")
LEVELS = ("low", "medium", "high", "critical")
BASES = ("inherent", "residual")
STATUSES = ("open", "closed", "materialised")
CATEGORIES = ("strategic", "financial", "schedule", "technical", "supplier", "people", "legal",
              "operational", "reputation", "other")

PRIORITIES = ("low", "medium", "high", "critical")
# Who deals with an issue: the project team, the programme board, the portfolio board.
ESCALATION = ("project", "programme", "portfolio")
ISSUE_STATUSES = ("open", "resolved")


class RiskClosedError(NotAllowedError):
    """The risk is closed or has materialised into an issue; its record is final."""


class IssueResolvedError(NotAllowedError):
    """The issue is resolved."""


def one_of(value: str, choices, field: str) -> str:
    if value not in choices:
        raise ValidationError(f"{field.replace('_', ' ')} must be one of {', '.join(choices)}", field)
    return value


def scope_key(scope: str, project_id: uuid.UUID | None, programme_id: uuid.UUID | None) -> str:
    """What a reference is unique within: a project, a programme, or the portfolio."""
    return {"project": f"project:{project_id}", "programme": f"programme:{programme_id}"}.get(scope, "portfolio")


# --- the scales ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scale:
    """Probability and impact scales (labels; value = position, 1-based) and the lowest score
    of each level above 'low'. Score = probability x impact."""

    probability: tuple[str, ...]
    impact: tuple[str, ...]
    medium: int
    high: int
    critical: int

    def check(self, probability: int, impact: int) -> None:
        for name, value, labels in (("probability", probability, self.probability),
                                    ("impact", impact, self.impact)):
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= len(labels):
                raise ValidationError(f"{name} must be a whole number from 1 to {len(labels)}", name)

    def score(self, probability: int, impact: int) -> int:
        self.check(probability, impact)
        return probability * impact

    def level(self, score: int) -> str:
        if score >= self.critical:
            return "critical"
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        return "low"

    def as_dict(self) -> dict:
        return {"probability_labels": list(self.probability), "impact_labels": list(self.impact),
                "medium": self.medium, "high": self.high, "critical": self.critical}


DEFAULT_SCALE = Scale(
    probability=("Rare", "Unlikely", "Possible", "Likely", "Almost certain"),
    impact=("Minimal", "Minor", "Moderate", "Major", "Severe"),
    medium=5, high=10, critical=16,
)


def check_scale(probability_labels: list[str], impact_labels: list[str], medium: int, high: int,
                critical: int) -> Scale:
    """A valid scale, or a ValidationError naming the bad field."""
    for name, labels in (("probability_labels", probability_labels), ("impact_labels", impact_labels)):
        if not 3 <= len(labels) <= 10:
            raise ValidationError("a scale has from 3 to 10 points", name)
        if any(not str(label).strip() for label in labels):
            raise ValidationError("every point of a scale needs a label", name)
    top = len(probability_labels) * len(impact_labels)
    if not 1 < medium < high < critical <= top:
        raise ValidationError(f"thresholds must rise: 1 < medium < high < critical <= {top}", "critical")
    return Scale(tuple(str(x).strip() for x in probability_labels), tuple(str(x).strip() for x in impact_labels),
                 medium, high, critical)


class RiskSettings(LedgerAggregate):
    """The organisation's risk scales, set by an admin; one per ledger."""

    TOPIC = "risk.RiskSettings"

    @staticmethod
    def create_id() -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "risk-settings")

    @event("Configured", topic="risk.RiskSettings.Configured")
    def __init__(self, probability_labels: list[str], impact_labels: list[str], medium: int, high: int,
                 critical: int):
        self._set(probability_labels, impact_labels, medium, high, critical)

    def _set(self, probability_labels, impact_labels, medium, high, critical) -> None:
        self.probability_labels = list(probability_labels)
        self.impact_labels = list(impact_labels)
        self.medium, self.high, self.critical = medium, high, critical

    @property
    def scale(self) -> Scale:
        return Scale(tuple(self.probability_labels), tuple(self.impact_labels), self.medium, self.high,
                     self.critical)

    def change(self, scale: Scale) -> None:
        if scale == self.scale:
            return
        self._changed(**scale.as_dict())

    @event("ScalesChanged", topic="risk.RiskSettings.ScalesChanged")
    def _changed(self, probability_labels: list[str], impact_labels: list[str], medium: int, high: int,
                 critical: int) -> None:
        self._set(probability_labels, impact_labels, medium, high, critical)


# --- risks --------------------------------------------------------------------------------

class Risk(LedgerAggregate):
    """A threat or opportunity with its assessments, response, mitigations and reviews."""

    TOPIC = "risk.Risk"

    @staticmethod
    def create_id(ref: str, scope: str, project_id: uuid.UUID | None, programme_id: uuid.UUID | None) -> uuid.UUID:
        # The reference is unique within the project (programme, portfolio): a second risk
        # with the same reference there clashes (409).
        return uuid.uuid5(NAMESPACE, f"risk:{scope_key(scope, project_id, programme_id)}:{ref.lower()}")

    @event("Identified", topic="risk.Risk.Identified")
    def __init__(self, ref: str, title: str, description: str, cause: str, effect: str, category: str,
                 owner: str, kind: str, scope: str, project_id: uuid.UUID | None,
                 programme_id: uuid.UUID | None, proximity: date | None, review_date: date | None,
                 identified_on: date):
        self.ref = ref
        self.title = title
        self.description = description
        self.cause = cause
        self.effect = effect
        self.category = category
        self.owner = owner
        self.kind = kind
        self.scope = scope
        self.project_id = project_id
        self.programme_id = programme_id
        self.proximity = proximity
        self.review_date = review_date
        self.identified_on = identified_on
        self.status = "open"
        self.strategy = ""
        self.response = ""
        self.assessments: list[dict] = []
        self.mitigations: list[uuid.UUID] = []
        self.issue_id: uuid.UUID | None = None

    # state

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def _require_open(self) -> None:
        if not self.is_open:
            raise RiskClosedError(f"risk {self.ref} is {self.status}")

    def latest(self, basis: str) -> dict | None:
        found = [a for a in self.assessments if a["basis"] == basis]
        return found[-1] if found else None

    # commands

    def update(self, **changes) -> None:
        self._require_open()
        fields = ("title", "description", "cause", "effect", "category", "owner", "proximity", "review_date")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged != {f: getattr(self, f) for f in fields}:
            self._updated(**merged)

    @event("Updated", topic="risk.Risk.Updated")
    def _updated(self, title: str, description: str, cause: str, effect: str, category: str, owner: str,
                 proximity: date | None, review_date: date | None) -> None:
        self.title, self.description, self.cause, self.effect = title, description, cause, effect
        self.category, self.owner, self.proximity, self.review_date = category, owner, proximity, review_date

    def assess(self, basis: str, probability: int, impact: int, scale: Scale, assessed_on: date,
               note: str = "") -> None:
        """Assess the exposure before (inherent) or after (residual) the response."""
        self._require_open()
        one_of(basis, BASES, "basis")
        score = scale.score(probability, impact)
        if basis == "residual" and self.latest("inherent") is None:
            raise NotAllowedError("assess the inherent risk before the residual risk", "basis")
        self._assessed(basis=basis, probability=probability, impact=impact, score=score,
                       level=scale.level(score), assessed_on=assessed_on, note=note)

    @event("Assessed", topic="risk.Risk.Assessed")
    def _assessed(self, basis: str, probability: int, impact: int, score: int, level: str,
                  assessed_on: date, note: str) -> None:
        self.assessments = [*self.assessments, {
            "basis": basis, "probability": probability, "impact": impact, "score": score, "level": level,
            "assessed_on": assessed_on, "note": note}]

    def plan_response(self, strategy: str, response: str) -> None:
        self._require_open()
        one_of(strategy, STRATEGIES[self.kind], "strategy")
        if (strategy, response) != (self.strategy, self.response):
            self._response_planned(strategy=strategy, response=response)

    @event("ResponsePlanned", topic="risk.Risk.ResponsePlanned")
    def _response_planned(self, strategy: str, response: str) -> None:
        self.strategy = strategy
        self.response = response

    def link_mitigation(self, action_id: uuid.UUID) -> None:
        self._require_open()
        if action_id in self.mitigations:
            raise NotAllowedError("that action is already a mitigation of this risk", "action_id")
        self._mitigation_linked(action_id=action_id)

    @event("MitigationLinked", topic="risk.Risk.MitigationLinked")
    def _mitigation_linked(self, action_id: uuid.UUID) -> None:
        self.mitigations = [*self.mitigations, action_id]

    def review(self, reviewed_on: date, next_review: date | None, note: str = "") -> None:
        """Record that the owner looked at the risk, and when to look again."""
        self._require_open()
        if next_review is not None and next_review <= reviewed_on:
            raise ValidationError("the next review must come after this one", "next_review")
        self._reviewed(reviewed_on=reviewed_on, review_date=next_review, note=note)

    @event("Reviewed", topic="risk.Risk.Reviewed")
    def _reviewed(self, reviewed_on: date, review_date: date | None, note: str) -> None:
        self.review_date = review_date

    def close(self, reason: str, closed_on: date) -> None:
        self._require_open()
        if not reason.strip():
            raise ValidationError("say why the risk is closed", "closure")
        self._closed(closure=reason.strip(), closed_on=closed_on)

    @event("Closed", topic="risk.Risk.Closed")
    def _closed(self, closure: str, closed_on: date) -> None:
        self.status = "closed"

    def materialise(self, issue_id: uuid.UUID, on: date) -> None:
        """The risk happened: it lives on as the issue ``issue_id``."""
        self._require_open()
        if self.kind != "threat":
            raise NotAllowedError("only a threat materialises into an issue", "kind")
        self._materialised(issue_id=issue_id, materialised_on=on)

    @event("Materialised", topic="risk.Risk.Materialised")
    def _materialised(self, issue_id: uuid.UUID, materialised_on: date) -> None:
        self.status = "materialised"
        self.issue_id = issue_id


# --- issues -------------------------------------------------------------------------------

class Issue(LedgerAggregate):
    """A problem that is here now, owned and escalated until it is resolved."""

    TOPIC = "risk.Issue"

    @staticmethod
    def create_id(ref: str, scope: str, project_id: uuid.UUID | None, programme_id: uuid.UUID | None) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"issue:{scope_key(scope, project_id, programme_id)}:{ref.lower()}")

    @event("Raised", topic="risk.Issue.Raised")
    def __init__(self, ref: str, title: str, description: str, priority: str, owner: str, scope: str,
                 project_id: uuid.UUID | None, programme_id: uuid.UUID | None, raised_on: date,
                 risk_id: uuid.UUID | None):
        self.ref = ref
        self.title = title
        self.description = description
        self.priority = priority
        self.owner = owner
        self.scope = scope
        self.project_id = project_id
        self.programme_id = programme_id
        self.raised_on = raised_on
        self.risk_id = risk_id
        # An issue starts with whoever owns its scope.
        self.escalation = scope
        self.status = "open"

    def _require_open(self) -> None:
        if self.status != "open":
            raise IssueResolvedError(f"issue {self.ref} is {self.status}")

    def update(self, **changes) -> None:
        self._require_open()
        if "priority" in changes:
            one_of(changes["priority"], PRIORITIES, "priority")
        fields = ("title", "description", "priority", "owner")
        merged = {f: changes.get(f, getattr(self, f)) for f in fields}
        if merged != {f: getattr(self, f) for f in fields}:
            self._updated(**merged)

    @event("Updated", topic="risk.Issue.Updated")
    def _updated(self, title: str, description: str, priority: str, owner: str) -> None:
        self.title, self.description, self.priority, self.owner = title, description, priority, owner

    def escalate(self, to: str, note: str = "", has_programme: bool = True) -> None:
        """Hand the issue up: project -> programme board -> portfolio board."""
        self._require_open()
        one_of(to, ESCALATION, "escalation")
        if ESCALATION.index(to) <= ESCALATION.index(self.escalation):
            raise NotAllowedError(f"the issue is already with the {self.escalation} level; escalate upwards",
                                  "escalation")
        if to == "programme" and not has_programme:
            raise ValidationError("this project is in no programme; escalate to the portfolio board",
                                  "escalation")
        self._escalated(escalation=to, note=note)

    @event("Escalated", topic="risk.Issue.Escalated")
    def _escalated(self, escalation: str, note: str) -> None:
        self.escalation = escalation

    def resolve(self, resolution: str, resolved_on: date) -> None:
        self._require_open()
        if not resolution.strip():
            raise ValidationError("say how the issue was resolved", "resolution")
        self._resolved(resolution=resolution.strip(), resolved_on=resolved_on)

    @event("Resolved", topic="risk.Issue.Resolved")
    def _resolved(self, resolution: str, resolved_on: date) -> None:
        self.status = "resolved"
