"""The risk, the issue and the scales on their own: methods, events, state. No app, no store."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from core.domain.errors import NotAllowedError, ValidationError
from events.context import command_context
from plugins.risk.domain import (
    DEFAULT_SCALE, Issue, IssueResolvedError, Risk, RiskClosedError, RiskSettings, check_scale,
)

DAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def pia():
    with command_context("pia", "domain test"):
        yield


def a_risk(kind: str = "threat") -> Risk:
    return Risk(ref="R-001", title="Supplier late", description="", cause="", effect="", category="supplier",
                owner="bo", kind=kind, scope="project", project_id=uuid.uuid4(), programme_id=None,
                proximity=None, review_date=None, identified_on=DAY)


def test_score_and_level_are_computed_from_the_scale_never_given():
    risk = a_risk()
    risk.assess("inherent", 4, 5, DEFAULT_SCALE, DAY)
    event = risk.collect_events()[-1]
    assert type(event).TOPIC == "risk.Risk.Assessed"
    assert (event.score, event.level) == (20, "critical")
    assert [DEFAULT_SCALE.level(s) for s in (4, 5, 9, 10, 15, 16, 25)] == [
        "low", "medium", "medium", "high", "high", "critical", "critical"]


def test_inherent_and_residual_are_both_kept_and_residual_needs_inherent_first():
    risk = a_risk()
    with pytest.raises(NotAllowedError):
        risk.assess("residual", 2, 2, DEFAULT_SCALE, DAY)
    risk.assess("inherent", 4, 4, DEFAULT_SCALE, DAY)
    risk.assess("residual", 2, 3, DEFAULT_SCALE, DAY)
    assert risk.latest("inherent")["score"] == 16 and risk.latest("residual")["score"] == 6


def test_probability_and_impact_must_be_on_the_scale():
    risk = a_risk()
    with pytest.raises(ValidationError) as error:
        risk.assess("inherent", 6, 1, DEFAULT_SCALE, DAY)
    assert error.value.field == "probability"
    with pytest.raises(ValidationError) as error:
        risk.assess("inherent", 1, True, DEFAULT_SCALE, DAY)
    assert error.value.field == "impact"


def test_the_response_strategy_fits_threats_and_opportunities():
    with pytest.raises(ValidationError):
        a_risk("threat").plan_response("exploit", "")
    opportunity = a_risk("opportunity")
    opportunity.plan_response("exploit", "apply for the grant")
    assert opportunity.strategy == "exploit"
    with pytest.raises(ValidationError):
        opportunity.plan_response("avoid", "")


def test_a_closed_or_materialised_risk_is_final():
    risk = a_risk()
    with pytest.raises(ValidationError):
        risk.close("  ", DAY)
    risk.close("Supplier delivered", DAY)
    with pytest.raises(RiskClosedError):
        risk.assess("inherent", 1, 1, DEFAULT_SCALE, DAY)
    happened = a_risk()
    happened.materialise(uuid.uuid4(), DAY)
    assert happened.status == "materialised"
    with pytest.raises(RiskClosedError):
        happened.close("x", DAY)
    with pytest.raises(NotAllowedError):
        a_risk("opportunity").materialise(uuid.uuid4(), DAY)


def test_the_reference_is_the_identity_within_its_scope():
    project = uuid.uuid4()
    same = [Risk.create_id("R-1", "project", project, None), Risk.create_id("r-1", "project", project, None)]
    assert same[0] == same[1]
    assert Risk.create_id("R-1", "project", uuid.uuid4(), None) != same[0]
    assert Risk.create_id("R-1", "portfolio", None, None) != same[0]


def test_issues_escalate_upwards_only_and_resolve_once():
    issue = Issue(ref="I-001", title="Server down", description="", priority="high", owner="bo", scope="project",
                  project_id=uuid.uuid4(), programme_id=None, raised_on=DAY, risk_id=None)
    assert issue.escalation == "project"
    with pytest.raises(ValidationError):
        issue.escalate("programme", has_programme=False)
    issue.escalate("programme")
    with pytest.raises(NotAllowedError):
        issue.escalate("project")
    issue.escalate("portfolio", "Affects two programmes")
    issue.resolve("New server", DAY)
    with pytest.raises(IssueResolvedError):
        issue.escalate("portfolio")
    assert [type(e).TOPIC for e in issue.collect_events()] == [
        "risk.Issue.Raised", "risk.Issue.Escalated", "risk.Issue.Escalated", "risk.Issue.Resolved"]


def test_scales_are_checked_and_changes_are_events():
    with pytest.raises(ValidationError):
        check_scale(["a", "b"], ["a", "b", "c"], 2, 3, 4)
    with pytest.raises(ValidationError):
        check_scale(["a", "b", "c"], ["a", "b", "c"], 4, 3, 9)
    settings = RiskSettings(**DEFAULT_SCALE.as_dict())
    settings.change(DEFAULT_SCALE)  # no change, no event
    four = check_scale(["Low", "Medium", "High", "Very high"], ["Low", "Medium", "High", "Very high"], 3, 6, 12)
    settings.change(four)
    assert [type(e).TOPIC for e in settings.collect_events()] == [
        "risk.RiskSettings.Configured", "risk.RiskSettings.ScalesChanged"]
    assert settings.scale.level(12) == "critical"
