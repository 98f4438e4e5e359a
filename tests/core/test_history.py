"""An entity's history reads as field-level changes with who, when and why."""
from datetime import date

from core.history import describe, entity_history
from core.services import projects, reporting
from events.context import command_context


def test_history_shows_field_changes_with_actor_and_reason(pmo):
    with command_context("pia", "registered at intake"):
        project = projects.register_project(pmo, code="P-1", name="Portal", manager="bo")
    with command_context("j.smith", "supplier delay"):
        report = reporting.draft_status_report(
            pmo, project.id, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), overall="amber",
            schedule="amber", cost="green", scope="green", progress_pct=40)
        reporting.revise_status_report(pmo, report.id, overall="red")
    with command_context("pia", "gate 1"):
        projects.move_project_to_stage(pmo, project.id, "proposed", "Business case approved")

    lines = [describe(e) for e in entity_history(pmo, report.id)]
    assert lines[0] == "overall amber -> red by j.smith: supplier delay"
    assert lines[-1].startswith("created")
    newest = entity_history(pmo, project.id)[0]
    assert ("stage", "idea", "proposed") in newest["changes"]
    assert newest["actor"] == "pia" and newest["reason"] == "gate 1"
    # As of before the stage change, history ends at registration.
    assert len(entity_history(pmo, project.id, at=1)) == 1


def test_password_hashes_never_show_in_history(pmo):
    from core.services import users

    with command_context("admin"):
        user = users.create_user(pmo, "eva", "long-enough-pw", "viewer")
        users.change_password(pmo, user.id, "another-long-pw")
    text = repr(entity_history(pmo, user.id))
    assert "scrypt" not in text and "pbkdf2" not in text


def test_the_log_pages_newest_first_and_filters(pmo):
    from core.history import log_page

    with command_context("pia"):
        for i in range(7):
            projects.register_project(pmo, code=f"P-{i}", name=f"Project {i}")
    with command_context("bo"):
        projects.register_project(pmo, code="B-1", name="Bo's")
    first = log_page(pmo, limit=3)
    assert [r["position"] for r in first["items"]] == [8, 7, 6] and first["next_before"] == 6
    second = log_page(pmo, limit=3, before=first["next_before"])
    assert [r["position"] for r in second["items"]] == [5, 4, 3]
    assert [r["actor"] for r in log_page(pmo, actor="bo")["items"]] == ["bo"]
    assert len(log_page(pmo, topic="Registered", at=2)["items"]) == 2
    assert log_page(pmo, plugin="risk")["items"] == []
