"""The maturity model and the self-assessment: where a PMO stands, how it grew, what next."""
from datetime import datetime, timezone

import pytest

from core.asof import position_at
from core.domain.errors import ValidationError
from core.domain.maturity import MaturityProfile
from core.maturity import (
    DOMAINS, LEVELS, PLANNED, QUESTION_BY_KEY, QUESTIONS, check_answers, domain_levels, recommend,
)
from core.plugins import PluginInfo
from core.services import maturity, plugins
from events.context import command_context

SPREADSHEET_PMO = {"status_reporting": "monthly", "risks": "spreadsheet"}


def info(name, level=2, domain="project", depends=(), addresses=None, title=None):
    return PluginInfo(name=name, title=title or name.title(), maturity_level=level, domain=domain,
                      depends=tuple(depends), addresses=addresses or {})


# --- the model ------------------------------------------------------------------------------

def test_five_levels_and_about_five_questions_per_domain_each_answer_at_a_level():
    assert [level.number for level in LEVELS] == [1, 2, 3, 4, 5]
    assert all(set(level.meaning) == set(DOMAINS) for level in LEVELS)
    for domain in DOMAINS:
        questions = [q for q in QUESTIONS if q.domain == domain]
        assert 4 <= len(questions) <= 6, domain
    for question in QUESTIONS:
        levels = [o.level for o in question.options]
        assert levels == sorted(levels) and levels[0] == 1 and max(levels) <= 5, question.key
        assert len({o.key for o in question.options}) == len(question.options), question.key


def test_a_domain_is_at_the_level_most_of_its_answers_reach():
    # Project answers at levels 1, 2, 2, 3 and 4: the lower median is 2.
    answers = {"status_reporting": "standard", "risks": "spreadsheet", "planning": "milestones",
               "decisions": "email", "people": "balanced", "benefits": "measured"}
    assert domain_levels(answers) == {"project": 2, "programme": 4, "portfolio": None}
    assert domain_levels({"risks": "none", "status_reporting": "improving"}) == {
        "project": 1, "programme": None, "portfolio": None}


@pytest.mark.parametrize("answers, field", [
    ({}, "answers"), ({"vibes": "good"}, "vibes"), ({"risks": "excel"}, "risks"), ({"risks": 2}, "risks"),
])
def test_answers_must_name_questions_and_their_options(answers, field):
    with pytest.raises(ValidationError) as refused:
        check_answers(answers)
    assert refused.value.field == field


# --- the recommendation ----------------------------------------------------------------------

def test_answers_call_for_the_plugins_that_fix_them_with_the_reason():
    catalogue = {"risk": info("risk", 2, "project", title="Risk register")}
    (rec,) = recommend(SPREADSHEET_PMO, domain_levels(SPREADSHEET_PMO), catalogue, enabled=[])
    assert (rec.plugin, rec.title, rec.level, rec.domain) == ("risk", "Risk register", 2, "project")
    assert "In a spreadsheet or a document per project" in rec.reasons[0]
    assert "one register for every project" in rec.reasons[0]
    assert recommend(SPREADSHEET_PMO, domain_levels(SPREADSHEET_PMO), catalogue, enabled=["risk"]) == []


def test_plugins_within_reach_of_a_level_are_recommended_those_beyond_it_are_not():
    catalogue = {"notes": info("notes", 1), "gates": info("gates", 3), "forecasting": info("forecasting", 4),
                 "roadmap": info("roadmap", 2, "portfolio")}
    recs = recommend(SPREADSHEET_PMO, domain_levels(SPREADSHEET_PMO), catalogue, enabled=[])
    assert [r.plugin for r in recs] == ["notes", "gates"]  # project is at 2; portfolio not assessed
    assert "level 3 plugin is your next step" in recs[1].reasons[0]
    assert "consolidates where you are" in recs[0].reasons[0]


def test_third_party_plugins_declare_the_answers_they_fix_and_dependencies_come_along():
    catalogue = {"ledgerbook": info("ledgerbook", 3, "portfolio", title="Cost book"),
                 "budget": info("budget", 3, "portfolio", depends=["ledgerbook"],
                                addresses={"costs": ("spreadsheet",)}, title="Budgets")}
    answers = {"costs": "spreadsheet"}
    rec, then = recommend(answers, domain_levels(answers), catalogue, enabled=[])
    assert rec.plugin == "budget" and rec.needs == ("ledgerbook",)
    assert then.plugin == "ledgerbook" and "your next step" in then.reasons[0]  # answers first, then levels
    assert "“In a spreadsheet per project”" in rec.reasons[0] and "Budgets" in rec.reasons[0]


