"""Service scenarios: what a PMO officer does, and what the read models then show."""
from datetime import date

import pytest

from core import queries
from core.domain.errors import ConflictError, ValidationError
from core.services import logs, portfolio, projects, reporting, users


def test_a_project_from_idea_to_closure(pmo, as_pmo_officer):
    portfolio.establish_portfolio(pmo, "Municipality of Ekby")
    programme = portfolio.register_programme(pmo, "DIG", "Digital services")
    # The PMO registers an idea and takes it through its gates.
    project = projects.register_project(pmo, code="DIG-01", name="E-services portal", manager="bo",
                                        programme_id=programme.id)
    for stage in ("proposed", "approved", "active"):
        projects.move_project_to_stage(pmo, project.id, stage, f"Gate to {stage} passed")
    # A month's status report, published.
    report = reporting.draft_status_report(
        pmo, project.id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), overall="amber",
        schedule="amber", cost="green", scope="green", summary="Supplier late", progress_pct=30)
    reporting.publish_status_report(pmo, report.id)
    # A milestone slips; an action is assigned and closed; a decision is recorded.
    milestone = reporting.plan_milestone(pmo, project.id, "Pilot live", date(2026, 3, 1))
    reporting.reforecast_milestone(pmo, milestone.id, date(2026, 4, 1))
    action = logs.assign_action(pmo, "Escalate to supplier", "bo", date(2026, 2, 1), project.id)
    logs.close_action(pmo, action.id, "Supplier added staff")
    logs.record_decision(pmo, "Go with pilot in two districts", "Pilot in Norr and Syd", "Steering group",
                         date(2026, 2, 10), "Limits risk", project.id)

    row = queries.get_project(pmo, "dig-01")
    assert (row["stage"], row["overall"], row["progress_pct"]) == ("active", "amber", 30)
    assert [c["stage"] for c in queries.stage_history(pmo, project.id)] == ["proposed", "approved", "active"]
    assert queries.list_milestones(pmo, project.id)[0]["slippage_days"] == 31
    assert queries.list_actions(pmo, project_id=project.id)[0]["status"] == "done"
    assert queries.list_decisions(pmo, project.id)[0]["decided_by"] == "Steering group"
    assert queries.list_projects(pmo, programme_id=programme.id)[0]["code"] == "DIG-01"
    board = queries.dashboard(pmo, today=date(2026, 2, 15))
    assert board["rag"]["amber"] == 1 and board["slipping_milestones"]


def test_overdue_actions_are_listed_until_closed(pmo, as_pmo_officer):
    action = logs.assign_action(pmo, "Send minutes", "eva", date(2026, 1, 5))
    assert queries.list_actions(pmo, overdue=True, today=date(2026, 1, 6))[0]["id"] == action.id
    logs.close_action(pmo, action.id)
    assert queries.list_actions(pmo, overdue=True, today=date(2026, 1, 6)) == []


def test_project_codes_are_unique(pmo, as_pmo_officer):
    projects.register_project(pmo, code="P-1", name="One")
    before = pmo.ledger.max_position()
    with pytest.raises(ConflictError):
        projects.register_project(pmo, code="p-1", name="Other")
    assert pmo.ledger.max_position() == before


def test_a_stale_version_is_a_conflict_and_writes_nothing(pmo, as_pmo_officer):
    project = projects.register_project(pmo, code="P-1", name="One")
    projects.update_project(pmo, project.id, expected_version=1, name="One, renamed")
    before = pmo.ledger.max_position()
    with pytest.raises(ConflictError) as e:
        projects.update_project(pmo, project.id, expected_version=1, name="Lost update")
    assert e.value.current_version == 2
    assert pmo.ledger.max_position() == before
    assert queries.get_project(pmo, "P-1")["name"] == "One, renamed"


def test_two_writers_of_one_aggregate_cannot_both_win(pmo, as_pmo_officer):
    project = projects.register_project(pmo, code="P-1", name="One")
    first = pmo.get(type(project), project.id)
    second = pmo.get(type(project), project.id)
    first.update(name="First")
    second.update(name="Second")
    pmo.save(first)
    with pytest.raises(ConflictError):
        pmo.save(second)
    assert queries.get_project(pmo, "P-1")["name"] == "First"


@pytest.mark.parametrize("code", ["", "has space", "x" * 41])
def test_bad_project_codes_are_refused(pmo, as_pmo_officer, code):
    with pytest.raises(ValidationError) as e:
        projects.register_project(pmo, code=code, name="x")
    assert e.value.field == "code"
    assert pmo.ledger.max_position() == 0


def test_every_read_model_shows_the_past_at_a_log_position(pmo, as_pmo_officer):
    project = projects.register_project(pmo, code="P-1", name="Before")
    at_registration = pmo.ledger.max_position()
    projects.update_project(pmo, project.id, name="After")
    projects.move_project_to_stage(pmo, project.id, "cancelled", "No budget")
    assert queries.get_project(pmo, "P-1")["stage"] == "cancelled"
    past = queries.get_project(pmo, "P-1", at=at_registration)
    assert (past["name"], past["stage"]) == ("Before", "idea")


def test_rebuilding_the_read_models_restores_the_same_rows(pmo, as_pmo_officer):
    project = projects.register_project(pmo, code="P-1", name="One", manager="bo")
    reporting.submit_status_report(pmo, project.id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                   overall="red", schedule="red", cost="green", scope="amber", progress_pct=5)
    logs.assign_action(pmo, "Replan", "bo", date(2026, 2, 1), project.id)
    users.create_user(pmo, "bo", "password-bo", "manager")
    before = (queries.list_projects(pmo), queries.list_actions(pmo), queries.list_users(pmo),
              queries.list_status_reports(pmo))
    seen = []
    pmo.rebuild(progress=lambda done, total: seen.append((done, total)))
    after = (queries.list_projects(pmo), queries.list_actions(pmo), queries.list_users(pmo),
             queries.list_status_reports(pmo))
    assert after == before
    assert seen[-1][0] == pmo.ledger.max_position()


def test_passwords_and_tokens_never_enter_the_ledger(pmo, as_pmo_officer):
    user = users.create_user(pmo, "eva", "s3cret-passw0rd", "pmo")
    _, token = users.issue_token(pmo, user.id, "script")
    stored = b"".join(r.state for r in pmo.ledger.recorder.select_notifications(start=1, limit=100))
    assert b"s3cret-passw0rd" not in stored and token.encode() not in stored
    assert queries.user_by_token_hash(pmo, users.hash_token(token))["username"] == "eva"
    users.revoke_token(pmo, user.id, queries.list_tokens(pmo, user.id)[0]["token_id"])
    assert queries.user_by_token_hash(pmo, users.hash_token(token)) is None
