"""Domain rules, without any app: call methods, check events and state."""
from datetime import date, datetime

import pytest

from core.domain.action import Action, ActionClosedError
from core.domain.errors import NotAllowedError, ValidationError
from core.domain.milestone import Milestone
from core.domain.project import Project, ProjectClosedError
from core.domain.status_report import ReportPublishedError, StatusReport
from events.context import NoCommandContextError, command_context


@pytest.fixture(autouse=True)
def _as_pia():
    with command_context("pia", "domain test", "corr-1"):
        yield


def test_every_event_carries_actor_reason_correlation_and_utc_time():
    project = Project(code="P-1", name="New intranet")
    project.move_to_stage("proposed", "Idea board: worth a business case")
    for e in project.collect_events():
        assert (e.actor, e.reason, e.correlation_id) == ("pia", "domain test", "corr-1")
        assert e.occurred_at.utcoffset().total_seconds() == 0


def test_no_event_without_an_actor():
    with command_context("x"):
        pass
    import events.context as ctx

    token = ctx._current.set(None)
    try:
        with pytest.raises(NoCommandContextError):
            Project(code="P-2", name="Anonymous")
    finally:
        ctx._current.reset(token)


def test_project_passes_gates_in_order_and_keeps_each_gate_decision():
    project = Project(code="P-1", name="New intranet")
    with pytest.raises(NotAllowedError):
        project.move_to_stage("active", "skip the gates")
    for stage in ("proposed", "approved", "active", "closed"):
        project.move_to_stage(stage, f"gate to {stage}")
    assert [h["to"] for h in project.stage_history] == ["proposed", "approved", "active", "closed"]
    assert project.stage_history[1]["gate_decision"] == "gate to approved"
    with pytest.raises(ProjectClosedError):
        project.move_to_stage("cancelled", "too late")
    with pytest.raises(ProjectClosedError):
        project.update(name="Renamed after closure")


def test_a_stage_change_needs_a_gate_decision_and_a_known_stage():
    project = Project(code="P-1", name="x")
    with pytest.raises(ValidationError) as e:
        project.move_to_stage("proposed", "  ")
    assert e.value.field == "gate_decision"
    with pytest.raises(ValidationError):
        project.move_to_stage("dreaming", "why not")


def test_any_open_project_can_be_cancelled():
    project = Project(code="P-1", name="x")
    project.move_to_stage("cancelled", "Portfolio board: no budget this year")
    assert project.stage == "cancelled" and not project.is_open


def test_published_status_report_is_immutable():
    report = StatusReport.draft(project_id=Project(code="P-1", name="x").id, period_start=date(2026, 1, 1),
                                period_end=date(2026, 1, 31), overall="amber", schedule="green",
                                cost="amber", scope="green", summary="Supplier late", progress_pct=20)
    report.revise(overall="red")
    report.publish()
    with pytest.raises(ReportPublishedError):
        report.revise(overall="green")
    with pytest.raises(ReportPublishedError):
        report.publish()
    assert report.overall == "red"


@pytest.mark.parametrize("bad, field", [
    ({"overall": "purple"}, "overall"),
    ({"progress_pct": 101}, "progress_pct"),
    ({"period_end": date(2025, 12, 1)}, "period_end"),
])
def test_status_report_rejects_bad_ratings_progress_and_periods(bad, field):
    fields = dict(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), overall="green",
                  schedule="green", cost="green", scope="green", progress_pct=0)
    with pytest.raises(ValidationError) as e:
        StatusReport.draft(project_id=Project(code="P-9", name="x").id, **{**fields, **bad})
    assert e.value.field == field


def test_milestone_slippage_follows_forecast_then_actual():
    milestone = Milestone(project_id=Project(code="P-1", name="x").id, name="Go-live",
                          baseline_date=date(2026, 3, 1))
    milestone.reforecast(date(2026, 3, 15))
    assert milestone.slippage_days == 14
    milestone.achieve(date(2026, 3, 10))
    assert milestone.slippage_days == 9
    with pytest.raises(NotAllowedError):
        milestone.reforecast(date(2026, 4, 1))


def test_action_is_overdue_only_while_open_and_past_due():
    action = Action(title="Ask supplier for a new plan", owner="bo", due_date=date(2026, 1, 10))
    assert action.overdue(date(2026, 1, 11)) and not action.overdue(date(2026, 1, 10))
    action.close("New plan received")
    assert not action.overdue(date(2026, 2, 1))
    with pytest.raises(ActionClosedError):
        action.close()
    action.reopen()
    assert action.status == "open"


def test_replaying_events_gives_the_same_project():
    project = Project(code="P-1", name="New intranet", manager="bo")
    project.move_to_stage("proposed", "ok")
    project.update(sponsor="Eva")
    events = project.collect_events()
    copy = None
    for e in events:
        copy = e.mutate(copy)
    assert copy.__dict__ == {**project.__dict__, "_pending_events": []}


def test_a_value_of_the_wrong_type_never_enters_the_ledger():
    from events.aggregate import EventFieldTypeError

    with pytest.raises(EventFieldTypeError, match="due_date"):
        Action(title="Book room", owner="bo", due_date="2026-01-10")
    with pytest.raises(EventFieldTypeError, match="summary"):
        StatusReport.draft(project_id=Project(code="P-1", name="x").id, period_start=date(2026, 1, 1),
                           period_end=date(2026, 1, 31), overall="green", schedule="green", cost="green",
                           scope="green", summary=42)
    project = Project(code="P-2", name="x")
    with pytest.raises(EventFieldTypeError, match="start_date"):
        project.update(start_date=datetime(2026, 1, 1))
