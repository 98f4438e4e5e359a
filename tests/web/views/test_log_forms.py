"""The decision log and the action list through the forms."""
from __future__ import annotations

import re
from datetime import timedelta

from core import queries
from tests.web.views.conftest import TODAY, events_of, submit

DECISION = {"title": "Extend the pilot", "decision": "Run the pilot two more weeks", "rationale": "Late supplier",
            "decided_by": "steering group", "decided_on": str(TODAY)}
ACTION = {"title": "Book the steering group", "owner": "pia", "due_date": str(TODAY + timedelta(days=7)),
          "description": ""}


def test_a_manager_records_a_decision_on_their_project(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    form = client.get("/decisions/new?project=P-OWN").get_data(as_text=True)
    assert f'<option selected value="{seeded.own["id"]}">' in form
    assert "P-OTHER" not in form and "portfolio-wide" not in form  # only what they may edit

    response = submit(client, "/decisions/new", {
        **DECISION, "project_id": str(seeded.own["id"]), "reason": "Minutes of 3 May"})
    assert response.status_code == 303
    [event] = events_of(response, the_pmo)
    assert (event["topic"], event["actor"], event["reason"]) == (
        "core.Decision.Recorded", "manager-user", "Minutes of 3 May")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Decision recorded: Extend the pilot." in page and "Run the pilot two more weeks" in page


def test_a_manager_may_not_log_for_others_or_portfolio_wide(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    before = the_pmo.ledger.max_position()
    for url, form in (("/decisions/new", DECISION), ("/actions/new", ACTION)):
        assert submit(client, url, {**form, "project_id": str(seeded.other["id"])}).status_code == 403
        assert submit(client, url, {**form, "project_id": ""}).status_code == 403
    assert submit(client, f"/actions/{seeded.portfolio_action.id}/close", {"version": "1"}).status_code == 403
    assert the_pmo.ledger.max_position() == before


def test_a_decision_without_its_substance_is_shown_again(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    before = the_pmo.ledger.max_position()
    response = submit(client, "/decisions/new", {**DECISION, "decision": "", "project_id": ""})
    assert response.status_code == 422
    assert re.search(r'id="decision-error">This field is required.<', response.get_data(as_text=True))
    assert 'value="Extend the pilot"' in response.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before


def test_a_later_decision_supersedes_an_earlier_one(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    later = submit(client, "/decisions/new", {**DECISION, "project_id": str(seeded.own["id"])})
    later_id = later.headers["Location"].rsplit("/", 1)[1]
    url = f"/decisions/{seeded.decision.id}/supersede"
    response = submit(client, url, {"by": later_id, "version": "1"})
    assert response.status_code == 303
    page = client.get(f"/decisions/{seeded.decision.id}").get_data(as_text=True)
    assert "This decision is superseded by" in page and "Extend the pilot" in page
    response = submit(client, url, {"by": later_id, "version": "2"})
    assert response.status_code == 422 and "already superseded" in response.get_data(as_text=True)


def test_an_action_is_assigned_closed_reopened_and_cancelled(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    response = submit(client, "/actions/new", {**ACTION, "project_id": str(seeded.own["id"])})
    assert response.status_code == 303
    [assigned] = events_of(response, the_pmo)
    assert (assigned["topic"], assigned["actor"]) == ("core.Action.Assigned", "manager-user")
    action_url = response.headers["Location"]

    # Closing from the action's own page, with its inline form.
    page = client.get(action_url).get_data(as_text=True)
    assert f'action="{action_url}/close"' in page
    response = submit(client, action_url + "/close", {"outcome": "Booked for Monday", "version": "1",
                                                      "reason": "Done in the meeting"})
    assert response.status_code == 303
    [closed] = events_of(response, the_pmo)
    assert (closed["topic"], closed["actor"], closed["reason"]) == (
        "core.Action.Closed", "manager-user", "Done in the meeting")
    assert closed["correlation_id"] == response.headers["X-Correlation-ID"]
    assert "Booked for Monday" in client.get(action_url).get_data(as_text=True)

    assert submit(client, action_url + "/reopen", {"version": "2"}).status_code == 303
    assert submit(client, action_url + "/cancel", {"outcome": "Not needed", "version": "3"}).status_code == 303
    assert queries.get_action(the_pmo, assigned["originator_id"])["status"] == "cancelled"


def test_closing_a_stale_action_is_a_conflict_and_a_closed_one_cannot_close(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    url = f"/actions/{seeded.overdue_action.id}"
    assert submit(client, url + "/edit", {**ACTION, "title": "Chase the contract", "version": "1"}
                  ).status_code == 303
    before = the_pmo.ledger.max_position()
    response = submit(client, url + "/close", {"version": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this" in html
    assert the_pmo.ledger.max_position() == before

    assert submit(client, url + "/close", {"version": "2"}).status_code == 303
    response = submit(client, url + "/close", {"version": "3"})
    assert response.status_code == 422 and "the action is already done" in response.get_data(as_text=True)


def test_an_overdue_action_is_highlighted(client, seeded, sign_in):
    sign_in("viewer")
    html = client.get("/actions").get_data(as_text=True)
    row = re.search(r'<tr class="overdue">.*?</tr>', html, re.S).group(0)
    assert "Chase supplier contract" in row and "5 days late" in row and "Overdue" in row
