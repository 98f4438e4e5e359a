"""What the property tests found, pinned as plain scenarios.

The model of valid commands holds the services to the rules they apply when something is
created; these edits and names slipped past them (the API's schemas refuse an empty name,
but a name of spaces passes them).
"""
from datetime import date

import pytest

from core.domain.errors import ValidationError
from core.services import logs, portfolio


def test_a_decision_cannot_supersede_itself(pmo, as_pmo_officer):
    decision = logs.record_decision(pmo, "Supplier", "go with Acme", "board", date(2026, 3, 2))
    with pytest.raises(ValidationError, match="itself"):
        logs.supersede_decision(pmo, decision.id, decision.id)
    assert pmo.get(type(decision), decision.id).superseded_by is None


@pytest.mark.parametrize("field", ["title", "owner"])
def test_an_action_keeps_a_title_and_an_owner_when_edited(pmo, as_pmo_officer, field):
    action = logs.assign_action(pmo, "Book the venue", "bo")
    head = pmo.ledger.max_position()
    with pytest.raises(ValidationError) as refused:
        logs.update_action(pmo, action.id, **{field: "   "})
    assert refused.value.field == field
    assert pmo.ledger.max_position() == head


def test_the_portfolio_and_programmes_need_names(pmo, as_pmo_officer):
    with pytest.raises(ValidationError, match="needs a name"):
        portfolio.establish_portfolio(pmo, "  ")
    portfolio.establish_portfolio(pmo, "Change portfolio")
    with pytest.raises(ValidationError, match="needs a name"):
        portfolio.rename_portfolio(pmo, " ", "")
    with pytest.raises(ValidationError, match="needs a name"):
        portfolio.register_programme(pmo, "DIG", "")
    programme = portfolio.register_programme(pmo, "DIG", "Digital services")
    head = pmo.ledger.max_position()
    with pytest.raises(ValidationError, match="needs a name"):
        portfolio.update_programme(pmo, programme.id, name="\t")
    assert pmo.ledger.max_position() == head
