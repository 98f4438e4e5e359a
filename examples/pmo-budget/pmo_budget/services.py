"""Commands in the PMO's words: set a project's budget, record a cost against it."""
from __future__ import annotations

import uuid
from datetime import date

from core import queries
from core.domain.errors import NotAllowedError, ValidationError
from core.pmo import PMO
from pmo_budget.domain import Budget


def _project(pmo: PMO, project_id: uuid.UUID) -> dict:
    project = queries.get_project(pmo, project_id)
    if project is None:
        raise ValidationError("no such project", "project_id")
    return project


def set_budget(pmo: PMO, project_id: uuid.UUID, amount: int, currency: str = "EUR",
               expected_version: int | None = None) -> Budget:
    """Set the project's budget, or revise it (``expected_version``: refuse a stale edit, 409)."""
    _project(pmo, project_id)
    budget_id = Budget.create_id(project_id)
    if pmo.exists(budget_id):
        budget = pmo.get(Budget, budget_id, expected_version)
        budget.revise(amount, currency)
    else:
        budget = Budget.set_for(project_id, amount, currency)
    pmo.save(budget)
    return budget


def record_cost(pmo: PMO, project_id: uuid.UUID, amount: int, incurred_on: date, description: str,
                expected_version: int | None = None) -> Budget:
    """Record an actual cost (negative: a credit) against the project's budget."""
    project = _project(pmo, project_id)
    budget_id = Budget.create_id(project_id)
    if not pmo.exists(budget_id):
        raise NotAllowedError(f"set a budget for {project['code']} first", "amount")
    budget = pmo.get(Budget, budget_id, expected_version)
    budget.record_cost(amount, incurred_on, description)
    pmo.save(budget)
    return budget
