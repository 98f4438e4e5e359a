"""As of: every page shows the ledger at a past moment, read-only, and keeps that moment."""
from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timezone

import pytest

from events.context import command_context
from tests.conftest import csrf_token_from, login

BANNER = "You are looking at the ledger as of 12 March 2026, 23:59 UTC"
THEN = "as_of=2026-03-12"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture
def timeline(app) -> dict:
    """Portal P-1: active from 1 March 2026 with an action due 5 March; an amber draft report
    on 10 March, revised to red by j.smith on 11 March ('supplier delay') and published; the
    action done on 20 March; P-2 registered in May; P-1 closed on 30 June.

    Written before the people exist (so the log's timestamps only grow): take this fixture
    before ``sign_in``.
    """
    from core.services import logs, projects, reporting
    from web.tenancy import current_pmo

    with app.app_context():
        pmo = current_pmo()
        with command_context("pia", "Portfolio board", occurred_at=moment("2026-03-01T09:00")):
            project = projects.register_project(pmo, code="P-1", name="Portal", manager="bo")
            for stage in ("proposed", "approved", "active"):
                projects.move_project_to_stage(pmo, project.id, stage, f"Board approved {stage}")
            action = logs.assign_action(pmo, "Sign the supplier contract", "bo", date(2026, 3, 5),
                                        project_id=project.id)
        with command_context("bo", occurred_at=moment("2026-03-10T16:00")):
            report = reporting.draft_status_report(
                pmo, project.id, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), overall="amber",
                schedule="amber", cost="green", scope="green", progress_pct=40, summary="Supplier slow")
        with command_context("j.smith", "supplier delay", occurred_at=moment("2026-03-11T10:00")):
            reporting.revise_status_report(pmo, report.id, overall="red")
        with command_context("bo", occurred_at=moment("2026-03-11T11:00")):
            reporting.publish_status_report(pmo, report.id)
        with command_context("bo", occurred_at=moment("2026-03-20T10:00")):
            logs.close_action(pmo, action.id, "Signed")
        with command_context("pia", occurred_at=moment("2026-05-04T10:00")):
            projects.register_project(pmo, code="P-2", name="Payroll")
        with command_context("pia", "Handed over", occurred_at=moment("2026-06-30T12:00")):
            projects.move_project_to_stage(pmo, project.id, "closed", "Handed over to operations")
    return {"project": project, "report": report, "action": action}


@pytest.fixture
def as_role(client, timeline, people):
    """``as_role("viewer")``: signs in after the timeline was written."""
    def as_role(role: str):
        login(client, people[role]["username"], people[role]["password"])
        return people[role]["username"]
    return as_role


