"""Scenarios on the risk services, through the ledger and the read models (no web)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core import queries as core_queries
from core.domain.errors import ConflictError, ValidationError
from core.history import entity_history
from core.services import plugins, portfolio, projects
from events.context import command_context
from plugins.risk import queries, services
from plugins.risk.projections import risks as risks_table

TODAY = date(2026, 3, 16)


@pytest.fixture
def world(pmo):
    """A core install that has just switched the risk register on; one project in a programme."""
    with command_context("admin", "We start a risk register"):
        plugins.enable_plugin(pmo, "risk")
    with command_context("pia", "intake"):
        programme = portfolio.register_programme(pmo, "DIG", "Digital")
        project = projects.register_project(pmo, "P-1", "Portal", manager="bo", programme_id=programme.id)
    return {"pmo": pmo, "project": project.id, "programme": programme.id}


def test_a_risk_assessed_three_times_keeps_three_assessments(world):
    pmo = world["pmo"]
    # Bo identifies a risk and rates it at once: likely and major.
    with command_context("bo", "risk workshop"):
        risk = services.identify_risk(pmo, "Supplier late", "bo", project_id=world["project"],
                                      probability=4, impact=4, identified_on=date(2026, 1, 5))
    # The response takes effect over two months: two residual assessments.
    with command_context("bo", "after the penalty clause"):
        services.assess_risk(pmo, risk.id, "residual", 3, 4, assessed_on=date(2026, 2, 2))
    with command_context("bo", "supplier back on plan"):
        services.assess_risk(pmo, risk.id, "residual", 2, 3, assessed_on=date(2026, 3, 2), note="on plan")

    assessed = queries.risk_assessments(pmo, risk.id)
    assert [(a["basis"], a["score"], a["level"]) for a in assessed] == [
        ("inherent", 16, "critical"), ("residual", 12, "high"), ("residual", 6, "medium")]
    row = queries.get_risk(pmo, risk.id)
    assert (row["inherent_score"], row["residual_score"], row["score"], row["level"]) == (16, 6, 6, "medium")
    history = entity_history(pmo, risk.id, extra_tables=[risks_table])
    assert [e["topic"] for e in history] == ["risk.Risk.Assessed"] * 3 + ["risk.Risk.Identified"]
    assert [e["reason"] for e in history] == [
        "supplier back on plan", "after the penalty clause", "risk workshop", "risk workshop"]


def test_references_count_up_per_project_and_clash_when_reused(world):
    pmo = world["pmo"]
    with command_context("bo"):
        first = services.identify_risk(pmo, "A", "bo", project_id=world["project"])
        second = services.identify_risk(pmo, "B", "bo", project_id=world["project"])
        portfolio_wide = services.identify_risk(pmo, "C", "pia", scope="portfolio")
        assert (first.ref, second.ref, portfolio_wide.ref) == ("R-001", "R-002", "R-001")
        with pytest.raises(ConflictError):
            services.identify_risk(pmo, "D", "bo", project_id=world["project"], ref="r-001")
        with pytest.raises(ValidationError) as error:
            services.identify_risk(pmo, "E", "bo", project_id=None)
        assert error.value.field == "project_id"


def test_a_mitigation_is_a_core_action_on_the_project_and_its_overdue_state_shows_on_the_risk(world):
    pmo = world["pmo"]
    with command_context("bo"):
        risk = services.identify_risk(pmo, "Key developer leaves", "bo", project_id=world["project"])
        action = services.add_mitigation(pmo, risk.id, "Document the interfaces", "bo",
                                         due_date=TODAY - timedelta(days=3))
    listed = core_queries.list_actions(pmo, project_id=world["project"], today=TODAY)
    assert [(a["id"], a["overdue"]) for a in listed] == [(action.id, True)]
    row = queries.get_risk(pmo, risk.id, today=TODAY)
    assert (row["mitigations"], row["overdue_mitigations"]) == (1, 1)
    assert queries.risk_mitigations(pmo, risk.id, today=TODAY)[0]["overdue"] is True
    # Done on time, seen from the due date: not overdue then.
    assert queries.get_risk(pmo, risk.id, today=TODAY - timedelta(days=5))["overdue_mitigations"] == 0


def test_materialising_turns_the_risk_into_an_issue_keeping_the_link(world):
    pmo = world["pmo"]
    with command_context("bo"):
        risk = services.identify_risk(pmo, "Test server fails", "bo", project_id=world["project"],
                                      probability=3, impact=4, effect="Two test weeks lost")
        issue = services.materialise_risk(pmo, risk.id, "critical")
        services.escalate_issue(pmo, issue.id, "programme", "Needs the programme's test server")
    row = queries.get_risk(pmo, risk.id)
    raised = queries.get_issue(pmo, issue.id)
    assert (row["status"], row["issue_id"]) == ("materialised", issue.id)
    assert (raised["risk_id"], raised["priority"], raised["escalation"]) == (risk.id, "critical", "programme")
    assert queries.list_risks(pmo) == []  # no longer an open risk
    assert [i["id"] for i in queries.list_issues(pmo, programme_id=world["programme"])] == [issue.id]


def test_the_register_as_of_an_earlier_moment(world):
    pmo = world["pmo"]
    with command_context("bo"):
        risk = services.identify_risk(pmo, "Scope creep", "bo", project_id=world["project"], probability=4,
                                      impact=3)
    before = pmo.ledger.max_position()
    with command_context("bo"):
        services.close_risk(pmo, risk.id, "Scope frozen")
    assert queries.list_risks(pmo) == []
    assert [r["status"] for r in queries.list_risks(pmo, before)] == ["open"]
    assert queries.heatmap(pmo, "inherent", before)["cells"] == {(4, 3): 1}


def test_critical_risks_and_overdue_reviews_feed_the_status_hint(world):
    pmo = world["pmo"]
    assert queries.status_hint(pmo, world["project"], today=TODAY) is None
    with command_context("bo"):
        late = services.identify_risk(pmo, "Budget overrun", "bo", project_id=world["project"], probability=3,
                                      impact=3, review_date=TODAY - timedelta(days=1))
    hint = queries.status_hint(pmo, world["project"], today=TODAY)
    assert hint["rag"] == "amber" and "1 risk review(s) overdue" in hint["reasons"]
    assert [r["id"] for r in queries.list_risks(pmo, today=TODAY, review_due=True)] == [late.id]
    with command_context("bo"):
        services.identify_risk(pmo, "Migration fails", "bo", project_id=world["project"], probability=5, impact=4)
    assert queries.status_hint(pmo, world["project"], today=TODAY)["rag"] == "red"


def test_changed_scales_rate_new_assessments_and_leave_old_ones(world):
    pmo = world["pmo"]
    with command_context("bo"):
        risk = services.identify_risk(pmo, "Licence costs", "bo", project_id=world["project"], probability=3,
                                      impact=3)
    with command_context("admin", "Four-point scales, as in the handbook"):
        services.configure_scales(pmo, ["Low", "Medium", "High", "Very high"], ["Low", "Medium", "High", "Very high"],
                                  3, 6, 9)
    with command_context("bo"):
        services.assess_risk(pmo, risk.id, "residual", 3, 3)
        with pytest.raises(ValidationError):
            services.assess_risk(pmo, risk.id, "residual", 5, 1)
    assert [(a["score"], a["level"]) for a in queries.risk_assessments(pmo, risk.id)] == [
        (9, "medium"), (9, "critical")]
    assert len(queries.current_scale(pmo).probability) == 4


def test_a_plugin_enabled_late_builds_its_register_from_the_whole_history(pmo):
    """Risk events written while the plugin was off (say, by an import) appear once it is on."""
    with command_context("pia"):
        project = projects.register_project(pmo, "P-9", "Late starter")
        services.identify_risk(pmo, "Written before the register was switched on", "pia", project_id=project.id)
    assert "risk" not in pmo.enabled_plugins()
    with command_context("admin", "now we need it"):
        plugins.enable_plugin(pmo, "risk")
    assert [r["title"] for r in queries.list_risks(pmo)] == ["Written before the register was switched on"]


def test_business_days_follow_the_command_time(world):
    pmo = world["pmo"]
    moment = datetime.now(timezone.utc) + timedelta(days=3)
    with command_context("bo", occurred_at=moment):
        risk = services.identify_risk(pmo, "Later", "bo", project_id=world["project"], probability=1, impact=1)
    assert queries.get_risk(pmo, risk.id)["identified_on"] == moment.date()


def test_the_same_scenario_on_every_store(store_url):
    from web.tenancy import open_pmo

    pmo = open_pmo(store_url, entry_points=False)
    try:
        with command_context("admin", "register"):
            plugins.enable_plugin(pmo, "risk")
        with command_context("bo"):
            project = projects.register_project(pmo, "P-1", "Portal")
            risk = services.identify_risk(pmo, "Supplier late", "bo", project_id=project.id, probability=4, impact=4)
            services.assess_risk(pmo, risk.id, "residual", 2, 3)
            issue = services.materialise_risk(pmo, risk.id)
        assert [a["score"] for a in queries.risk_assessments(pmo, risk.id)] == [16, 6]
        assert queries.get_issue(pmo, issue.id)["risk_id"] == risk.id
        pmo.rebuild()
        assert queries.get_risk(pmo, risk.id)["status"] == "materialised"
        assert queries.current_scale(pmo).probability[0] == "Rare"
    finally:
        pmo.close()
