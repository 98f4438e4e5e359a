"""Scenarios as branches: the PMO tries dropping a project, shifting another, a new budget and
capacity, away from the live ledger; then commits, and the live ledger takes exactly those
decisions, by the committing user, in one transaction."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from core import queries as core_queries
from core.domain.errors import ConflictError, NotAllowedError, ValidationError
from core.services import portfolio, projects, reporting
from core.services.plugins import enable_plugin
from events.context import command_context
from plugins.portfolio import services
from plugins.portfolio.scenarios import evaluate
from plugins.portfolio.scenarios import services as scenarios
from plugins.portfolio.scenarios.book import book, scenario_env
from events.store import parse_store_url


def head(pmo) -> tuple[int, str | None]:
    """The live ledger's event count and chain head (what `pmo audit verify` ends on)."""
    last = pmo.ledger.max_position()
    chain = pmo.ledger.recorder.select_chain(max(last - 1, 0), 1)
    return last, chain[-1][1] if chain else None


@pytest.fixture
def story(pmo):
    """Three costed projects competing for a budget of 1,000 and 100 developer days."""
    with command_context("pia", "set up"):
        enable_plugin(pmo, "portfolio")
        programme = portfolio.register_programme(pmo, "DIG", "Digital")
        ids = {}
        for code, start, end in (("A", date(2026, 1, 1), date(2026, 6, 30)), ("B", date(2026, 2, 1), date(2026, 3, 31)),
                                 ("C", None, None)):
            ids[code] = projects.register_project(pmo, code, f"Project {code}", programme_id=programme.id,
                                                  start_date=start, end_date=end).id
        value = services.define_criterion(pmo, "VALUE", "Value", 1)
        for code, score, cost, dev in (("A", 5, 600, 80), ("B", 4, 300, 30), ("C", 3, 300, 20)):
            services.score_project(pmo, ids[code], [{"criterion_id": value.id, "score": score, "rationale": "r"}])
            services.estimate_project(pmo, ids[code], cost,
                                      demands=[{"role": "Developer", "period": "2026-02", "amount": dev}])
        services.set_envelope(pmo, 1000, [{"role": "Developer", "period": "2026-02", "amount": 100}])
        milestone = reporting.plan_milestone(pmo, ids["B"], "Pilot", date(2026, 3, 1))
    ids["milestone"] = milestone.id
    return ids


def test_creating_editing_and_discarding_a_scenario_leaves_the_live_ledger_as_it_was(pmo, story):
    before = head(pmo)
    with command_context("pia", "what if"):
        s = scenarios.branch_scenario(pmo, "Cut A", "Without the big one")
        scenarios.change_scenario(pmo, s.id, "drop", project_id=story["A"])
        scenarios.change_scenario(pmo, s.id, "shift", project_id=story["B"], days=31)
        scenarios.change_scenario(pmo, s.id, "budget", budget=800)
        scenarios.change_scenario(pmo, s.id, "capacity", role="Developer", period="2026-03", amount=40)
        scenarios.change_scenario(pmo, s.id, "must_do", project_id=story["C"], must_do=True)
        s = scenarios.withdraw_change(pmo, s.id, "must_do:" + str(story["C"]))
        scenarios.rename_scenario(pmo, s.id, "Cut A, later B")
        assert head(pmo) == before
        compared = evaluate.compare(pmo, book(pmo).scenario(s.id))
        scenarios.discard_scenario(pmo, s.id)
    assert head(pmo) == before
    # The scenario's own events went to its own store, actor and reason on each.
    assert book(pmo).event_count() == 9
    assert compared["live"]["chosen"] == ["A", "C"] and compared["live"]["binding"] == ["budget", "Developer capacity in 2026-02"]
    assert compared["scenario"]["chosen"] == ["B", "C"] and compared["moved_out"] == ["A"]
    assert compared["scenario"]["budget"] == 800
    # B moved a month: its developer demand is now in March, against the scenario's capacity.
    march = next(r for r in compared["capacity"] if r["period"] == "2026-03")
    assert (march["scenario_demand"], march["scenario_capacity"], march["live_demand"]) == (30, 40, 0)
    assert sum(m["live_cost"] for m in compared["months"]) == pytest.approx(600)  # A; C has no dates
    assert compared["unscheduled"] == {"live": 300, "scenario": 300}
    with command_context("pia", "again"), pytest.raises(NotAllowedError):
        scenarios.change_scenario(pmo, s.id, "budget", budget=1)


