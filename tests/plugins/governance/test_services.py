"""Gate reviews and meetings as the PMO runs them, on a bare PMO (no app)."""
from __future__ import annotations

from datetime import date

import pytest

from core import queries as core_queries
from core.domain.errors import ConflictError, NotAllowedError, ValidationError
from core.services import projects
from events.context import command_context
from plugins.governance import queries, services
from plugins.governance.domain import BUILT_IN_CHECKLISTS, MeetingClosedError
from plugins.knowledge import services as knowledge
from tests.plugins.governance.conftest import HELD_ON, answers


def stage(pmo, pid) -> str:
    return core_queries.get_project(pmo, pid)["stage"]


def test_a_no_go_keeps_the_stage_and_a_go_moves_it_with_its_decision_and_conditions(unit):
    pmo, ids = unit
    pid = ids["P-OWN"]
    with command_context("pia", "gate to approved"):
        review = services.open_gate_review(pmo, pid, "nora", date(2025, 3, 1))
        assert review.checklist == list(BUILT_IN_CHECKLISTS["approved"])
        # The board says no-go: the sponsor has not signed.
        services.decide_gate_review(pmo, review.id, "no_go", answers(4, **{"1": ("not_met", "not signed")}),
                                    summary="Come back with a signed business case")
    assert stage(pmo, pid) == "proposed"
    no_go = queries.get_review(pmo, review.id)
    assert (no_go["status"], no_go["verdict"], no_go["not_met"]) == ("decided", "no_go", 1)
    decision = core_queries.get_decision(pmo, no_go["decision_id"])
    assert decision["project_id"] == pid and "stays in proposed" in decision["decision"]
    assert f"/governance/reviews/{review.id}" in decision["rationale"]

    # A month later, go with a condition: one transaction moves the stage, logs the decision
    # and puts the condition on the project's action list.
    head = pmo.ledger.max_position()
    with command_context("pia", "gate to approved, again"):
        again = services.open_gate_review(pmo, pid, "nora", date(2025, 4, 1))
        services.decide_gate_review(pmo, again.id, "go_with_conditions", answers(4, **{"3": ("not_met", "over")}),
                                    conditions=[{"title": "Cut the budget by 5%", "owner": "manager-user",
                                                 "due_date": date(2025, 5, 1)}])
    assert stage(pmo, pid) == "approved"
    go = queries.get_review(pmo, again.id)
    actions = core_queries.list_actions(pmo, pid)
    assert [a["title"] for a in actions] == ["Cut the budget by 5%"] and actions[0]["priority"] == "high"
    assert queries.source_of(pmo, go["decision_id"])["source_id"] == again.id
    history = core_queries.stage_history(pmo, pid)
    assert "Gate review go with conditions" in history[-1]["gate_decision"]
    # Opened (one save), then verdict + decision + action + stage change (one save).
    saves = {e.correlation_id for _, e in pmo.ledger.read_batch(after=head, limit=100)}
    assert len(saves) == 1 and pmo.ledger.max_position() - head == 5


def test_a_refused_verdict_writes_nothing(unit):
    pmo, ids = unit
    with command_context("pia", "gate"):
        review = services.open_gate_review(pmo, ids["P-OWN"], "nora")
        head = pmo.ledger.max_position()
        with pytest.raises(ValidationError, match="not met"):  # go with an item not met
            services.decide_gate_review(pmo, review.id, "go", answers(4, **{"0": ("not_met", "x")}))
        with pytest.raises(ValidationError, match="condition"):
            services.decide_gate_review(pmo, review.id, "go_with_conditions", answers(4))
        with pytest.raises(ValidationError, match="evidence"):
            services.decide_gate_review(pmo, review.id, "go", answers(4, **{"2": ("met", "")}))
        with pytest.raises(ValidationError, match="owner"):  # a condition without owner: no action, no move
            services.decide_gate_review(pmo, review.id, "go_with_conditions", answers(4),
                                        conditions=[{"title": "Do it", "owner": ""}])
        with pytest.raises(ConflictError, match="open gate review"):
            services.open_gate_review(pmo, ids["P-OWN"], "nora")
    assert pmo.ledger.max_position() == head and stage(pmo, ids["P-OWN"]) == "proposed"


