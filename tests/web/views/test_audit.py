"""The event log browser and the audit page: auditors and admins only; verify and export."""
from __future__ import annotations

import html as html_lib
import re
import sqlite3

import pytest

from events.export import verify_export
from tests.conftest import close_app, login, make_app

ROWS = re.compile(r'<td class="num">(\d+)</td>')


def positions(html: str) -> list[int]:
    return [int(p) for p in ROWS.findall(html)]


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "manager", "pmo"])
def test_only_auditors_and_admins_reach_the_ledger_and_audit(client, seeded, sign_in, role):
    sign_in(role)
    html = get(client, "/")
    assert 'href="/ledger' not in html and 'href="/audit' not in html
    for url in ("/ledger", f"/ledger/entities/{seeded.own['id']}", "/audit", "/audit/verify", "/audit/export"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_browse_verify_and_export(client, seeded, sign_in, role):
    sign_in(role)
    html = get(client, "/")
    assert '<a href="/ledger">Ledger</a>' in html and '<a href="/audit">Audit</a>' in html
    for url in ("/ledger", f"/ledger/entities/{seeded.own['id']}", "/audit", "/audit/verify"):
        get(client, url)
    assert client.get("/audit/export").status_code == 200


def test_an_auditor_sees_no_edit_button_anywhere(client, seeded, sign_in):
    sign_in("auditor")
    urls = ["/", "/projects", "/projects/P-OWN", f"/reports/{seeded.draft_report.id}", "/programmes",
            "/programmes/DIGI", "/decisions", f"/decisions/{seeded.decision.id}", "/actions",
            f"/actions/{seeded.overdue_action.id}", "/ledger", f"/ledger/entities/{seeded.own['id']}", "/audit",
            "/audit/verify"]
    for url in urls + [f"{u}{'&' if '?' in u else '?'}as_of=2026-01-01" for u in urls[:4]]:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 404), url
        assert html.count('method="post"') == 1, url  # signing out is the only change offered
        assert not re.search(r'href="[^"]*/(new|edit|stage|publish|reforecast|achieve|close|supersede)\b', html), url


def test_the_log_browser_filters_by_entity_actor_type_plugin_request_and_time(client, seeded, sign_in, the_pmo):
    sign_in("auditor")
    everything = positions(get(client, "/ledger"))
    assert everything == sorted(everything, reverse=True) and everything[0] == the_pmo.ledger.max_position()

    own = get(client, f"/ledger?entity={seeded.own['id']}")
    assert "core.Project.Registered" in own and "core.Action" not in own
    # Each row links to the page of what it changed; projects by their code.
    assert 'href="/projects/P-OWN">P-OWN Self-service portal</a>' in own

    by_pia = get(client, "/ledger?actor=pia")
    assert "core.Project.Registered" in by_pia and "core.User.Created" not in by_pia
    assert "core.User.Created" in get(client, "/ledger?actor=setup")

    revised = positions(get(client, "/ledger?topic=Reforecast"))
    assert len(revised) == 1
    assert positions(get(client, "/ledger?plugin=core")) == everything
    assert positions(get(client, "/ledger?plugin=risk")) == []
    assert set(positions(get(client, "/ledger?correlation_id=seed-correlation"))) < set(everything)
    assert positions(get(client, "/ledger?since=2000-01-01&until=2000-12-31")) == []
    assert positions(get(client, "/ledger?since=2000-01-01")) == everything

    # Bad filters are shown again, next to their field.
    assert positions(get(client, f"/ledger?before={10**30}")) == everything
    html = get(client, "/ledger?entity=not-an-id&since=someday", 422)
    assert "An entity id looks like" in html and "Give a date" in html and 'aria-invalid="true"' in html


def test_the_log_browser_pages_back_by_position(client, seeded, sign_in, monkeypatch):
    from web.views import ledger

    monkeypatch.setattr(ledger, "PAGE_SIZE", 7)
    sign_in("auditor")
    everything = positions(get(client, "/ledger?plugin=core&as_of=2099-01-01"))  # newest 7
    assert len(everything) == 7
    html, seen = get(client, "/ledger?actor=pia"), []
    while True:
        seen += positions(html)
        older = re.search(r'<a href="([^"]+)" rel="next">Older', html)
        if not older:
            break
        assert "actor=pia" in older.group(1)
        html = get(client, html_lib.unescape(older.group(1)))
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) > 7