def test_planned_built_ins_are_only_recommended_once_installed():
    answers = {"benefits": "unknown", "lessons": "lost", "overview": "list", "people": "spreadsheet"}
    assert recommend(answers, domain_levels(answers), {}, enabled=[]) == []
    catalogue = {p.name: info(p.name, p.maturity_level, p.domain) for p in PLANNED}
    recommended = {r.plugin for r in recommend(answers, domain_levels(answers), catalogue, enabled=[])}
    assert {"benefits", "knowledge", "portfolio", "resources"} <= recommended


# --- done when: a fresh install, and a PMO that keeps its risks in a spreadsheet ----------------

def test_a_fresh_install_runs_the_core_only_and_a_spreadsheet_pmo_is_recommended_the_risk_plugin(pmo):
    assert "risk" in pmo.plugins and pmo.enabled_plugins() == []
    assert maturity.current_profile(pmo) is None and maturity.recommendations(pmo) == []

    # "We report status monthly and track risks in a spreadsheet."
    with command_context("tove", "first self-assessment"):
        maturity.assess_maturity(pmo, SPREADSHEET_PMO)
    recs = maturity.recommendations(pmo)
    assert recs[0].plugin == "risk"
    assert recs[0].reasons[0].startswith("“How do you keep track of risks?” You answered: “In a spreadsheet")

    with command_context("tove", "risks out of the spreadsheet"):
        plugins.enable_plugin(pmo, "risk")
    assert "risk" not in [r.plugin for r in maturity.recommendations(pmo)]


def test_each_assessment_is_an_event_so_the_history_shows_growth(pmo):
    march = datetime(2025, 3, 1, 9, tzinfo=timezone.utc)
    with command_context("tove", "where do we stand?", occurred_at=march):
        maturity.assess_maturity(pmo, {"status_reporting": "monthly", "risks": "none", "programmes": "no"})
    with command_context("saga", "a year of the risk register", occurred_at=march.replace(year=2026)):
        profile = maturity.assess_maturity(pmo, {"status_reporting": "standard", "risks": "register",
                                                 "programmes": "governed"})
    assert profile.id == MaturityProfile.create_id() and profile.assessments == 2

    history = maturity.maturity_history(pmo)
    assert [(h["actor"], h["reason"], h["levels"]["project"], h["levels"]["programme"]) for h in history] == [
        ("tove", "where do we stand?", 1, 1), ("saga", "a year of the risk register", 3, 3)]
    assert history[1]["answers"]["risks"] == "register" and history[1]["model_version"] == 1
    events = pmo.ledger.read_batch(after=0, limit=10)
    assert [type(e).TOPIC for _, e in events] == [
        "core.MaturityProfile.Started", "core.MaturityProfile.Assessed", "core.MaturityProfile.Assessed"]

    # As of the summer of 2025 the profile was the first one.
    summer = position_at(pmo, datetime(2025, 7, 1, tzinfo=timezone.utc))
    assert maturity.current_profile(pmo, summer)["levels"]["project"] == 1
    assert len(maturity.maturity_history(pmo, summer)) == 1


def test_a_refused_assessment_writes_nothing(pmo):
    with command_context("tove"), pytest.raises(ValidationError):
        maturity.assess_maturity(pmo, {"risks": "excel"})
    assert pmo.ledger.max_position() == 0


def test_what_the_next_level_adds_per_domain():
    from core.plugins import make_plugin_manager
    from core.pmo import PMO
    from plugins.risk import hooks as risk_hooks

    pmo = PMO("memory://", make_plugin_manager([risk_hooks], entry_points=False))  # only risk installed
    with command_context("tove"):
        maturity.assess_maturity(pmo, {**SPREADSHEET_PMO, "selection": "criteria"})
    steps = {s.domain: s for s in maturity.next_steps(pmo)}
    assert (steps["project"].level, steps["project"].next.number) == (2, 3)
    assert steps["programme"].level is None and steps["programme"].next is None
    assert {p.name: p.state for p in steps["portfolio"].plugins} == {
        p.name: "not installed" for p in PLANNED if (p.maturity_level, p.domain) == (4, "portfolio")}
    grid = maturity.plugins_by_level(pmo)
    assert [(p.name, p.state) for p in grid[2]["project"]] == [("risk", "disabled")]
    assert QUESTION_BY_KEY["risks"].domain == "project"
    pmo.close()
