"""Registering and editing projects and passing gates through the HTML forms."""
from __future__ import annotations

import re

from core import queries
from events.context import command_context
from tests.web.views.conftest import events_of, submit

NEW = {"code": "P-NEW", "name": "Document archive", "description": "", "sponsor": "cio", "manager": "pmo-user",
       "programme_id": "", "start_date": "2030-01-01", "end_date": "2030-06-30", "reason": "Approved by the board"}


def test_a_pmo_officer_registers_a_project_and_the_ledger_says_who_and_why(client, people, sign_in, the_pmo):
    sign_in("pmo")
    response = submit(client, "/projects/new", NEW)

    assert response.status_code == 303
    assert response.headers["Location"] == "/projects/P-NEW"
    page = client.get("/projects/P-NEW").get_data(as_text=True)
    assert "Project P-NEW registered." in page and "Document archive" in page
    [event] = events_of(response, the_pmo)
    assert event["topic"] == "core.Project.Registered"
    assert event["actor"] == "pmo-user"
    assert event["reason"] == "Approved by the board"
    assert queries.entity_history(the_pmo, event["originator_id"])[0]["correlation_id"] == \
        response.headers["X-Correlation-ID"]


def test_a_form_posted_without_its_csrf_token_is_refused_and_writes_nothing(client, people, sign_in, the_pmo):
    sign_in("pmo")
    before = the_pmo.ledger.max_position()
    response = submit(client, "/projects/new", NEW, csrf=False)
    assert response.status_code == 400
    assert the_pmo.ledger.max_position() == before


def test_bad_input_is_shown_again_next_to_its_field_with_the_input_kept(client, people, sign_in, the_pmo):
    sign_in("pmo")
    before = the_pmo.ledger.max_position()

    # The domain refuses: the end date is before the start date.
    response = submit(client, "/projects/new", {**NEW, "end_date": "2029-12-31"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="end_date-error">end date is before start date<', html)
    assert 'aria-invalid="true"' in html
    assert 'value="Document archive"' in html and 'value="2029-12-31"' in html

    # The form refuses: no name, and a date that is no date.
    response = submit(client, "/projects/new", {**NEW, "name": "", "start_date": "2030-13-45"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="name-error">This field is required.<', html)
    assert re.search(r'id="start_date-error">Not a valid date value.<', html)
    assert 'value="2030-13-45"' in html
    assert the_pmo.ledger.max_position() == before


def test_a_code_that_is_taken_is_a_conflict_shown_at_the_code(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    before = the_pmo.ledger.max_position()
    response = submit(client, "/projects/new", {**NEW, "code": "p-own"})
    assert response.status_code == 409
    assert re.search(r'id="code-error">project code p-own is already taken<', response.get_data(as_text=True))
    assert the_pmo.ledger.max_position() == before


def test_an_edit_on_a_stale_version_says_someone_else_changed_it(app, client, seeded, sign_in, the_pmo):
    sign_in("manager")
    page = client.get("/projects/P-OWN/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    # Meanwhile the PMO officer changes the sponsor.
    from core.services import projects
    with command_context("pia", "sponsor changed"):
        projects.update_project(the_pmo, seeded.own["id"], sponsor="ceo")
    before = the_pmo.ledger.max_position()

    form = {"name": "Self-service portal v2", "sponsor": "cfo", "manager": "manager-user", "version": version,
            "start_date": "", "end_date": "", "programme_id": "", "description": ""}
    response = submit(client, "/projects/P-OWN/edit", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this while you were editing it" in html
    assert re.search(r"<th scope=\"row\">Sponsor</th><td>ceo</td><td>cfo</td>", html)
    assert 'value="Self-service portal v2"' in html
    assert the_pmo.ledger.max_position() == before

    # Having seen the change, the manager submits again: now over the current version.
    current = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(current) == int(version) + 1
    response = submit(client, "/projects/P-OWN/edit", {**form, "version": current})
    assert response.status_code == 303
    assert queries.get_project(the_pmo, "P-OWN")["name"] == "Self-service portal v2"


def test_viewers_and_auditors_get_403_on_every_project_form(client, seeded, sign_in, the_pmo):
    for role in ("viewer", "auditor"):
        sign_in(role)
        before = the_pmo.ledger.max_position()
        for url in ("/projects/new", "/projects/P-OWN/edit", "/projects/P-OWN/stage"):
            assert client.get(url).status_code == 403, url
            assert submit(client, url, {**NEW, "stage": "closed", "gate_decision": "x"}).status_code == 403, url
        assert the_pmo.ledger.max_position() == before


def test_a_manager_edits_their_own_project_but_not_someone_elses(client, seeded, sign_in, the_pmo):
    sign_in("manager")
    assert 'href="/projects/P-OWN/edit"' in client.get("/projects/P-OWN").get_data(as_text=True)
    assert 'href="/projects/P-OTHER/edit"' not in client.get("/projects/P-OTHER").get_data(as_text=True)

    before = the_pmo.ledger.max_position()
    response = submit(client, "/projects/P-OTHER/edit", {"name": "Mine now", "version": seeded.other["version"]})
    assert response.status_code == 403
    assert submit(client, "/projects/P-OTHER/stage", {"stage": "closed", "gate_decision": "done"}).status_code == 403
    assert the_pmo.ledger.max_position() == before

    response = submit(client, "/projects/P-OWN/edit", {
        "name": "Self-service portal", "sponsor": "coo", "manager": "manager-user",
        "programme_id": str(seeded.programme["id"]), "version": seeded.own["version"]})
    assert response.status_code == 303
    assert queries.get_project(the_pmo, "P-OWN")["sponsor"] == "coo"


def test_a_project_passes_a_gate_with_its_gate_decision(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    page = client.get("/projects/P-IDEA/stage").get_data(as_text=True)
    assert '<option selected value="proposed">Proposed</option>' in page

    before = the_pmo.ledger.max_position()
    missing = submit(client, "/projects/P-IDEA/stage", {"stage": "proposed", "gate_decision": ""})
    assert missing.status_code == 422
    skipping = submit(client, "/projects/P-IDEA/stage", {"stage": "active", "gate_decision": "Go"})
    assert skipping.status_code == 422 and "Not a valid choice" in skipping.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before

    response = submit(client, "/projects/P-IDEA/stage", {
        "stage": "proposed", "gate_decision": "Business case accepted", "reason": "Gate 1"})
    assert response.status_code == 303
    html = client.get("/projects/P-IDEA").get_data(as_text=True)
    assert "Project P-IDEA is now proposed." in html and "Business case accepted" in html
    [event] = events_of(response, the_pmo)
    assert (event["topic"], event["actor"], event["reason"]) == ("core.Project.StageChanged", "pmo-user", "Gate 1")


def test_a_manager_registers_a_project_and_manages_it(client, people, sign_in):
    sign_in("manager")
    assert 'value="manager-user"' in client.get("/projects/new").get_data(as_text=True)
    response = submit(client, "/projects/new", {**NEW, "manager": "manager-user"})
    assert response.status_code == 303
    assert 'href="/projects/P-NEW/edit"' in client.get("/projects/P-NEW").get_data(as_text=True)
