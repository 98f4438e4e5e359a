"""Scenarios through the services and the read models: ranked search on every store, lessons
suggested to a project of their kind, template versions, and the contract with governance."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import queries as core_queries
from core.domain.errors import ConflictError, NotAllowedError, ValidationError
from core.services import projects
from events.context import command_context
from plugins.knowledge import queries, services
from tests.plugins.knowledge.conftest import SMALL, library


@pytest.fixture
def store_pmo(store_url):
    from core.services.plugins import enable_plugin
    from web.tenancy import open_pmo

    pmo = open_pmo(store_url, entry_points=False)
    with command_context("setup", "test fixture"):
        enable_plugin(pmo, "knowledge")
    yield pmo
    pmo.close()


def titles(rows) -> list[str]:
    return [r["title"] for r in rows]


def test_a_word_in_the_text_finds_the_lesson_and_the_better_match_ranks_first(store_pmo):
    ids = library(store_pmo)
    # "supplier" is in the first lesson's title, tags and story, and only once in the second's story.
    found = queries.list_lessons(store_pmo, q="supplier")
    assert titles(found) == ["Supplier delivered late", "Budget overrun"]
    assert [r["rank"] for r in found] == [1, 2]
    # A word only in the story finds it; stemming: "deliveries" finds "delivered"/"deliveries".
    assert titles(queries.list_lessons(store_pmo, q="Friday")) == ["Weekly demos"]
    assert titles(queries.list_lessons(store_pmo, q="deliveries")) == ["Supplier delivered late"]
    # Every word must be there; the last one also as a prefix.
    assert titles(queries.list_lessons(store_pmo, q="supplier index")) == ["Budget overrun"]
    assert titles(queries.list_lessons(store_pmo, q="budg")) == ["Budget overrun"]
    # Filters narrow the ranked list; query syntax in the input is only words.
    assert titles(queries.list_lessons(store_pmo, q="supplier", category="finance")) == ["Budget overrun"]
    assert titles(queries.list_lessons(store_pmo, q="supplier", tag="supplier")) == ["Supplier delivered late"]
    assert queries.list_lessons(store_pmo, q='supplier" OR NEAR(*') == []
    # An edit is found by its new words, and no longer by the old ones; as of before it, the old.
    before = store_pmo.ledger.max_position()
    with command_context("pmo-user", "clearer"):
        services.revise_lesson(store_pmo, ids["other"], title="Friday showcases")
    assert titles(queries.list_lessons(store_pmo, q="showcases")) == ["Friday showcases"]
    assert queries.list_lessons(store_pmo, q="weekly") == []
    assert titles(queries.list_lessons(store_pmo, q="weekly", at=before)) == ["Weekly demos"]
    # A rebuild of the read models rebuilds the index with them.
    store_pmo.rebuild()
    assert titles(queries.list_lessons(store_pmo, q="supplier")) == ["Supplier delivered late", "Budget overrun"]


def test_a_new_project_with_a_matching_category_sees_endorsed_lessons_suggested(unit):
    pmo, own = unit
    ids = library(pmo)
    with command_context("pmo-user", "standard"):
        template = services.define_template(pmo, "Small IT", **SMALL)
        project = services.project_from_template(pmo, template.id, "P-NEW", "New project", date(2026, 1, 5))
    suggested = queries.suggestions(pmo, project.id)
    # Same category and a shared tag (3) before a shared tag only (1); the unendorsed one never.
    assert [s["id"] for s in suggested] == [ids["strong"], ids["weak"]]
    assert suggested[0]["same_category"] and suggested[0]["shared_tags"] == ["contract"]
    # Retired: no longer suggested.
    with command_context("pmo-user", "no longer true"):
        services.retire_lesson(pmo, ids["weak"], "The index clause is gone from our contracts.")
    assert [s["id"] for s in queries.suggestions(pmo, project.id)] == [ids["strong"]]
    # A project without a profile gets nothing until the PMO sets its category and tags.
    assert queries.suggestions(pmo, own) == []
    with command_context("pmo-user", "profiled"):
        services.profile_project(pmo, own, "stakeholders", "users")
    assert queries.suggestions(pmo, own) == []  # the only match is not endorsed yet
    with command_context("pmo-user", "worth passing on"):
        services.endorse_lesson(pmo, ids["other"])
    assert [s["id"] for s in queries.suggestions(pmo, own)] == [ids["other"]]


def test_project_from_template_writes_everything_in_one_transaction_as_the_user(unit):
    pmo, _ = unit
    with command_context("pmo-user", "standard"):
        template = services.define_template(pmo, "Small IT", **SMALL)
    head = pmo.ledger.max_position()
    with command_context("lena", "new kiosk project", "corr-kiosk"):
        project = services.project_from_template(pmo, template.id, "P-KIOSK", "Kiosk", date(2026, 3, 2),
                                                 manager="lena")
    records = pmo.ledger.read_batch(after=head, limit=100)
    assert [type(e).TOPIC for _, e in records] == [
        "core.Project.Registered", "core.Milestone.Planned", "core.Milestone.Planned", "core.Action.Assigned",
        "knowledge.ProjectProfile.Created"]
    assert {(e.actor, e.correlation_id) for _, e in records} == {("lena", "corr-kiosk")}
    milestones = core_queries.list_milestones(pmo, project.id)
    assert sorted((m["name"], m["baseline_date"]) for m in milestones) == [
        ("Go-live", date(2026, 3, 2) + timedelta(days=90)), ("Kick-off", date(2026, 3, 2))]
    actions = core_queries.list_actions(pmo, project.id)
    assert [(a["title"], a["owner"], a["due_date"]) for a in actions] == [("Write the brief", "lena", date(2026, 3, 9))]
    # A refusal writes nothing: the code is taken, or the start date missing.
    head = pmo.ledger.max_position()
    with command_context("lena", "again"), pytest.raises(ConflictError):
        services.project_from_template(pmo, template.id, "P-KIOSK", "Kiosk", date(2026, 3, 2))
    with command_context("lena", "again"), pytest.raises(ValidationError) as refused:
        services.project_from_template(pmo, template.id, "P-KIOSK2", "Kiosk", None)
    assert refused.value.field == "start_date" and pmo.ledger.max_position() == head


def test_a_project_made_from_v1_keeps_v1_when_the_template_moves_to_v2(unit):
    pmo, _ = unit
    with command_context("pmo-user", "standard"):
        template = services.define_template(pmo, "Small IT", **SMALL)
        old = services.project_from_template(pmo, template.id, "P-V1", "From v1", date(2026, 1, 5))
    v1_at = pmo.ledger.max_position()
    with command_context("pmo-user", "lessons from P-V1"):
        services.revise_template(pmo, template.id, checklists={"approved": ["Brief signed", "Budget confirmed"]},
                                 milestones=[*SMALL["milestones"], {"name": "Closure", "offset_days": 120}],
                                 gate_reviews_required=False)
        new = services.project_from_template(pmo, template.id, "P-V2", "From v2", date(2026, 2, 2))
        # Saving what is already there is no new version.
        services.revise_template(pmo, template.id, name="Small IT")
    assert queries.get_template(pmo, template.id)["number"] == 2
    assert [v["number"] for v in queries.template_versions_of(pmo, template.id)] == [2, 1]
    old_t, new_t = queries.project_template(pmo, old.id), queries.project_template(pmo, new.id)
    assert old_t == {"template_id": template.id, "template_name": "Small IT", "version": 1,
                     "gate_reviews_required": True,
                     "checklists": {"approved": ["Brief signed"], "active": ["Team named"],
                                    "closed": ["Lessons recorded"]}}
    assert new_t["version"] == 2 and new_t["gate_reviews_required"] is False
    assert new_t["checklists"]["approved"] == ["Brief signed", "Budget confirmed"]
    assert len(core_queries.list_milestones(pmo, old.id)) == 2 and len(core_queries.list_milestones(pmo, new.id)) == 3
    # The contract: None for a project not made from a template, and before the project existed.
    with command_context("setup", "plain project"):
        plain = projects.register_project(pmo, "P-PLAIN", "Plain")
    assert queries.project_template(pmo, plain.id) is None
    assert queries.project_template(pmo, new.id, at=v1_at) is None
    assert queries.project_template(pmo, old.id, at=v1_at)["version"] == 1
    # A user who looked at v1 and submits after v2 is told so, and nothing is made.
    with command_context("pmo-user", "stale"), pytest.raises(ConflictError):
        services.project_from_template(pmo, template.id, "P-STALE", "Stale", date(2026, 3, 1), version=1)
    assert core_queries.get_project(pmo, "P-STALE") is None


def test_lessons_are_endorsed_retired_and_refused_when_bad(unit):
    pmo, own = unit
    with command_context("manager-user", "closure workshop"):
        lesson = services.record_lesson(pmo, "Pilot first", "The pilot found hidden rules.", "repeat",
                                        "Pilot with one department", " Scope ", "Pilot, GO-LIVE, pilot", "closed", own)
    row = queries.get_lesson(pmo, lesson.id)
    assert (row["category"], row["tags"], row["status"], row["project_code"]) == (
        "scope", ["pilot", "go-live"], "proposed", "P-OWN")
    with command_context("pmo-user", "good one"):
        services.endorse_lesson(pmo, lesson.id, "Passed on to the PMO network")
        with pytest.raises(NotAllowedError):
            services.endorse_lesson(pmo, lesson.id)
        with pytest.raises(ValidationError) as no_reason:
            services.retire_lesson(pmo, lesson.id, " ")
        assert no_reason.value.field == "note"
        services.retire_lesson(pmo, lesson.id, "Superseded")
        with pytest.raises(NotAllowedError):
            services.revise_lesson(pmo, lesson.id, title="Edited")
        with pytest.raises(ConflictError):
            services.revise_lesson(pmo, lesson.id, expected_version=1, title="Edited")
    assert queries.get_lesson(pmo, lesson.id)["status"] == "retired"
    with command_context("pmo-user", "bad"):
        for kwargs, field in ((dict(kind="maybe"), "kind"), (dict(title=" "), "title"),
                              (dict(category=""), "category"), (dict(stage="later"), "stage")):
            values = {**dict(title="T", what_happened="W", kind="avoid", recommendation="R", category="c"), **kwargs}
            with pytest.raises(ValidationError) as bad:
                services.record_lesson(pmo, **values)
            assert bad.value.field == field
    counts = queries.lessons_per_category(pmo)
    assert counts == []  # the only lesson is retired


def test_template_content_is_checked(unit):
    pmo, _ = unit
    with command_context("pmo-user", "bad templates"):
        for kwargs, field in ((dict(milestones=[{"name": "X", "offset_days": -1}]), "milestones"),
                              (dict(actions=[{"title": "", "offset_days": 3}]), "actions"),
                              (dict(checklists={"someday": ["x"]}), "checklists"),
                              (dict(recommended_plugins=["nope"]), "recommended_plugins")):
            with pytest.raises(ValidationError) as bad:
                services.define_template(pmo, "T", **kwargs)
            assert bad.value.field == field
        with pytest.raises(ValidationError):
            services.define_template(pmo, "  ")
