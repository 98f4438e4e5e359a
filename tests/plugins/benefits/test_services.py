"""Scenarios through the services and the read models: the curve's data, the at-risk rule,
the closure policy and the overview, and as_of hiding a measurement."""
from __future__ import annotations

from datetime import date

import pytest

from core.asof import position_at
from core.domain.errors import ConflictError, NotAllowedError, ValidationError
from core.services import projects
from events.context import command_context
from plugins.benefits import queries, services
from tests.plugins.benefits.conftest import at


def test_four_measurements_put_the_benefit_at_risk_behind_its_trajectory(core_story):
    pmo = core_story["pmo"]
    row = queries.get_benefit(pmo, core_story["benefit"], today=date(2024, 12, 1))
    assert row["measurements"] == 4 and (row["latest_on"], row["latest_value"]) == (date(2024, 11, 30), 24)
    assert row["state"] == "at risk" and row["at_risk"]
    points = queries.benefit_measurements(pmo, row)
    assert [p["value"] for p in points] == [14, 19, 22, 24]
    assert points[0]["planned"] == pytest.approx(10 + 20 * 60 / 366)
    # The PMO records a better figure: back within the tolerance, on track.
    with command_context("pmo-user", "measured", occurred_at=at(8)):
        services.measure_benefit(pmo, core_story["benefit"], 28, date(2024, 12, 15))
    assert queries.get_benefit(pmo, core_story["benefit"])["state"] == "on track"
    with command_context("pmo-user", "measured", occurred_at=at(9)):
        services.measure_benefit(pmo, core_story["benefit"], 31, date(2025, 2, 1))
    assert queries.get_benefit(pmo, core_story["benefit"])["state"] == "realised"


def test_as_of_before_a_measurement_hides_it_from_state_curve_and_totals(core_story):
    pmo = core_story["pmo"]
    before_last = position_at(pmo, at(5).replace(hour=23))
    row = queries.get_benefit(pmo, core_story["benefit"], before_last, date(2024, 12, 1))
    assert row["measurements"] == 3 and row["latest_value"] == 22
    assert [p["value"] for p in queries.benefit_measurements(pmo, row, before_last)] == [14, 19, 22]
    group = queries.overview(pmo, before_last, date(2024, 12, 1))[0]
    assert group["totals"][0]["realised"] == pytest.approx(12)
    now = queries.overview(pmo, None, date(2024, 12, 1))[0]
    assert now["totals"][0]["realised"] == pytest.approx(14)


def test_closing_the_enabling_project_hands_the_benefit_over_and_it_stays_measurable(core_story):
    pmo, pid = core_story["pmo"], core_story["places"]["P-OWN"]
    assert queries.get_benefit(pmo, core_story["benefit"])["measured_by"] == "owner-user"
    with command_context("pmo-user", "gates", occurred_at=at(10)):
        for stage in ("proposed", "approved", "active", "closed"):
            projects.move_project_to_stage(pmo, pid, stage, f"Board: {stage}")
    row = queries.get_benefit(pmo, core_story["benefit"])
    assert row["status"] == "open" and row["handed_over"] and row["measured_by"] == "after-user"
    assert "P-OWN closed" in row["handover_note"]
    with command_context("after-user", "measured after the project", occurred_at=at(11)):
        services.measure_benefit(pmo, core_story["benefit"], 29, date(2025, 3, 1))
    group = queries.overview(pmo)[0]
    assert [b["ref"] for b in group["benefits"]] == ["B-001"]
    assert group["totals"][0]["realised"] == pytest.approx(19) and group["totals"][0]["measured"] == 1
    # Someone else takes over the measuring, by name and with a reason.
    with command_context("pmo-user", "reorganisation", occurred_at=at(12)):
        services.hand_over_benefit(pmo, core_story["benefit"], "nora", "Contact centre counts it")
    assert queries.get_benefit(pmo, core_story["benefit"])["measured_by"] == "nora"


def test_a_benefit_of_two_projects_is_handed_over_when_the_last_one_ends(unit):
    pmo, places = unit
    with command_context("pmo-user", "case", occurred_at=at(1)):
        b = services.register_benefit(pmo, "Fewer calls", "owner-user", "Calls", "calls", 900, date(2024, 1, 1), 600,
                                      date(2025, 1, 1), enablers=[{"project_id": places["P-OWN"]},
                                                                  {"project_id": places["P-OTHER"]}])
        for stage in ("proposed", "approved", "active", "closed"):
            projects.move_project_to_stage(pmo, places["P-OWN"], stage, "gate")
    assert not queries.get_benefit(pmo, b.id)["handed_over"]
    with command_context("pmo-user", "stopped", occurred_at=at(2)):
        projects.move_project_to_stage(pmo, places["P-OTHER"], "cancelled", "no money")
    assert queries.get_benefit(pmo, b.id)["measured_by"] == "owner-user"  # no post-project owner named: the owner
    assert queries.get_benefit(pmo, b.id)["handed_over"]


def test_refusals(core_story):
    pmo, bid = core_story["pmo"], core_story["benefit"]
    with command_context("pmo-user", "t"):
        with pytest.raises(ValidationError, match="baseline"):
            services.measure_benefit(pmo, bid, 5, date(2023, 12, 1))
        with pytest.raises(NotAllowedError, match="already measured"):
            services.measure_benefit(pmo, bid, 5, date(2024, 3, 1))
        with pytest.raises(ValidationError, match="finite"):
            services.measure_benefit(pmo, bid, float("nan"), date(2024, 3, 2))
        with pytest.raises(ValidationError, match="target date"):
            services.register_benefit(pmo, "X", "o", "i", "u", 1, date(2024, 1, 1), 2, date(2024, 1, 1))
        with pytest.raises(ValidationError, match="differ"):
            services.register_benefit(pmo, "X", "o", "i", "u", 1, date(2024, 1, 1), 1, date(2024, 2, 1))
        with pytest.raises(ConflictError):
            services.register_benefit(pmo, "X", "o", "i", "u", 1, date(2024, 1, 1), 2, date(2024, 2, 1), ref="B-001")
        services.close_benefit(pmo, bid, "not_realised", "Stopped")
        with pytest.raises(NotAllowedError, match="closed"):
            services.measure_benefit(pmo, bid, 5, date(2024, 12, 2))
