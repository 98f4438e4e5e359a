"""Scenarios on a bare PMO: criteria, scores and weights rank the core's projects; a weight
change re-ranks and the history says why; the plugin enabled late reads the earlier ledger."""
from __future__ import annotations

from datetime import date

import pytest

from core.asof import position_at
from core.domain.errors import ConflictError, ValidationError
from core.services import projects
from core.services.plugins import enable_plugin
from events.context import command_context
from plugins.benefits import services as benefits
from plugins.portfolio import history, queries, services
from tests.plugins.portfolio.conftest import at


def story(pmo):
    """Before the plugin: two projects registered (day 1). Then (day 10) the plugin on, criteria
    VALUE (3) and RISK (1); A scores 5/1, B scores 3/5: A 4.0, B 3.5. Day 20: RISK weighs 3:
    A 3.0, B 4.0; B overtakes A."""
    with command_context("setup", "a year of core work", occurred_at=at(1)):
        a = projects.register_project(pmo, "A-01", "Alpha")
        b = projects.register_project(pmo, "B-01", "Beta")
    with command_context("admin", "level 4", occurred_at=at(10)):
        enable_plugin(pmo, "portfolio")
        value = services.define_criterion(pmo, "VALUE", "Business value", 3)
        risk = services.define_criterion(pmo, "RISK", "Delivery risk", 1)
        services.score_project(pmo, a.id, [{"criterion_id": value.id, "score": 5, "rationale": "big savings"},
                                           {"criterion_id": risk.id, "score": 1, "rationale": "new technology"}])
        services.score_project(pmo, b.id, [{"criterion_id": value.id, "score": 3, "rationale": "some savings"},
                                           {"criterion_id": risk.id, "score": 5, "rationale": "done it before"}])
    with command_context("saga", "the board fears overruns", occurred_at=at(20)):
        services.change_criterion(pmo, risk.id, weight=3)
    return a, b, value, risk


def test_a_weight_change_reranks_and_the_history_explains_it(pmo):
    story(pmo)
    before = position_at(pmo, at(15))
    assert [(r["code"], r["weighted"]) for r in queries.ranking(pmo, before)] == [("A-01", 4.0), ("B-01", 3.5)]
    assert [(r["code"], r["weighted"]) for r in queries.ranking(pmo)] == [("B-01", 4.0), ("A-01", 3.0)]
    why = history.ranking_changes(pmo, before, None)
    assert why["reordered"]
    assert why["weights"] == [{"ref": "RISK", "name": "Delivery risk", "before": 1.0, "after": 3.0, "by": "saga",
                               "when": why["weights"][0]["when"], "reason": "the board fears overruns"}]
    assert why["scores"] == []  # nobody rescored: the weight alone moved B up
    assert {m["code"]: m["moved"] for m in why["moves"]} == {"B-01": 1, "A-01": -1}


def test_enabled_late_the_ranking_reads_the_earlier_ledger(pmo):
    story(pmo)
    # Before the plugin was enabled (day 5), the projects were there, unscored.
    early = queries.ranking(pmo, position_at(pmo, at(5)))
    assert [(r["code"], r["scored"], r["weighted"]) for r in early] == [("A-01", 0, 0.0), ("B-01", 0, 0.0)]


def test_scores_carry_their_rationale_and_bad_input_writes_nothing(pmo):
    a, _, value, _ = story(pmo)
    top = {r["code"]: r for r in queries.ranking(pmo)}["A-01"]
    cell = next(c for c in top["scores"] if c["ref"] == "VALUE")
    assert (cell["score"], cell["rationale"], cell["by"]) == (5, "big savings", "admin")
    head = pmo.ledger.max_position()
    with command_context("x", ""):
        with pytest.raises(ValidationError):
            services.score_project(pmo, a.id, [{"criterion_id": value.id, "score": 6, "rationale": "r"}])
        with pytest.raises(ValidationError):
            services.score_project(pmo, a.id, [{"criterion_id": value.id, "score": 4, "rationale": " "}])
        with pytest.raises(ConflictError):
            services.define_criterion(pmo, "value", "Again", 1)
        with pytest.raises(ValidationError):
            services.estimate_project(pmo, a.id, 10, demands=[{"role": "Dev", "period": "2026-13", "amount": 1}])
    assert pmo.ledger.max_position() == head


def test_selection_over_the_ledger_names_what_binds(pmo):
    a, b, _, _ = story(pmo)
    with command_context("saga", "estimates", occurred_at=at(21)):
        services.estimate_project(pmo, a.id, 600)
        services.estimate_project(pmo, b.id, 500)
        services.set_envelope(pmo, 1000)
    r = queries.choose(pmo)
    assert [p["code"] for p in r["chosen"]] == ["B-01"] and r["binding"] == ["budget"]
    assert r["left_out"][0]["blocked_by"] == ["budget"]
    assert sorted(p["code"] for p in queries.choose(pmo, budget=1100)["chosen"]) == ["A-01", "B-01"]
    with command_context("saga", "a legal duty", occurred_at=at(22)):
        services.estimate_project(pmo, a.id, 600, must_do=True)
    assert [p["code"] for p in queries.choose(pmo)["chosen"]] == ["A-01"]


def test_alignment_with_an_objective_is_read_from_the_benefit_map(pmo):
    a, b, _, _ = story(pmo)
    with command_context("saga", "strategy", occurred_at=at(30)):
        objective = benefits.define_objective(pmo, "Faster permits", "nora", date(2025, 1, 1), date(2027, 12, 31))
        benefits.register_benefit(pmo, "Online permits", "pia", "Share online", "%", 10, date(2025, 1, 1), 50,
                                  date(2026, 1, 1), objective_ids=[objective.id],
                                  enablers=[{"project_id": b.id}])
        align = services.define_criterion(pmo, "ALIGN", "Serves faster permits", 2, objective_id=objective.id)
    rows = {r["code"]: r for r in queries.ranking(pmo)}
    cell = {r: next(c for c in rows[r]["scores"] if c["criterion_id"] == align.id) for r in rows}
    assert (cell["B-01"]["score"], cell["B-01"]["derived"]) == (5, True)
    assert cell["B-01"]["rationale"] == "enables B-001"
    assert cell["A-01"]["score"] == 0
