"""Auditors verify the ledger, download exports that verify offline, and change nothing."""
import json
import re
import sqlite3
from datetime import date

import jsonschema
import pytest

from core import queries
from core.services import logs, portfolio, reporting
from events.context import command_context
from events.export import verify_export
from tests.conftest import close_app, make_app
from tests.web.api.conftest import plugin_rule, problem
from web.tenancy import current_pmo

AUDIT_READS = ("/api/events", "/api/audit/verify", "/api/audit/export", "/api/audit/public-key")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _key(as_) -> str:
    answer = as_("auditor").get("/api/audit/public-key")
    assert answer.status_code == 200
    assert answer.get_json()["algorithm"] == "Ed25519"
    return answer.get_json()["public_key"]


def _export(as_, query: str = "") -> tuple[str, object]:
    answer = as_("auditor").get(f"/api/audit/export{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True), answer


def test_a_clean_ledger_verifies(as_, projects, head):
    verdict = as_("auditor").get("/api/audit/verify")
    assert verdict.status_code == 200
    assert verdict.get_json() == {"ok": True, "checked": head(), "head": verdict.get_json()["head"],
                                  "position": None, "problem": "", "public_key": _key(as_)}
    assert re.fullmatch(r"[0-9a-f]{64}", verdict.get_json()["head"])
    assert as_("admin").get("/api/audit/verify").get_json()["ok"] is True


def test_the_downloaded_export_verifies_offline_and_an_edited_copy_does_not(as_, projects, head):
    key = _key(as_)
    text, answer = _export(as_)
    assert answer.content_type == "application/x-ndjson"
    assert answer.headers["Content-Disposition"] == f"attachment; filename=pmo-ledger-1-{head()}.jsonl"
    verdict = verify_export(text, key)
    assert verdict.ok and verdict.checked == head()
    # Rename a project in the file: the chain no longer matches, at that record.
    registered = next(json.loads(line) for line in text.splitlines() if "Own project" in line)
    edited = verify_export(text.replace("Own project", "Our project"), key)
    assert (edited.ok, edited.position) == (False, registered["position"])
    assert "altered" in edited.problem
    # Leaving a record out is caught too.
    lines = text.splitlines(keepends=True)
    assert not verify_export("".join(lines[:3] + lines[4:]), key).ok


def test_a_csv_export_verifies_as_well(as_, projects, head):
    key = _key(as_)
    text, answer = _export(as_, "?format=csv")
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].endswith(f"pmo-ledger-1-{head()}.csv")
    assert text.startswith("kind,") and verify_export(text, key).checked == head()
    assert not verify_export(text.replace("Other project", "Another one"), key).ok


def test_an_export_of_positions_or_of_days(timeline, as_, head):
    key = _key(as_)
    text, _ = _export(as_, "?from=3&to=5")
    rows = [json.loads(line) for line in text.splitlines()]
    assert (rows[0]["from"], rows[0]["to"]) == (3, 5)
    assert [r["position"] for r in rows if r["kind"] == "record"] == [3, 4, 5]
    assert verify_export(text, key).ok
    # A date "from" starts with that day, a date "to" ends with it: 10 March is one report.
    day, _ = _export(as_, "?from=2025-03-10&to=2025-03-10")
    records = [json.loads(line) for line in day.splitlines() if '"kind":"record"' in line]
    assert [r["topic"] for r in records] == ["core.StatusReport.Drafted", "core.StatusReport.Published"]
    assert verify_export(day, key).checked == 2
    # "to" past the head stops at the head.
    rest, _ = _export(as_, "?from=2&to=100000")
    assert json.loads(rest.splitlines()[0])["to"] == head() and verify_export(rest, key).ok
    nothing = as_("auditor").get("/api/audit/export?from=2025-04-16&to=2025-04-20")
    assert "nothing to export" in problem(nothing, 422)["errors"]["from"][0]


@pytest.mark.parametrize("query, field", [
    ("format=xml", "format"), ("from=0", "from"), ("from=soon", "from"), ("to=2025-02-30", "to"),
    ("as_of=2025-03-01", "as_of"),
])
def test_bad_export_arguments_are_422_naming_them(shared_as, query, field):
    assert list(problem(shared_as("auditor").get(f"/api/audit/export?{query}"), 422)["errors"]) == [field]


@pytest.mark.parametrize("role, status", [
    ("viewer", 403), ("manager", 403), ("pmo", 403), ("anonymous", 401), ("admin", 200), ("auditor", 200),
])
def test_only_auditors_and_admins_audit(shared_as, role, status):
    for url in AUDIT_READS:  # reads only: one app for the module (shared_as)
        answer = shared_as(role).get(url)
        assert answer.status_code == status, (role, url)
        if status != 200:
            problem(answer, status)


