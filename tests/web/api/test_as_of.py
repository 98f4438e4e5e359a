"""Every read can look back: ?as_of= shows the state at that moment, closed and cancelled too."""
import re

import pytest

from core.asof import resolve_as_of
from tests.web.api.conftest import etag, plugin_rule, problem
from web.tenancy import current_pmo

# Reads that show state; /api/me is who you are now, /api/audit/* checks the ledger itself.
# Scenarios are hypothetical, outside the ledger, and always evaluated on the live portfolio
# of now (plugins/portfolio/scenarios): there is no past to ask them about.
NOT_DATED = ("/api/me", "/api/audit/", "/api/docs", "/api/openapi", "/api/portfolio/scenarios")


def _position(app, as_of: str) -> int:
    with app.app_context():
        return resolve_as_of(current_pmo(), as_of)[1]


def test_a_project_closed_since_shows_open_with_its_report_then(timeline, as_, app):
    viewer = as_("viewer")
    then = viewer.get("/api/projects/P-1?as_of=2025-03-12")
    assert then.status_code == 200
    project = then.get_json()
    assert (project["stage"], project["overall"], project["progress_pct"], project["last_report"]) == (
        "active", "amber", 40, "2025-02-28")
    # The answer says which ledger position it shows, and carries the version of that time.
    assert then.headers["X-As-Of-Position"] == str(_position(app, "2025-03-12"))
    assert etag(then) == '"4"'
    # Today it is closed, with the red March report.
    now = viewer.get(f"/api/projects/{timeline['P-1']}")
    assert (now.get_json()["stage"], now.get_json()["overall"], etag(now)) == ("closed", "red", '"5"')
    assert "X-As-Of-Position" not in now.headers
    # A timestamp works too: a second before the February report was filed, there was none.
    before_report = viewer.get("/api/projects/P-1?as_of=2025-03-10T15:59:59Z").get_json()
    assert before_report["stage"] == "active" and before_report["overall"] is None
    # Its gates as of then; the closure came later.
    gates = viewer.get("/api/projects/P-1/stage-history?as_of=2025-03-12").get_json()
    assert [g["stage"] for g in gates] == ["proposed", "approved", "active"]
    assert len(viewer.get("/api/projects/P-1/stage-history").get_json()) == 4


def test_before_a_project_existed_it_is_not_found(timeline, as_):
    viewer = as_("viewer")
    missing = viewer.get("/api/projects/P-1?as_of=2025-02-01")
    assert "as of 2025-02-01" in problem(missing, 404)["detail"]
    assert missing.headers["X-As-Of-Position"].isdigit()
    problem(viewer.get(f"/api/projects/{timeline['P-1']}/stage-history?as_of=2025-02-01"), 404)
    problem(viewer.get(f"/api/entities/{timeline['P-1']}/history?as_of=2025-02-01"), 404)
    problem(viewer.get(f"/api/status-reports/{timeline['R-MAR']}?as_of=2025-03-31"), 404)
    problem(viewer.get("/api/portfolio?as_of=2025-01-14"), 404)
    assert viewer.get("/api/portfolio?as_of=2025-01-15").get_json()["name"] == "Group PMO"
    assert viewer.get("/api/projects?as_of=2025-02-01").get_json() == []


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "12/03/2026", "2026-03-12T25:00"])
def test_a_bad_as_of_is_422_naming_as_of(timeline, as_, bad):
    for url in ("/api/projects", "/api/projects/P-1", "/api/projects/P-1/stage-history",
                f"/api/entities/{timeline['P-1']}/history", "/api/events", "/api/plugins"):
        answer = as_("auditor").get(url, query_string={"as_of": bad})
        assert list(problem(answer, 422)["errors"]) == ["as_of"], url