def text(html: str) -> str:
    """What a reader sees: the markup gone, entities resolved."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_project_closed_later_shows_open_with_its_rag_of_then(client, as_role):
    as_role("viewer")
    now = page(client, "/projects/P-1")
    assert "stage-closed" in now and BANNER not in text(now)

    then = page(client, f"/projects/P-1?{THEN}")
    assert "stage-active" in then and "stage-closed" not in then
    assert "Overall red" in then  # the published report, revised from amber
    assert "Handed over to operations" not in then  # the closing gate was yet to come
    # The action was overdue then (due 5 March, done on 20 March): late by the day of then.
    assert "Sign the supplier contract" in then and "Overdue" in then


def test_the_banner_the_picker_and_every_link_keep_the_moment(client, as_role):
    as_role("viewer")
    html = page(client, f"/projects/P-1?{THEN}")
    assert BANNER in text(html) and "nothing here can be changed" in html
    assert '<a href="/projects/P-1">Back to now</a>' in html
    picker = re.search(r'<form class="asof-picker" method="get" action="/projects/P-1".*?</form>', html, re.S).group(0)
    assert '<label for="as-of-date">As of</label>' in picker
    assert 'type="date" id="as-of-date" name="as_of"' in picker and 'value="2026-03-12"' in picker
    internal = [h for h in re.findall(r'href="(/[^"]*)"', html) if not h.startswith(("/static/", "/api/"))]
    assert internal, "the page has links"
    assert [h for h in internal if THEN not in h] == ["/projects/P-1"]  # only 'Back to now'
    # The list's GET filter form carries the moment too.
    projects = page(client, f"/projects?{THEN}")
    assert '<input type="hidden" name="as_of" value="2026-03-12">' in projects
    assert "Portal" in projects and "Payroll" not in projects  # P-2 came in May
    assert "Payroll" in page(client, "/projects")


def test_every_page_reads_as_of_a_moment(client, as_role, timeline):
    as_role("admin")
    for url in ("/", "/projects", "/programmes", "/decisions", "/actions", "/projects/P-1",
                f"/reports/{timeline['report'].id}", f"/actions/{timeline['action'].id}",
                "/admin/", "/admin/users", "/admin/plugins", "/ledger", "/audit"):
        html = page(client, f"{url}{'&' if '?' in url else '?'}{THEN}")
        assert BANNER in text(html), url
    dashboard = page(client, f"/?{THEN}")
    assert "1 project in the portfolio, 1 active" in dashboard
    assert "Sign the supplier contract" in dashboard and "7 days late" in dashboard
    # The people were created later, today.
    assert "did not exist yet" in page(client, f"/admin/users/viewer-user?{THEN}", 404)


def test_nothing_can_be_changed_on_an_as_of_page(client, as_role, timeline, the_pmo):
    as_role("admin")  # the role that may change most
    today = f"as_of={date.today().isoformat()}"  # the people exist since today
    urls = ["/", "/projects", "/projects/P-1", f"/reports/{timeline['report'].id}", f"/actions/{timeline['action'].id}",
            "/programmes", "/decisions", "/actions", "/admin/users", "/admin/plugins"]
    for url in [f"{u}?{THEN}" for u in urls] + [f"{u}?{today}" for u in [*urls, "/admin/users/viewer-user"]]:
        html = page(client, url)
        assert html.count('method="post"') == 1, url  # only signing out
        assert not re.search(r'href="[^"]*/(new|edit|stage|publish|reforecast|achieve|close|supersede|role)\b',
                             html), url
    assert 'action="/admin/users/viewer-user/role"' in page(client, "/admin/users/viewer-user")
    # Opening a form with a moment leaves the past: forms change the ledger as it is now.
    response = client.get(f"/projects/P-1/edit?{THEN}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/projects/P-1/edit")
    # A POST is never as of: it is written now.
    before = the_pmo.ledger.max_position()
    token = csrf_token_from(page(client, "/projects/new"))
    response = client.post(f"/projects/new?{THEN}", data={"code": "P-3", "name": "Now", "csrf_token": token})
    assert response.status_code == 303
    assert the_pmo.ledger.max_position() == before + 1


def test_a_bad_moment_shows_the_page_as_it_is_now_with_an_error(client, as_role):
    as_role("viewer")
    for bad in ("yesterday", "2026-13-01", "12/03/2026", "9999-12-32"):
        html = page(client, f"/projects/P-1?as_of={bad}", 422)
        assert "is not a moment the ledger understands" in html
        assert 'aria-invalid="true" aria-describedby="as-of-error"' in html
        assert "stage-closed" in html  # shown as it is now
        assert "as_of must be a date" in html or "out of range" in html
    # The far future is simply now: everything recorded so far.
    assert "stage-closed" in page(client, "/projects/P-1?as_of=9999-12-31", 200)
    assert "not a moment" in page(client, "/?as_of=soon", 422)
    # A timestamp in another zone is told in UTC.
    assert "11 March 2026, 20:00 UTC" in text(page(client, "/?as_of=2026-03-12T10:00:00%2B14:00"))


def test_what_did_not_exist_yet_is_a_404_saying_so(client, as_role, timeline):
    as_role("viewer")
    assert "did not exist yet as of 12 March 2026" in page(client, f"/projects/P-2?{THEN}", 404)
    assert "did not exist yet" in page(client, f"/reports/{timeline['report'].id}?as_of=2026-03-01", 404)
    assert "There was no such project as of" in page(client, f"/projects/NOPE?{THEN}", 404)
    assert "There is no such project" in page(client, "/projects/NOPE", 404)


def test_the_history_says_who_changed_what_when_and_why(client, as_role, timeline):
    as_role("viewer")
    report = html_lib.unescape(page(client, f"/reports/{timeline['report'].id}"))
    assert 'id="history"' in report
    assert "overall amber -> red by j.smith: supplier delay" in report
    assert "published no -> yes" in report and "published by (empty) -> bo by bo" in report
    assert "2026-03-11 10:00 UTC" in report
    # As of the evening before, the revision had not happened.
    before = html_lib.unescape(page(client, f"/reports/{timeline['report'].id}?as_of=2026-03-10"))
    assert "amber -> red" not in before and "created" in before
    project = html_lib.unescape(page(client, "/projects/P-1"))
    assert "stage active -> closed" in project and "by pia: Handed over" in project
    assert "created (core.Project.Registered) by pia: Portfolio board" in project
    assert "stage active -> closed" not in html_lib.unescape(page(client, f"/projects/P-1?{THEN}"))
    action = html_lib.unescape(page(client, f"/actions/{timeline['action'].id}"))
    assert "status open -> done" in action
    # Readers see no link into the raw ledger; auditors follow each change to its request.
    assert "/ledger?correlation_id=" not in report


def test_an_auditor_follows_a_change_to_everything_its_request_did(client, as_role, timeline):
    as_role("auditor")
    report = page(client, f"/reports/{timeline['report'].id}")
    links = re.findall(r'href="(/ledger\?correlation_id=[^"]+)"', report)
    assert links
    log = page(client, html_lib.unescape(links[0]))
    assert "core.StatusReport." in log
