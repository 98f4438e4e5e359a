"""Commands of portfolio prioritisation, in the PMO's words.

Each loads what it changes, calls the aggregate and saves once (one transaction). Who may is
the caller's business: scoring and estimating are portfolio work (pmo, admin), not the
project manager's, who would be marking their own project.
"""
from __future__ import annotations

import uuid

from core.domain.errors import ConflictError, NotFoundError, ValidationError
from core.domain.project import Project
from core.pmo import PMO
from plugins.benefits.domain import Objective
from plugins.portfolio.domain import Appraisal, Criterion, Envelope, check_weight

REF_CHARS = "-_."


def _required(value: str | None, field: str) -> str:
    if not (value or "").strip():
        raise ValidationError(f"a criterion needs a {field}", field)
    return value.strip()


def _check_objective(pmo: PMO, objective_id: uuid.UUID | None) -> None:
    if objective_id is None:
        return
    try:
        pmo.get(Objective, objective_id)
    except NotFoundError:
        raise ValidationError("no such objective", "objective_id") from None


def define_criterion(pmo: PMO, ref: str, name: str, weight: float, description: str = "",
                     objective_id: uuid.UUID | None = None) -> Criterion:
    """Define a scoring criterion with its weight; naming an objective makes it a measure of
    strategic alignment with that objective."""
    ref = (ref or "").strip()
    if not ref or len(ref) > 40 or not all(c.isalnum() or c in REF_CHARS for c in ref):
        raise ValidationError("use 1-40 letters, digits, '-', '_' or '.'", "ref")
    name = _required(name, "name")
    weight = check_weight(weight)
    _check_objective(pmo, objective_id)
    if pmo.exists(Criterion.create_id(ref)):
        raise ConflictError(f"criterion {ref} already exists")
    criterion = Criterion(ref=ref, name=name, description=(description or "").strip(), weight=weight,
                          objective_id=objective_id)
    pmo.save(criterion)
    return criterion


def change_criterion(pmo: PMO, criterion_id: uuid.UUID, expected_version: int | None = None,
                     name: str | None = None, description: str | None = None,
                     weight: float | None = None) -> Criterion:
    """Rename or describe a criterion, or give it a new weight (its own event, with the old one)."""
    criterion = pmo.get(Criterion, criterion_id, expected_version)
    if name is not None or description is not None:
        criterion.describe(_required(name, "name") if name is not None else criterion.name,
                           (description if description is not None else criterion.description).strip())
    if weight is not None:
        criterion.reweight(weight)
    pmo.save(criterion)
    return criterion


def _appraisal(pmo: PMO, project_id: uuid.UUID) -> Appraisal:
    pmo.get(Project, project_id)  # NotFoundError (404) for a project that does not exist
    try:
        return pmo.get(Appraisal, Appraisal.create_id(project_id))
    except NotFoundError:
        return Appraisal(project_id=project_id)


def score_project(pmo: PMO, project_id: uuid.UUID, scores: list[dict]) -> Appraisal:
    """Score a project on one or more criteria (0-5), each with its rationale; all in one save."""
    if not scores:
        raise ValidationError("give at least one score", "scores")
    appraisal = _appraisal(pmo, project_id)
    for item in scores:
        try:
            pmo.get(Criterion, item["criterion_id"])
        except NotFoundError:
            raise ValidationError("no such criterion", "scores") from None
        appraisal.score(item["criterion_id"], item["score"], item.get("rationale") or "")
    pmo.save(appraisal)
    return appraisal


def estimate_project(pmo: PMO, project_id: uuid.UUID, cost: float, must_do: bool = False,
                     demands: list[dict] | None = None) -> Appraisal:
    """Record what a project would cost, whether it must be done (a legal duty, a commitment),
    and what it demands of each role per period."""
    appraisal = _appraisal(pmo, project_id)
    appraisal.estimate(cost, must_do, demands or [])
    pmo.save(appraisal)
    return appraisal


def set_envelope(pmo: PMO, budget: float, capacities: list[dict] | None = None,
                 expected_version: int | None = None) -> Envelope:
    """Set the portfolio's budget and the capacity of each role per period."""
    try:
        envelope = pmo.get(Envelope, Envelope.create_id(), expected_version)
    except NotFoundError:
        envelope = Envelope()
    envelope.set(budget, capacities or [])
    pmo.save(envelope)
    return envelope
