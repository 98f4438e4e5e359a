"""Reading the PMO: every page for every role, the dashboard's numbers, filters, escaping."""
from __future__ import annotations

import re

import pytest

from tests.web.views.conftest import seed_pmo


# These tests only read: one seeded app for the module, a fresh client (session) per test.
@pytest.fixture(scope="module")
def app(shared_app):
    return shared_app


@pytest.fixture(scope="module")
def people(shared_people):
    return shared_people


@pytest.fixture(scope="module")
def seeded(shared_app, shared_people):
    return seed_pmo(shared_app, shared_people)


def read_pages(s) -> list[str]:
    return [
        "/", "/projects", "/projects?stage=active&rag=amber&q=portal", f"/projects/{s.own['code']}",
        f"/projects/{s.idea['code']}", f"/reports/{s.published_report.id}", f"/reports/{s.draft_report.id}",
        "/programmes", "/programmes/DIGI", "/decisions", f"/decisions?project={s.own['code']}",
        f"/decisions/{s.decision.id}", "/actions", "/actions?overdue=yes&status=open&owner=pia",
        f"/actions/{s.overdue_action.id}", f"/actions/{s.portfolio_action.id}",
    ]


def test_a_viewer_reads_every_page_and_sees_no_edit_buttons(client, seeded, sign_in):
    sign_in("viewer")
    for url in read_pages(seeded):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        # The one form that posts is the sign-out button; no link leads to a form.
        assert html.count('method="post"') == 1, url
        assert not re.search(r'href="[^"]*/(new|edit|stage|publish|reforecast|achieve|close|supersede)\b', html), url
        assert 'href="/admin/' not in html


@pytest.mark.parametrize("role", ["admin", "pmo", "manager", "manager2", "auditor"])
def test_every_role_reads_the_portfolio(client, seeded, sign_in, role):
    sign_in(role)
    for url in ("/", "/projects", f"/projects/{seeded.own['code']}", "/decisions", "/actions", "/programmes"):
        assert client.get(url).status_code == 200, url


def test_signed_out_visitors_are_sent_to_sign_in(client, seeded):
    response = client.get("/projects/P-OWN")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_dashboard_counts_active_projects_by_rag_and_draws_charts(client, seeded, sign_in):
    sign_in("viewer")
    html = client.get("/").get_data(as_text=True)

    # P-OWN's latest report is amber, P-OTHER's red; the idea is not active.
    tiles = dict(re.findall(r'tile-(\w+)">\s*<a[^>]*>\s*<span class="tile-count">(\d+)</span>', html))
    assert tiles == {"green": "0", "amber": "1", "red": "1", "none": "0"}
    assert html.count("<svg") == 2
    assert "Projects by lifecycle stage" in html and "Idea: 1" in html and "Active: 2" in html
    assert "Green: 0, Amber: 1, Red: 1, No report: 0" in html  # the donut's text description
    # The red project is listed first: it needs attention most.
    assert html.index("Payroll migration") < html.index("Self-service portal")
    # The overdue action and the slipping milestone, each linking to their project.
    assert "Chase supplier contract" in html and "5 days late" in html
    assert "P-OWN: Pilot live" in html and "+30 days" in html


def test_the_project_page_tells_the_whole_story(client, seeded, sign_in):
    sign_in("viewer")
    html = client.get("/projects/p-own").get_data(as_text=True)  # codes are case-insensitive

    assert "Self-service portal" in html and "DIGI · Digital services" in html
    assert "Steering group approved active" in html  # the gate decision in the stage history
    periods = re.findall(r'(\d{4}-\d\d-\d\d) – (\d{4}-\d\d-\d\d)</a></th>', html)
    assert periods == sorted(periods, reverse=True) and len(periods) == 3  # latest first
    assert "Draft" in html
    assert 'class="chart rag-trend"' in html and 'class="chart timeline"' in html
    assert "+30 days" in html  # Pilot live slipped a month
    assert "Go with supplier B" in html
    assert '<li class="overdue"><a href="/actions/' in html


def test_projects_are_filtered_by_a_plain_get_form(client, seeded, sign_in):
    sign_in("viewer")

    def codes(query: str) -> list[str]:
        html = client.get("/projects?" + query).get_data(as_text=True)
        return re.findall(r'<th scope="row"><a href="/projects/([^"]+)"><span class="code">', html)

    assert codes("") == ["P-IDEA", "P-OTHER", "P-OWN"]
    assert codes("rag=red") == ["P-OTHER"]
    assert codes("rag=none") == ["P-IDEA"]
    assert codes("stage=idea") == ["P-IDEA"]
    assert codes("q=portal") == ["P-OWN"]
    assert codes(f"programme={seeded.programme['id']}") == ["P-OWN"]
    assert codes("manager=manager2-user") == ["P-OTHER"]
    assert 'value="portal"' in client.get("/projects?q=portal").get_data(as_text=True)  # the filter is kept


def test_actions_are_filtered_by_owner_status_and_overdue(client, seeded, sign_in):
    sign_in("viewer")

    def titles(query: str) -> list[str]:
        html = client.get("/actions?" + query).get_data(as_text=True)
        return re.findall(r'<th scope="row"><a href="/actions/[^"]+">([^<]+)</a>', html)

    assert titles("overdue=yes") == ["Chase supplier contract"]
    assert titles("owner=someone-else") == ["Fix payroll test data"]
    assert titles("status=done") == []
    assert titles("project=P-OWN") == ["Chase supplier contract"]
    assert len(titles("")) == 3


def test_unknown_things_are_404(client, seeded, sign_in):
    sign_in("viewer")
    assert client.get("/projects/NOPE").status_code == 404
    assert client.get("/reports/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/programmes/NOPE").status_code == 404
