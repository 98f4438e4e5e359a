"""Auditors browse the ledger page by page; anyone reads an entity's history, field by field."""
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import sample_plugin
from tests.conftest import close_app, make_app
from tests.web.api.conftest import backdated, problem


def _walk(caller, url: str) -> list[dict]:
    """Every event a filtered log lists, following `next` (and checking the Link header)."""
    items, pages = [], 0
    while url:
        answer = caller.get(url)
        assert answer.status_code == 200, answer.get_json()
        page = answer.get_json()
        items += page["items"]
        url, pages = page["next"], pages + 1
        if url:
            assert answer.headers["Link"] == f'<{url}>; rel="next"'
        else:
            assert "Link" not in answer.headers
    return items


def test_paging_through_the_whole_log_sees_each_event_once(timeline, as_, head):
    events = _walk(as_("auditor"), "/api/events?limit=7")
    positions = [e["position"] for e in events]
    assert positions == list(range(head(), 0, -1))  # newest first, none twice, none left out
    first = as_("auditor").get("/api/events?limit=7").get_json()
    assert len(first["items"]) == 7
    assert parse_qs(urlsplit(first["next"]).query) == {"limit": ["7"], "before": [str(positions[6])]}
    # Admins browse it too; the default page is 50.
    assert len(as_("admin").get("/api/events").get_json()["items"]) == min(50, head())


def test_filters_combine_and_stay_in_the_next_link(timeline, as_):
    auditor = as_("auditor")
    by_bo = _walk(auditor, "/api/events?actor=bo&limit=2")
    assert len(by_bo) == 5 and {e["actor"] for e in by_bo} == {"bo"}  # two reports (2 each), a closure
    following = auditor.get("/api/events?actor=bo&limit=2").get_json()["next"]
    assert parse_qs(urlsplit(following).query)["actor"] == ["bo"]
    closed = _walk(auditor, "/api/events?topic=Closed")
    assert {e["topic"] for e in closed} == {"core.Action.Closed"}
    of_p1 = _walk(auditor, f"/api/events?entity_id={timeline['P-1']}&limit=2")
    assert [e["originator_version"] for e in of_p1] == [5, 4, 3, 2, 1]
    assert {e["topic"].split(".")[0] for e in _walk(auditor, "/api/events?plugin=core")} == {"core"}
    assert auditor.get("/api/events?plugin=risk").get_json() == {"items": [], "next": None}
    one_request = auditor.get(f"/api/events?correlation_id={of_p1[0]['correlation_id']}").get_json()
    assert of_p1[0]["position"] in [e["position"] for e in one_request["items"]]


def test_since_and_until_take_dates_and_timestamps(timeline, as_):
    auditor = as_("auditor")
    march_10 = _walk(auditor, "/api/events?since=2025-03-10&until=2025-03-10")
    assert [(e["actor"], e["topic"]) for e in march_10] == [
        ("bo", "core.StatusReport.Published"), ("bo", "core.StatusReport.Drafted")]
    assert all(e["occurred_at"].startswith("2025-03-10T16:00") for e in march_10)
    # A timestamp bound includes events at that very moment.
    exact = _walk(auditor, "/api/events?since=2025-04-15T14:00:00Z&until=2025-04-15T14:00:00Z")
    assert [e["topic"] for e in exact] == ["core.Project.StageChanged"]
    # as_of hides what came later, however far back the pages go.
    as_of = auditor.get("/api/events?as_of=2025-03-01&limit=200")
    limit = int(as_of.headers["X-As-Of-Position"])
    assert max(e["position"] for e in as_of.get_json()["items"]) == limit
    assert {e["occurred_at"][:10] for e in as_of.get_json()["items"] if e["actor"] == "pia"} == {
        "2025-01-15", "2025-03-01"}


@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), ("limit=201", "limit"), ("before=0", "before"), ("since=soon", "since"),
    ("entity_id=P-1", "entity_id"), ("actors=bo", "actors"),
])
def test_bad_filters_are_422_naming_the_field(shared_as, query, field):
    assert list(problem(shared_as("auditor").get(f"/api/events?{query}"), 422)["errors"]) == [field]


@pytest.mark.parametrize("role, status", [("viewer", 403), ("manager", 403), ("pmo", 403), ("anonymous", 401)])
def test_only_auditors_and_admins_browse_the_log(shared_as, role, status):
    problem(shared_as(role).get("/api/events"), status)


def test_history_says_who_changed_which_field_and_why(app, as_, projects):
    manager = as_("manager")
    report = manager.post("/api/status-reports", json={
        "project_id": projects["P-OWN"], "period_start": "2026-03-01", "period_end": "2026-03-31",
        "overall": "amber", "schedule": "amber", "cost": "green", "scope": "green"}).get_json()
    revised = manager.patch(f"/api/status-reports/{report['id']}", json={"overall": "red"},
                            headers={"X-Reason": "supplier delay"})
    assert revised.status_code == 200
    history = as_("viewer").get(f"/api/entities/{report['id']}/history")
    assert history.status_code == 200
    newest, created = history.get_json()
    assert newest["summary"] == "overall amber -> red by manager-user: supplier delay"
    assert newest["changes"] == [{"field": "overall", "old": "amber", "new": "red"}]
    assert (newest["actor"], newest["reason"], newest["topic"]) == (
        "manager-user", "supplier delay", "core.StatusReport.Revised")
    assert created["created"] and created["summary"].startswith("created (core.StatusReport.Drafted)")
    assert created["position"] < newest["position"] and created["occurred_at"].endswith("+00:00")


def test_history_as_of_ends_then(timeline, as_):
    viewer = as_("viewer")
    now = viewer.get(f"/api/entities/{timeline['P-1']}/history").get_json()
    assert now[0]["summary"] == "stage active -> closed; gate decision ok -> Handed over to operations " \
                                "by pia: handed over"
    then = viewer.get(f"/api/entities/{timeline['P-1']}/history?as_of=2025-03-12")
    position = int(then.headers["X-As-Of-Position"])
    assert [e["position"] for e in then.get_json()] == [e["position"] for e in now if e["position"] <= position]
    assert then.get_json()[-1]["created"] and len(then.get_json()) < len(now)


class TestAPluginsEntities:
    """A plugin's entities have histories too; so does what has no read model of its own."""

    @pytest.fixture
    def app(self):
        app = make_app(PMO_EXTRA_PLUGINS=[sample_plugin])
        yield app
        close_app(app)

    def test_a_note_and_the_settings_have_histories(self, app, as_, projects):
        from core.domain.settings import Settings
        from core.services.plugins import enable_plugin

        with backdated(app, "admin-user", "2026-01-05T09:00", "start keeping notes") as pmo:
            enable_plugin(pmo, "notes")
            note = sample_plugin.write_note(pmo, uuid.UUID(projects["P-OWN"]), "Sponsor wants a demo")
        viewer = as_("viewer")
        [written] = viewer.get(f"/api/entities/{note.id}/history").get_json()
        assert written["summary"] == "created (notes.Note.Written) by admin-user: start keeping notes"
        # Settings have no table of their own: their history comes from the log, without fields.
        enabled, created = viewer.get(f"/api/entities/{Settings.create_id()}/history").get_json()
        assert enabled["summary"] == "core.Settings.PluginEnabled by admin-user: start keeping notes"
        assert (enabled["changes"], created["created"]) == ([], True)
        problem(viewer.get(f"/api/entities/{note.id}/history?as_of=2026-01-04"), 404)