def test_the_log_browser_as_of_stops_at_that_moment(client, seeded, sign_in, the_pmo):
    sign_in("auditor")
    html = get(client, "/ledger?as_of=2000-01-01")
    assert positions(html) == [] and "You are looking at the ledger as of" in html
    assert '<input type="hidden" name="as_of" value="2000-01-01">' in html


def test_an_entity_without_a_page_of_its_own_has_its_history_in_the_ledger(client, seeded, sign_in):
    sign_in("auditor")  # auditors do not open admin pages: a user's row links to its history
    html = get(client, "/ledger?topic=User.Created")
    link = re.search(r'href="(/ledger/entities/[^"]+)">viewer-user</a>', html)
    assert link
    history = html_lib.unescape(get(client, link.group(1)))
    assert "History of viewer-user" in history and "core.User.Created" in history
    assert "created (core.User.Created) by setup: test fixture" in history
    assert "no records for this id" in get(client, "/ledger/entities/00000000-0000-0000-0000-000000000000", 404)


def test_verify_says_ok_with_the_record_count_and_chain_head(client, seeded, sign_in, the_pmo):
    sign_in("auditor")
    home = get(client, "/audit")
    assert 'href="/audit/verify"' in home and "Verify ledger" in home
    assert "pmo audit verify" in home and "pmo audit verify --export FILE" in home
    assert the_pmo.ledger.sealer.public_key_b64 in home
    html = get(client, "/audit/verify")
    count = the_pmo.ledger.max_position()
    assert "OK: the ledger is as it was written" in html
    assert f"{count} records checked" in html
    assert re.search(r'Chain head <code class="hash">[0-9a-f]{64}</code>', html)


def test_verify_names_the_first_altered_record(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_VAR", str(tmp_path))
    path = tmp_path / "pmo.sqlite"
    app = make_app(f"sqlite:///{path}")
    try:
        from core.services import projects, users
        from events.context import command_context
        from web.tenancy import current_pmo

        with app.app_context(), command_context("setup"):
            pmo = current_pmo()
            users.create_user(pmo, "audrey", "correct-horse-auditor", "auditor")
            for i in range(5):
                projects.register_project(pmo, code=f"P-{i}", name=f"Project {i}")
        with sqlite3.connect(path) as db:
            state = db.execute("SELECT state FROM stored_events WHERE rowid = 4").fetchone()[0]
            db.execute("UPDATE stored_events SET state = ? WHERE rowid = 4", (state.replace(b"Project 2", b"Project X"),))
        client = app.test_client()
        login(client, "audrey", "correct-horse-auditor")
        html = get(client, "/audit/verify")
        assert "FAILED at position 4" in html and "altered" in html and 'role="alert"' in html
    finally:
        close_app(app)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_downloads_and_verifies_offline(client, seeded, sign_in, the_pmo, fmt):
    sign_in("auditor")
    head = the_pmo.ledger.max_position()
    response = client.get(f"/audit/export?format={fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=pmo-ledger-1-{head}.{fmt}"
    verdict = verify_export(response.get_data(as_text=True), the_pmo.ledger.sealer.public_key_b64)
    assert verdict.ok and verdict.checked == head

    part = client.get(f"/audit/export?from=3&to=9&format={fmt}")
    assert part.headers["Content-Disposition"].endswith(f"pmo-ledger-3-9.{fmt}")
    assert verify_export(part.get_data(as_text=True), the_pmo.ledger.sealer.public_key_b64).checked == 7


def test_export_bounds_may_be_dates_and_bad_ones_are_shown_again(client, seeded, sign_in, the_pmo):
    from datetime import date

    sign_in("admin")
    today = date.today().isoformat()
    whole = client.get(f"/audit/export?from={today}&to={today}")
    assert whole.status_code == 200 and whole.headers["X-Export-Records"] == str(the_pmo.ledger.max_position())
    html = get(client, "/audit/export?from=someday&to=3&format=xml", 422)
    assert "Nothing was exported" in html and "Give a position" in html and "Choose jsonl or csv" in html
    assert "Nothing to export" in get(client, "/audit/export?from=9&to=3", 422)
    # As of a moment, the export ends there unless told otherwise.
    assert "Nothing to export" in get(client, "/audit/export?as_of=2000-01-01", 422)
