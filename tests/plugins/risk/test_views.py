"""The pages as a person uses them: switched on and off, forms, heat map links, panels."""
from __future__ import annotations

import re
from datetime import date, timedelta

from events.context import command_context
from plugins.risk import services
from tests.conftest import csrf_token_from


def submit(client, url: str, data: dict):
    """Open the form, then post it with the page's CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def identify(pmo, project_id, title="Supplier late", owner="manager-user", **kw):
    with command_context(owner, "test"):
        return services.identify_risk(pmo, title, owner, project_id=project_id, **kw)


def test_enabling_adds_the_pages_and_disabling_hides_them_keeping_the_data(the_pmo, places, sign_in):
    from core.services.plugins import disable_plugin, enable_plugin

    client = sign_in("pmo")
    page = client.get("/risks/")
    assert page.status_code == 404 and "Risk register plugin is disabled" in page.get_data(as_text=True)
    assert 'href="/risks/"' not in client.get("/").get_data(as_text=True)
    with command_context("admin-user", "P3M3 level 2"):
        enable_plugin(the_pmo, "risk")
    assert 'href="/risks/"' in client.get("/").get_data(as_text=True)
    response = submit(client, "/risks/new", {"where": f"project:{places['P-OWN']}", "title": "Supplier late",
                                             "kind": "threat", "category": "supplier", "owner": "pmo-user",
                                             "probability": "4", "impact": "3"})
    assert response.status_code == 303
    risk_url = response.headers["Location"]
    assert "Supplier late" in client.get(risk_url).get_data(as_text=True)
    with command_context("admin-user", "paused"):
        disable_plugin(the_pmo, "risk")
    off = client.get(risk_url)
    assert off.status_code == 404 and "its data is kept" in off.get_data(as_text=True)
    assert "Risks and issues" not in client.get("/projects/P-OWN").get_data(as_text=True)
    with command_context("admin-user", "back"):
        enable_plugin(the_pmo, "risk")
    assert "Supplier late" in client.get(risk_url).get_data(as_text=True)


def test_a_risk_assessed_three_times_shows_three_assessments_and_a_trend(enabled, places, sign_in):
    risk = identify(enabled, places["P-OWN"], probability=4, impact=5, identified_on=date(2026, 1, 5))
    client = sign_in("manager")
    url = f"/risks/{risk.id}/assess"
    for probability, impact, day in (("3", "4", "2026-02-02"), ("2", "3", "2026-03-02")):
        answer = submit(client, url, {"basis": "residual", "probability": probability, "impact": impact,
                                      "assessed_on": day, "version": "", "reason": "monthly review"})
        assert answer.status_code == 303, answer.get_data(as_text=True)
    page = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    assert page.count('<tr class="assessment">') == 3
    assert '<span class="count" id="assessment-count">3</span>' in page
    assert page.count("Risk Assessed · position") == 3  # and three entries in its history
    assert '<svg class="chart risk-trend"' in page
    desc = re.search(r'<desc id="risk-trend-desc">([^<]*)</desc>', page).group(1)
    assert desc == "2026-01-05 inherent: 20; 2026-02-02 residual: 12; 2026-03-02 residual: 6"
    # Score and level are computed: 2 x 3 = 6, medium.
    assert '<strong id="risk-score">6</strong>' in page and "risk-level-medium" in page
    assert "monthly review" in page


def test_bad_input_re_shows_the_form_with_422_and_writes_nothing(enabled, places, sign_in):
    risk = identify(enabled, places["P-OWN"], probability=2, impact=2)
    client = sign_in("manager")
    head = enabled.ledger.max_position()
    answer = submit(client, f"/risks/{risk.id}/assess", {"basis": "residual", "probability": "9", "impact": "1"})
    assert answer.status_code == 422
    answer = submit(client, "/risks/new", {"where": f"project:{places['P-OWN']}", "title": "", "owner": "x",
                                           "kind": "threat", "category": "other"})
    assert answer.status_code == 422 and "This field is required." in answer.get_data(as_text=True)
    answer = submit(client, f"/risks/{risk.id}/response", {"strategy": "exploit"})
    assert answer.status_code == 422
    assert enabled.ledger.max_position() == head


def test_a_stale_form_is_a_409_that_keeps_the_input(enabled, places, sign_in):
    risk = identify(enabled, places["P-OWN"])
    client = sign_in("manager")
    page = client.get(f"/risks/{risk.id}/edit").get_data(as_text=True)
    with command_context("pmo-user"):
        services.update_risk(enabled, risk.id, owner="someone")
    answer = client.post(f"/risks/{risk.id}/edit", data={
        "csrf_token": csrf_token_from(page), "version": str(risk.version), "title": "Mine", "owner": "me",
        "category": "other"})
    assert answer.status_code == 409 and 'value="Mine"' in answer.get_data(as_text=True)


def test_permissions_on_the_pages(enabled, places, sign_in, client):
    own = identify(enabled, places["P-OWN"])
    other = identify(enabled, places["P-OTHER"], owner="manager2-user")
    sign_in("viewer")
    assert client.get("/risks/").status_code == 200
    for url in ("/risks/new", f"/risks/{own.id}/assess", "/risks/import", "/risks/issues/new"):
        assert client.get(url).status_code == 403, url
    assert "Assess" not in client.get(f"/risks/{own.id}").get_data(as_text=True).split("</h1>")[1][:600]
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    sign_in("manager")
    assert client.get(f"/risks/{own.id}/assess").status_code == 200
    assert client.get(f"/risks/{other.id}/assess").status_code == 403
    page = client.get("/risks/new").get_data(as_text=True)
    assert "P-OWN" in page and "P-OTHER" not in page and "Portfolio-wide" not in page
    assert client.get("/risks/scales/edit").status_code == 403


def test_heat_map_cells_link_to_the_register_with_the_same_count(enabled, places, sign_in):
    for n, (p, i) in enumerate([(4, 4), (4, 4), (2, 5), (1, 1)]):
        identify(enabled, places["P-OWN"] if n < 3 else places["P-OTHER"], title=f"Risk {n}", probability=p, impact=i)
    client = sign_in("viewer")
    for query in ("", "project=P-OWN", "programme=PRG", "project=P-OTHER"):
        page = client.get(f"/risks/heatmap?{query}").get_data(as_text=True)
        links = re.findall(r'<a href="([^"]+)" class="cell-link"><title>[^<]*: (\d+) risks?</title>', page)
        assert len(links) == 2 * 25
        for href, count in links:
            register = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
            shown = int(re.search(r'id="risk-count">(\d+) risk', register).group(1))
            assert shown == int(count), (query, href)
    page = client.get("/risks/heatmap?project=P-OWN").get_data(as_text=True)
    assert "probability 4 x impact 4: 2" in page


def test_pages_show_the_register_as_of_a_moment(enabled, places, sign_in):
    from datetime import datetime, timezone

    risk = identify(enabled, places["P-OWN"], probability=4, impact=4)
    then = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with command_context("manager-user"):
        services.close_risk(enabled, risk.id, "gone")
    client = sign_in("viewer")
    assert 'id="risk-count">0 risks' in client.get("/risks/").get_data(as_text=True)
    past = client.get(f"/risks/?as_of={then}").get_data(as_text=True)
    assert 'id="risk-count">1 risk' in past and f"as_of={then}" in past  # links keep the moment
    assert "Critical risk" in client.get(f"/projects/P-OWN?as_of={then}").get_data(as_text=True)
    assert "Critical risk" not in client.get("/projects/P-OWN").get_data(as_text=True)


def test_a_critical_risk_flags_the_project_and_late_reviews_are_listed(enabled, places, sign_in):
    identify(enabled, places["P-OWN"], title="Data migration fails", probability=5, impact=5)
    late = identify(enabled, places["P-OWN"], title="Licence costs", probability=2, impact=2,
                    review_date=date.today() - timedelta(days=3))
    client = sign_in("viewer")
    project = client.get("/projects/P-OWN").get_data(as_text=True)
    assert 'role="alert"><h3>Critical risk: P-OWN is flagged</h3>' in project
    assert project.index("Critical risk: P-OWN is flagged") < project.index('id="reports-heading"')  # on top
    assert "Data migration fails" in project and "1 review(s) due" in project
    due = client.get("/risks/review-due").get_data(as_text=True)
    assert "Licence costs" in due and "Data migration fails" not in due
    assert f"/risks/{late.id}" in due
    assert "Data migration fails" in client.get("/").get_data(as_text=True)  # the dashboard widget


def test_a_critical_risk_suggests_red_on_the_next_status_report(enabled, places, sign_in):
    client = sign_in("manager")
    form = client.get("/projects/P-OWN/reports/new").get_data(as_text=True)
    assert "Consider <strong>" not in form
    identify(enabled, places["P-OWN"], title="Data migration fails", probability=5, impact=5)
    form = client.get("/projects/P-OWN/reports/new").get_data(as_text=True)
    assert "Consider <strong>red</strong>" in form and "Data migration fails" in form


def test_a_mitigation_shows_on_the_projects_action_list_and_its_overdue_state_on_the_risk(enabled, places, sign_in):
    risk = identify(enabled, places["P-OWN"], probability=3, impact=4)
    client = sign_in("manager")
    answer = submit(client, f"/risks/{risk.id}/mitigate", {
        "title": "Chase the supplier", "owner": "manager-user", "priority": "high",
        "due_date": (date.today() - timedelta(days=2)).isoformat()})
    assert answer.status_code == 303
    actions = client.get("/actions?project=P-OWN").get_data(as_text=True)
    assert "Chase the supplier" in actions and "Overdue" in actions
    assert "Chase the supplier" in client.get("/projects/P-OWN").get_data(as_text=True)
    page = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    assert re.search(r'<li class="overdue"><a href="/actions/[^"]+">Chase the supplier</a>', page)
    assert "1 mitigation overdue" in client.get("/risks/").get_data(as_text=True)


def test_materialising_and_escalating_through_the_forms(enabled, places, sign_in):
    risk = identify(enabled, places["P-OWN"], probability=4, impact=3)
    client = sign_in("manager")
    answer = submit(client, f"/risks/{risk.id}/materialise", {"priority": "critical", "owner": "",
                                                               "description": "It happened"})
    assert answer.status_code == 303
    issue_url = answer.headers["Location"]
    page = client.get(issue_url).get_data(as_text=True)
    assert "Materialised from risk" in page and f"/risks/{risk.id}" in page
    issue_id = issue_url.rstrip("/").split("/")[-1]
    up = submit(client, f"/risks/issues/{issue_id}/escalate", {"to": "programme", "note": "board please"})
    assert up.status_code == 303
    assert "programme board" in client.get(issue_url).get_data(as_text=True)
    again = submit(client, f"/risks/issues/{issue_id}/escalate", {"to": "programme"})
    assert again.status_code == 422 and "escalate upwards" in again.get_data(as_text=True)


def test_export_csv_and_xlsx_as_shown(enabled, places, sign_in):
    from io import BytesIO

    from openpyxl import load_workbook

    identify(enabled, places["P-OWN"], title="=HYPERLINK(evil)", probability=3, impact=3)
    client = sign_in("viewer")
    csv_text = client.get("/risks/export?format=csv&project=P-OWN").get_data(as_text=True)
    lines = csv_text.splitlines()
    assert lines[0].startswith("ID,title,description,owner,probability,impact,response,status")
    assert lines[1].startswith("R-001,'=HYPERLINK(evil),")
    book = load_workbook(BytesIO(client.get("/risks/export?format=xlsx").data))
    rows = list(book.active.values)
    assert rows[1][:2] == ("R-001", "'=HYPERLINK(evil)") and rows[1][4:6] == (3, 3)


def test_an_admin_changes_the_scales_and_new_assessments_use_them(enabled, places, sign_in):
    client = sign_in("admin")
    answer = submit(client, "/risks/scales/edit", {
        "probability_labels": "Low, Medium, High, Very high", "impact_labels": "Low, Medium, High, Very high",
        "medium": "3", "high": "6", "critical": "9", "version": "", "reason": "The handbook uses four points"})
    assert answer.status_code == 303
    page = client.get("/risks/scales").get_data(as_text=True)
    assert "Very high" in page and "9 and above" in page
    bad = submit(client, "/risks/scales/edit", {
        "probability_labels": "A, B", "impact_labels": "A, B, C", "medium": "2", "high": "3", "critical": "4"})
    assert bad.status_code == 422 and "from 3 to 10 points" in bad.get_data(as_text=True)
    risk = identify(enabled, places["P-OWN"], probability=3, impact=3)
    assert "risk-level-critical" in client.get(f"/risks/{risk.id}").get_data(as_text=True)
