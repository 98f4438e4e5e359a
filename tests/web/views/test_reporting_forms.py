"""Status reports and milestones through the forms: draft, revise, publish, submit; plan,
reforecast, achieve."""
from __future__ import annotations

import re
from datetime import timedelta

from core import queries
from tests.web.views.conftest import TODAY, events_of, submit

REPORT = {"period_start": str(TODAY), "period_end": str(TODAY + timedelta(days=13)), "overall": "green",
          "schedule": "green", "cost": "amber", "scope": "green", "progress_pct": "45", "summary": "On track"}


def test_a_manager_drafts_a_report_then_publishes_it(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    # The new report starts where the last one ended, rated as it was.
    form = client.get("/projects/P-OWN/reports/new").get_data(as_text=True)
    assert f'value="{TODAY + timedelta(days=30)}"' in form
    assert re.search(r'<input checked id="overall-1" name="overall" required type="radio" value="amber">', form)

    response = submit(client, "/projects/P-OWN/reports/new", {**REPORT, "submit_as": "draft"})
    assert response.status_code == 303
    report_url = response.headers["Location"]
    [drafted] = events_of(response, the_pmo)
    assert (drafted["topic"], drafted["actor"]) == ("core.StatusReport.Drafted", "manager-user")
    page = client.get(report_url).get_data(as_text=True)
    assert "Status report saved as a draft." in page and "Draft" in page

    response = submit(client, report_url + "/publish", {"version": "1", "reason": "Weekly report"})
    assert response.status_code == 303
    [published] = events_of(response, the_pmo)
    assert (published["topic"], published["actor"], published["reason"]) == (
        "core.StatusReport.Published", "manager-user", "Weekly report")
    assert "Published" in client.get(report_url).get_data(as_text=True)


def test_submitting_publishes_at_once_and_the_dashboard_follows(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    response = submit(client, "/projects/P-OWN/reports/new", {
        **REPORT, "period_start": str(TODAY + timedelta(days=30)),
        "period_end": str(TODAY + timedelta(days=40)), "submit_as": "publish"})
    assert response.status_code == 303
    topics = [e["topic"] for e in events_of(response, the_pmo)]
    assert topics == ["core.StatusReport.Drafted", "core.StatusReport.Published"]
    html = client.get("/").get_data(as_text=True)
    tiles = dict(re.findall(r'tile-(\w+)">\s*<a[^>]*>\s*<span class="tile-count">(\d+)</span>', html))
    assert tiles["green"] == "1" and tiles["amber"] == "0"


def test_bad_report_input_is_kept_and_nothing_is_written(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    before = the_pmo.ledger.max_position()
    response = submit(client, "/projects/P-OWN/reports/new", {**REPORT, "progress_pct": "150", "overall": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Number must be between 0 and 100." in html and 'value="150"' in html
    assert re.search(r'id="overall-error">This field is required.<', html)
    response = submit(client, "/projects/P-OWN/reports/new", {
        **REPORT, "period_end": str(TODAY - timedelta(days=1))})
    assert response.status_code == 422
    assert re.search(r'id="period_end-error">period end is before period start<', response.get_data(as_text=True))
    assert the_pmo.ledger.max_position() == before


def test_a_draft_is_revised_but_a_published_report_is_final(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    draft = f"/reports/{seeded.draft_report.id}/edit"
    response = submit(client, draft, {**REPORT, "summary": "Revised summary", "version": "1"})
    assert response.status_code == 303
    assert "Revised summary" in client.get(f"/reports/{seeded.draft_report.id}").get_data(as_text=True)

    before = the_pmo.ledger.max_position()
    final = f"/reports/{seeded.published_report.id}/edit"
    response = submit(client, final, {**REPORT, "version": "2"})
    assert response.status_code == 422
    assert "a published status report cannot be changed" in response.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before


def test_publishing_a_stale_draft_is_a_conflict(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    url = f"/reports/{seeded.draft_report.id}"
    assert submit(client, url + "/edit", {**REPORT, "version": "1"}).status_code == 303  # now version 2
    before = the_pmo.ledger.max_position()
    response = submit(client, url + "/publish", {"version": "1"})
    assert response.status_code == 409
    assert "Someone else changed this while you were editing it" in response.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before


def test_a_manager_cannot_report_on_someone_elses_project(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    before = the_pmo.ledger.max_position()
    assert submit(client, "/projects/P-OTHER/reports/new", REPORT).status_code == 403
    assert submit(client, "/projects/P-OTHER/milestones/new", {"name": "x", "baseline_date": "2030-01-01"}
                  ).status_code == 403
    assert the_pmo.ledger.max_position() == before


def test_milestones_are_planned_reforecast_and_achieved(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    response = submit(client, "/projects/P-OWN/milestones/new", {
        "name": "Go-live", "baseline_date": str(TODAY + timedelta(days=60)), "reason": "Plan v1"})
    assert response.status_code == 303 and response.headers["Location"] == "/projects/P-OWN#milestones"
    [planned] = events_of(response, the_pmo)
    milestone = planned["originator_id"]

    response = submit(client, f"/milestones/{milestone}/reforecast", {
        "forecast_date": str(TODAY + timedelta(days=75)), "version": "1"})
    assert response.status_code == 303
    assert "+15 days" in client.get("/projects/P-OWN").get_data(as_text=True)

    response = submit(client, f"/milestones/{milestone}/achieve", {
        "actual_date": str(TODAY + timedelta(days=70)), "version": "2"})
    assert response.status_code == 303
    assert queries.get_milestone(the_pmo, milestone)["slippage_days"] == 10

    before = the_pmo.ledger.max_position()
    response = submit(client, f"/milestones/{milestone}/reforecast", {"forecast_date": str(TODAY), "version": "3"})
    assert response.status_code == 422
    assert "an achieved milestone cannot be reforecast" in response.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before
