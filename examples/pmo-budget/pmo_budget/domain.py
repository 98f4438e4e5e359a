"""A project's budget and the costs recorded against it (no Flask, no database).

Amounts are whole currency units. A budget is set once per project, then revised; each cost
is an event of its own (a credit note is a negative cost), so the spending history is the
ledger's.
"""
from __future__ import annotations

import re
import uuid
from datetime import date

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from events.aggregate import LedgerAggregate

NAMESPACE = uuid.UUID("0b7d2a9e-5a54-4c1e-9d6e-2f1f6f0b3c7a")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = 10**12  # read models and PostgreSQL's BIGINT take it comfortably
DESCRIPTION_MAX = 200


def check_amount(amount: int, field: str = "amount", cost: bool = False) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError("give a whole amount", field)
    if cost and amount == 0:
        raise ValidationError("a cost of 0 records nothing", field)
    if not cost and amount < 0:
        raise ValidationError("a budget cannot be negative", field)
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(f"at most {MAX_AMOUNT:,} in absolute value", field)
    return amount


def check_currency(currency: str) -> str:
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise ValidationError("a currency is three capital letters (ISO 4217), e.g. EUR", "currency")
    return currency


class Budget(LedgerAggregate):
    """One per project (its id follows from the project's)."""

    TOPIC = "budget.Budget"

    @staticmethod
    def create_id(project_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, str(project_id))

    @classmethod
    def set_for(cls, project_id: uuid.UUID, amount: int, currency: str) -> "Budget":
        return cls(project_id=project_id, amount=check_amount(amount), currency=check_currency(currency))

    @event("Set", topic="budget.Budget.Set")
    def __init__(self, project_id: uuid.UUID, amount: int, currency: str):
        self.project_id = project_id
        self.amount = amount
        self.currency = currency
        self.actual = 0
        self.costs = 0

    def revise(self, amount: int, currency: str) -> None:
        check_amount(amount)
        check_currency(currency)
        if currency != self.currency and self.costs:
            raise NotAllowedError(f"costs are recorded in {self.currency}; the currency cannot change now",
                                  "currency")
        if (amount, currency) == (self.amount, self.currency):
            raise NotAllowedError(f"the budget is already {amount:,} {currency}", "amount")
        self._revised(amount=amount, currency=currency)

    @event("Revised", topic="budget.Budget.Revised")
    def _revised(self, amount: int, currency: str) -> None:
        self.amount = amount
        self.currency = currency

    def record_cost(self, amount: int, incurred_on: date, description: str) -> None:
        check_amount(amount, cost=True)
        if not isinstance(incurred_on, date):
            raise ValidationError("give the date the cost was incurred", "incurred_on")
        description = (description or "").strip()
        if not description:
            raise ValidationError("say what the cost was for", "description")
        if len(description) > DESCRIPTION_MAX:
            raise ValidationError(f"at most {DESCRIPTION_MAX} characters", "description")
        self._cost_recorded(amount=amount, incurred_on=incurred_on, description=description)

    @event("CostRecorded", topic="budget.Budget.CostRecorded")
    def _cost_recorded(self, amount: int, incurred_on: date, description: str) -> None:
        self.actual += amount
        self.costs += 1