def test_committing_writes_exactly_the_scenarios_decisions_by_the_committing_user(pmo, story):
    with command_context("pia", "what if"):
        s = scenarios.branch_scenario(pmo, "Plan B")
        for kind, args in (("drop", {"project_id": story["A"]}), ("shift", {"project_id": story["B"], "days": 31}),
                           ("cost", {"project_id": story["C"], "cost": 250.0}), ("budget", {"budget": 900.0}),
                           ("capacity", {"role": "Developer", "period": "2026-03", "amount": 50.0})):
            s = scenarios.change_scenario(pmo, s.id, kind, **args)
    start = pmo.ledger.max_position()
    with command_context("nora", "board approved", "commit-1"):
        with pytest.raises(ConflictError):
            scenarios.commit_scenario(pmo, s.id, expected_version=1)
        assert pmo.ledger.max_position() == start
        done = scenarios.commit_scenario(pmo, s.id, expected_version=s.version)
    written = [e for _, e in pmo.ledger.read_log(after=start)]
    assert Counter(type(e).TOPIC for e in written) == Counter({
        "core.Project.StageChanged": 1, "core.Project.Updated": 1, "core.Milestone.Reforecast": 1,
        "portfolio.Appraisal.Estimated": 2, "portfolio.Envelope.Set": 1})
    assert {(e.actor, e.correlation_id) for e in written} == {("nora", "commit-1")}
    assert all(e.reason == "Scenario 'Plan B': board approved" for e in written)
    assert done.state == "committed" and done.committed_events == 6
    assert core_queries.get_project(pmo, "A")["stage"] == "cancelled"
    b = core_queries.get_project(pmo, "B")
    assert (b["start_date"], b["end_date"]) == (date(2026, 3, 4), date(2026, 5, 1))
    assert core_queries.get_milestone(pmo, story["milestone"])["forecast_date"] == date(2026, 4, 1)
    with command_context("nora", "twice"), pytest.raises(NotAllowedError):
        scenarios.commit_scenario(pmo, s.id)


def test_a_scenario_is_evaluated_on_the_live_portfolio_of_now_and_shows_what_changed_since(pmo, story):
    with command_context("pia", "what if"):
        s = scenarios.branch_scenario(pmo, "Drop C")
        scenarios.change_scenario(pmo, s.id, "drop", project_id=story["C"])
        scenarios.change_scenario(pmo, s.id, "must_do", project_id=story["B"], must_do=True)
    with command_context("saga", "supplier went bust"):
        projects.move_project_to_stage(pmo, story["C"], "cancelled", "Supplier gone")
        services.estimate_project(pmo, story["B"], 350, demands=[{"role": "Developer", "period": "2026-02", "amount": 20}])
    scenario = book(pmo).scenario(s.id)
    changed = evaluate.since_branch(pmo, scenario)
    assert [(c["about"], c["topic"], c["actor"]) for c in changed] == [
        ("C", "core.Project.StageChanged", "saga"), ("B", "portfolio.Appraisal.Estimated", "saga")]
    compared = evaluate.compare(pmo, scenario)
    assert compared["notes"] == ["C is no longer an open project: its drop change does not apply"]
    assert compared["live"]["cost"] == 950  # the live cost of B now, not at the branch


def test_bad_changes_are_refused_with_the_field_named(pmo, story):
    with command_context("pia", "what if"):
        s = scenarios.branch_scenario(pmo, "Bad")
        for kind, args, field in (("shift", {"project_id": story["A"], "days": 0}, "days"),
                                  ("cost", {"project_id": story["A"], "cost": -1.0}, "cost"),
                                  ("capacity", {"role": "Dev", "period": "2026-13", "amount": 1.0}, "period"),
                                  ("drop", {"project_id": None}, "project_id"), ("explode", {}, "kind"),
                                  ("budget", {}, "budget")):
            with pytest.raises(ValidationError) as refused:
                scenarios.change_scenario(pmo, s.id, kind, **args)
            assert refused.value.field == field
        with pytest.raises(ValidationError):
            scenarios.branch_scenario(pmo, "  ")
        with pytest.raises(ValidationError):
            scenarios.commit_scenario(pmo, s.id)  # nothing to commit
    assert book(pmo).scenario(s.id).changes == {}


def test_the_scenario_store_is_never_the_live_table():
    sqlite = scenario_env(parse_store_url("sqlite:///var/x/pmo.sqlite"))
    assert sqlite["SQLITE_DBNAME"].endswith("pmo.scenarios.sqlite")
    assert scenario_env(parse_store_url("memory://"))["PERSISTENCE_MODULE"] == "eventsourcing.popo"


def test_the_scenario_store_closes_with_its_pmo(tmp_path):
    """An organisation evicted from the cache closes its PMO: its scenario store goes too."""
    from plugins.portfolio.scenarios import book as books
    from web.tenancy import open_pmo

    unit = open_pmo(f"sqlite:///{tmp_path}/pmo.sqlite", entry_points=False)
    opened = book(unit)
    assert books._books.get(unit) is opened
    unit.close()
    assert books._books.get(unit) is None
