"""The Budget aggregate: the rules a budget and its costs follow, without an app."""
import uuid
from datetime import date

import pytest

from core.domain.errors import NotAllowedError, ValidationError
from events.context import command_context
from pmo_budget.domain import Budget

PROJECT = uuid.uuid4()


@pytest.fixture(autouse=True)
def context():
    with command_context("pia", "test"):
        yield


def test_a_budget_is_set_revised_and_spent_against():
    budget = Budget.set_for(PROJECT, 100_000, "EUR")
    assert budget.id == Budget.create_id(PROJECT)  # one budget per project
    budget.revise(120_000, "EUR")
    budget.record_cost(30_000, date(2026, 1, 31), "January invoices")
    budget.record_cost(-2_000, date(2026, 2, 3), "Credit note")
    assert (budget.amount, budget.actual, budget.costs) == (120_000, 28_000, 2)
    topics = [type(e).TOPIC for e in budget.collect_events()]
    assert topics == ["budget.Budget.Set", "budget.Budget.Revised", "budget.Budget.CostRecorded",
                      "budget.Budget.CostRecorded"]


@pytest.mark.parametrize("amount, currency, field", [
    (-1, "EUR", "amount"), (1.5, "EUR", "amount"), (True, "EUR", "amount"), (10**13, "EUR", "amount"),
    (100, "eur", "currency"), (100, "EURO", "currency"),
])
def test_a_budget_must_be_a_whole_amount_in_a_currency(amount, currency, field):
    with pytest.raises(ValidationError) as refused:
        Budget.set_for(PROJECT, amount, currency)
    assert refused.value.field == field


def test_costs_need_an_amount_a_date_and_what_they_were_for():
    budget = Budget.set_for(PROJECT, 100, "EUR")
    for amount, on, what, field in [(0, date(2026, 1, 1), "x", "amount"), (5, None, "x", "incurred_on"),
                                    (5, date(2026, 1, 1), "  ", "description"),
                                    (5, date(2026, 1, 1), "x" * 201, "description")]:
        with pytest.raises(ValidationError) as refused:
            budget.record_cost(amount, on, what)
        assert refused.value.field == field
    assert budget.actual == 0


def test_a_revision_must_change_something_and_keeps_the_currency_once_spent():
    budget = Budget.set_for(PROJECT, 100, "EUR")
    with pytest.raises(NotAllowedError, match="already 100 EUR"):
        budget.revise(100, "EUR")
    budget.revise(100, "SEK")  # nothing spent yet: the currency may still change
    budget.record_cost(10, date(2026, 1, 1), "licence")
    with pytest.raises(NotAllowedError, match="recorded in SEK"):
        budget.revise(100, "EUR")