def test_a_template_that_asks_for_gate_reviews_lets_the_stage_change_only_through_a_go(unit):
    pmo, _ids = unit
    with command_context("pia", "templates"):
        template = knowledge.define_template(pmo, "Large project", gate_reviews_required=True, checklists={
            "approved": ["Business case signed"], "active": ["Plan baselined", "Team staffed"], "closed": ["Handed over"]})
        pid = knowledge.project_from_template(pmo, template.id, "BIG-1", "Big one", date(2025, 1, 1)).id
        projects.move_project_to_stage(pmo, pid, "proposed", "proposal written")  # not a gate reviewed here
        with pytest.raises(NotAllowedError, match="only through a go verdict") as refused:
            projects.move_project_to_stage(pmo, pid, "approved", "the board said so")
        assert refused.value.field == "stage"
        review = services.open_gate_review(pmo, pid, "nora")
        assert review.checklist == ["Business case signed"] and review.checklist_source == "template Large project v1"
        services.decide_gate_review(pmo, review.id, "hold", answers(1), summary="Budget round first")
        assert stage(pmo, pid) == "proposed"
        services.decide_gate_review(pmo, services.open_gate_review(pmo, pid, "nora").id, "go", answers(1))
        assert stage(pmo, pid) == "approved"
        # The template moves to v2; the project keeps v1's checklist for its next gate.
        knowledge.revise_template(pmo, template.id, checklists={"approved": ["x"], "active": ["Other"], "closed": ["y"]})
        assert services.open_gate_review(pmo, pid, "nora").checklist == ["Plan baselined", "Team staffed"]
        projects.move_project_to_stage(pmo, pid, "cancelled", "stopped")  # cancelling is never guarded
    assert stage(pmo, pid) == "cancelled"


def test_the_pmo_edits_the_default_checklist_and_open_reviews_keep_theirs(unit):
    pmo, ids = unit
    with command_context("pia", "checklists"):
        before = services.open_gate_review(pmo, ids["P-OWN"], "nora")
        services.set_default_checklist(pmo, "approved", ["Sponsor signed", "Budget reserved"])
        with pytest.raises(ValidationError):
            services.set_default_checklist(pmo, "approved", ["same", "same"])
    assert queries.default_checklist(pmo, "approved") == ["Sponsor signed", "Budget reserved"]
    assert [a["item"] for a in queries.get_review(pmo, before.id)["answers"]] == list(BUILT_IN_CHECKLISTS["approved"])


def test_a_meeting_s_decisions_and_actions_go_to_the_project_logs_and_a_closed_meeting_is_final(unit):
    pmo, ids = unit
    pid = ids["P-OWN"]
    with command_context("pia", "steering committee"):
        series = services.establish_series(pmo, "Steering committee", "steering_committee", "nora", "monthly",
                                           ["nora", "ruud"])
        meeting = services.schedule_meeting(pmo, series.id, HELD_ON, agenda=[
            {"title": "P-OWN: status", "project_id": pid}, {"title": "Any other business"}])
        decision = services.record_meeting_decision(pmo, meeting.id, "Go with supplier B", "Contract B",
                                                    "Cheaper", pid)
        action = services.assign_meeting_action(pmo, meeting.id, "Sign the contract", "manager-user",
                                                date(2025, 4, 1), pid)
        with pytest.raises(ValidationError, match="who attended"):
            services.close_meeting(pmo, meeting.id)
        services.update_meeting(pmo, meeting.id, attendees=["nora", "ruud"], minutes="Supplier B chosen.")
        services.close_meeting(pmo, meeting.id, "Minutes approved")
        head = pmo.ledger.max_position()
        for change in (lambda: services.update_meeting(pmo, meeting.id, minutes="rewritten"),
                       lambda: services.record_meeting_decision(pmo, meeting.id, "Later", "x"),
                       lambda: services.assign_meeting_action(pmo, meeting.id, "Later", "pia"),
                       lambda: services.close_meeting(pmo, meeting.id)):
            with pytest.raises(MeetingClosedError, match="archived"):
                change()
    assert pmo.ledger.max_position() == head
    logged = core_queries.list_decisions(pmo, pid)
    assert [(d["title"], d["decided_by"], d["decided_on"]) for d in logged] == [
        ("Go with supplier B", "Steering committee", HELD_ON)]
    assert [a["id"] for a in core_queries.list_actions(pmo, pid)] == [action.id]
    row = queries.get_meeting(pmo, meeting.id)
    assert row["status"] == "closed" and [d["id"] for d in row["decision_records"]] == [decision.id]
    assert queries.source_of(pmo, action.id)["source_kind"] == "meeting"
    assert [m["id"] for m in queries.list_meetings(pmo, project_id=pid)] == [meeting.id]


def test_a_meeting_s_papers_as_of_its_date_show_the_projects_as_they_were(unit):
    pmo, ids = unit
    pid = ids["P-OWN"]
    with command_context("pia", "steering committee"):
        series = services.establish_series(pmo, "Board", "portfolio_board", "nora")
        meeting = services.schedule_meeting(pmo, series.id, HELD_ON, agenda=[{"title": "P-OWN", "project_id": pid}])
    then = pmo.ledger.max_position()
    with command_context("pia", "later"):
        projects.move_project_to_stage(pmo, pid, "approved", "approved later")
    assert queries.get_meeting(pmo, meeting.id)["agenda"][0]["project"]["stage"] == "approved"
    assert queries.get_meeting(pmo, meeting.id, then)["agenda"][0]["project"]["stage"] == "proposed"