# --- an auditor reads everything and writes nothing --------------------------------------

def _resolve(document: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _value(name: str, spec: dict, ids: dict):
    if "enum" in spec:
        return spec["enum"][0]
    kind, fmt = spec.get("type"), spec.get("format")
    if fmt == "uuid":
        return ids.get(name, ids["project_id"])
    if fmt == "date":
        return "2026-06-01"
    if kind == "integer":
        return spec.get("minimum", 0)
    if kind == "boolean":
        return True
    if kind == "object":  # a map, such as a self-assessment's answers
        return {}
    text = f"{name}-by-auditor".lower()
    if fmt == "email":
        return "auditor@example.org"
    return text.ljust(spec.get("minLength", 0), "x")[:spec.get("maxLength", 100)]


def _valid_body(document: dict, operation: dict, ids: dict) -> dict | None:
    """A body the request schema accepts: its required fields, else its first field, and a reason."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = _resolve(document, content["schema"])
    properties = schema.get("properties", {})
    names = schema.get("required") or [n for n in properties if n != "reason"][:1]
    body = {name: _value(name, properties[name], ids) for name in names}
    if "reason" in properties:
        body["reason"] = "trying my luck"
    jsonschema.validate(body, {**schema, "components": document["components"]})
    return body


def _setup_one_of_each(app) -> dict:
    """Open items of every kind, so each write would have something real to change."""
    from core.services.projects import register_project

    with app.app_context(), command_context("setup", "things an auditor might try to change"):
        pmo = current_pmo()
        project = register_project(pmo, "P-AUDIT", "Audited", manager="manager-user")
        d1 = logs.record_decision(pmo, "First", "A", "board", date(2026, 1, 5), project_id=project.id)
        d2 = logs.record_decision(pmo, "Second", "B", "board", date(2026, 2, 5), project_id=project.id)
        viewer = queries.get_user(pmo, "viewer-user")
        return {
            "key": "P-AUDIT", "project_id": str(project.id), "by": str(d2.id), "decision_id": str(d1.id),
            "programme_id": str(portfolio.register_programme(pmo, "PR-A", "Audited").id),
            "action_id": str(logs.assign_action(pmo, "Do it", "bo", project_id=project.id).id),
            "milestone_id": str(reporting.plan_milestone(pmo, project.id, "Go-live", date(2026, 6, 1)).id),
            "report_id": str(reporting.draft_status_report(
                pmo, project.id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                overall="green", schedule="green", cost="green", scope="green").id),
            "token_id": queries.list_tokens(pmo, viewer["id"])[0]["token_id"], "name": "risk", "kind": "projects",
        }


def test_an_auditor_gets_403_on_every_write_and_the_ledger_stays_as_it_was(app, as_, people, head, client):
    ids = _setup_one_of_each(app)
    document = client.get("/api/openapi.json").get_json()
    auditor, before, tried = as_("auditor"), head(), 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api") or not rule.methods & WRITES:
            continue
        if plugin_rule(app, rule):  # tests/plugins/<name>/ and the permission matrix
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m.group(1)], rule.rule)
        url = url.replace("/users/P-AUDIT", "/users/viewer-user")
        for method in sorted(rule.methods & WRITES):
            body = _valid_body(document, document["paths"][path][method.lower()], ids)
            answer = auditor._send(method, url, json=body, headers={"If-Match": '"1"'})
            assert problem(answer, 403)["detail"] == "your role does not allow this", (method, url, body)
            tried += 1
    assert tried >= 25
    assert head() == before
    # Reading, all but user administration is open to them.
    for url in ("/api/projects/P-AUDIT", "/api/actions", f"/api/entities/{ids['project_id']}/history",
                *AUDIT_READS):
        assert auditor.get(url).status_code == 200, url


class TestATamperedLedger:
    """On a SQLite file, change a record behind the application's back."""

    @pytest.fixture
    def app(self, tmp_path):
        app = make_app(f"sqlite:///{tmp_path}/pmo.sqlite")
        app.config["LEDGER_FILE"] = tmp_path / "pmo.sqlite"
        yield app
        close_app(app)

    def test_verify_answers_200_and_names_the_first_altered_record(self, app, as_, projects):
        assert as_("auditor").get("/api/audit/verify").get_json()["ok"] is True
        with sqlite3.connect(app.config["LEDGER_FILE"]) as db:
            rowid, state = next(row for row in db.execute("SELECT rowid, state FROM stored_events")
                                if b"Own project" in row[1])
            db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?",
                       (state.replace(b"Own project", b"Our project"), rowid))
        verdict = as_("auditor").get("/api/audit/verify")
        assert verdict.status_code == 200
        assert (verdict.get_json()["ok"], verdict.get_json()["position"]) == (False, rowid)
        assert "altered" in verdict.get_json()["problem"]