def test_an_as_of_list_includes_a_project_cancelled_since(timeline, as_):
    viewer = as_("viewer")
    listed = viewer.get("/api/projects?as_of=2025-04-01").get_json()
    assert [(p["code"], p["stage"]) for p in listed] == [("P-1", "active"), ("P-2", "proposed")]
    assert [p["code"] for p in viewer.get("/api/projects?stage=proposed&as_of=2025-04-01").get_json()] == ["P-2"]
    # Now P-2 is cancelled and P-1 closed.
    assert viewer.get("/api/projects?stage=proposed").get_json() == []
    assert [p["stage"] for p in viewer.get("/api/projects").get_json()] == ["closed", "cancelled"]
    # The RAG filter looks at the report current then.
    assert [p["code"] for p in viewer.get("/api/projects?rag=amber&as_of=2025-03-31").get_json()] == ["P-1"]


def test_actions_are_overdue_as_of_that_day(timeline, as_):
    viewer, action = as_("viewer"), timeline["A1"]
    assert [a["overdue"] for a in viewer.get("/api/actions?as_of=2025-03-15").get_json()] == [False]
    late = viewer.get(f"/api/actions/{action}?as_of=2025-03-25")
    assert (late.get_json()["status"], late.get_json()["overdue"], etag(late)) == ("open", True, '"1"')
    assert [a["id"] for a in viewer.get("/api/actions?overdue=true&as_of=2025-03-25").get_json()] == [action]
    # It was done on 1 April: not overdue then, nor now.
    done = viewer.get(f"/api/actions/{action}").get_json()
    assert (done["status"], done["overdue"]) == ("done", False)
    assert viewer.get("/api/actions?overdue=true").get_json() == []


def test_superseded_decisions_and_later_reports_as_they_were(timeline, as_):
    viewer = as_("viewer")
    then = viewer.get("/api/decisions?as_of=2025-04-30").get_json()
    assert [(d["title"], d["superseded_by"]) for d in then] == [("Use vendor A", None)]
    superseded = viewer.get(f"/api/decisions/{timeline['D1']}").get_json()
    assert superseded["superseded_by"] == timeline["D2"]
    reports = viewer.get(f"/api/status-reports?project_id={timeline['P-1']}&as_of=2025-03-12").get_json()
    assert [r["overall"] for r in reports] == ["amber"]
    assert len(viewer.get(f"/api/status-reports?project_id={timeline['P-1']}").get_json()) == 2
    assert viewer.get("/api/milestones?as_of=2025-03-04").get_json() == []
    assert [m["name"] for m in viewer.get("/api/milestones?as_of=2025-03-05").get_json()] == ["Go-live"]
    assert len(viewer.get("/api/programmes?as_of=2025-01-15").get_json()) == 1


def _dated_reads(app, timeline, people):
    """Every GET under /api that shows state, with its parameters filled with real values."""
    values = {"key": "P-1", "entity_id": timeline["P-1"], "action_id": timeline["A1"],
              "decision_id": timeline["D1"], "milestone_id": timeline["M1"],
              "report_id": timeline["R-FEB"], "programme_id": timeline["PR-1"], "name": "none",
              "token_id": "none"}
    for rule in app.url_map.iter_rules():
        if plugin_rule(app, rule):  # each plugin's: tests/plugins/<name>/
            continue
        if "GET" in rule.methods and rule.rule.startswith("/api") and not rule.rule.startswith(NOT_DATED):
            url = rule.rule.replace("/users/<key>", f"/users/{people['admin']['username']}")
            yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)


def test_every_read_takes_as_of_and_says_which_position_it_shows(app, timeline, as_, people, client):
    admin = as_("admin")
    reads = list(_dated_reads(app, timeline, people))
    assert len(reads) >= 20
    for url in reads:
        answer = admin.get(url, query_string={"as_of": "2025-03-12"})
        assert answer.status_code in (200, 404), (url, answer.get_json())
        assert answer.headers["X-As-Of-Position"].isdigit(), url
        assert list(problem(admin.get(url, query_string={"as_of": "soon"}), 422)["errors"]) == ["as_of"]
    # ... and each documents it.
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path, operations in paths.items():
        if "get" in operations and not path.startswith(NOT_DATED):
            get = operations["get"]
            assert "as_of" in [p["name"] for p in get["parameters"]], path
            assert "X-As-Of-Position" in get["responses"]["200"]["headers"], path
