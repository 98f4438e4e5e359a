"""Long lists fifty at a time, with the total counted by the database; the dashboard's counts
cover every row while its lists show the ten most urgent; exports still hold every row."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from events.context import command_context

TODAY = date.today()


@pytest.fixture
def portfolio(app, people):
    """55 active projects (so the list has two pages), 12 overdue actions of one of them and
    one action due later."""
    from core.services import logs, projects
    from web.tenancy import current_pmo

    with app.app_context():
        pmo = current_pmo()
        with command_context("pia", "a large portfolio"), pmo.bulk():
            ids = [projects.register_project(pmo, f"P-{n:03d}", f"Project {n}", manager="pia").id for n in range(55)]
            for stage in ("proposed", "approved", "active"):
                for pid in ids:
                    projects.move_project_to_stage(pmo, pid, stage, "gate passed")
            for n in range(12):
                logs.assign_action(pmo, f"Late {n:02d}", "pia", TODAY - timedelta(days=20 - n), project_id=ids[3])
            logs.assign_action(pmo, "Not yet due", "pia", TODAY + timedelta(days=5), project_id=ids[4])
    return ids


def codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/projects/([^"?]+)[^"]*"><span class="code">', html)


def test_the_project_list_pages_through_every_project_once_and_exports_them_all(client, portfolio, sign_in):
    sign_in("viewer")
    first = client.get("/projects").get_data(as_text=True)
    assert len(codes(first)) == 50
    assert "55 of 55 projects, 1–50 shown." in first
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert following == "/projects?page=2"
    second = client.get(following).get_data(as_text=True)
    assert codes(first) + codes(second) == [f"P-{n:03d}" for n in range(55)]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # A page past the end shows the last one; nonsense is the first.
    assert codes(client.get("/projects?page=99").get_data(as_text=True)) == codes(second)
    assert codes(client.get("/projects?page=-1").get_data(as_text=True)) == codes(first)

    # The next page keeps the filters, and the export of page 2 is still every row.
    html = client.get("/projects?stage=active&q=project").get_data(as_text=True)
    assert "55 of 55 projects match the filters" in html
    assert 'href="/projects?stage=active&amp;q=project&amp;page=2" rel="next"' in html
    exported = client.get("/projects?stage=active&q=project&page=2&format=csv").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(exported)))) == 55


def test_the_dashboard_counts_every_row_and_lists_the_ten_most_urgent(client, portfolio, sign_in):
    sign_in("viewer")
    html = client.get("/").get_data(as_text=True)
    assert "55 projects in the portfolio, 55 active" in html
    assert re.search(r'Active projects, most in need of attention first <span class="count">55</span>', html)
    assert re.search(r'Overdue actions <span class="count">12</span>', html)
    listed = re.findall(r'>(Late \d\d)</a>', html)
    assert listed == [f"Late {n:02d}" for n in range(10)]  # the longest overdue first, ten of them
    assert "(2 more)" in html and "Not yet due" not in html
    # Every active project has no report yet: all wait for one, ten are named.
    assert re.search(r'Waiting for a status report <span class="count">55</span>', html)
    assert "and 45 more" in html
    assert 'href="/projects?stage=active">All active projects</a> (45 more)' in html


def test_the_action_list_pages_with_a_total(app, client, portfolio, sign_in):
    sign_in("viewer")
    html = client.get("/actions?overdue=yes").get_data(as_text=True)
    assert 'id="action-count">12 actions.' in html and 'rel="next"' not in html
    rows = re.findall(r'<th scope="row"><a href="/actions/[^"]+">([^<]+)</a>', html)
    assert rows == [f"Late {n:02d}" for n in range(12)]
    # Each row names its project, looked up for the page's rows only.
    assert html.count('href="/projects/P-003"') == 12

    # A page of the query is a slice of the whole list, in the same order.
    from core import queries
    from web.tenancy import current_pmo

    with app.app_context():
        pmo = current_pmo()
        whole = queries.list_actions(pmo, today=TODAY)
        pages = [queries.actions_page(pmo, today=TODAY, page=n, size=4) for n in (1, 2, 3, 4)]
        assert [p.total for p in pages] == [13] * 4 and pages[3].rows == [whole[12]]
        assert [r["id"] for p in pages for r in p.rows] == [r["id"] for r in whole]
        assert pages[0].first == 1 and pages[3].last == 13 and pages[3].pages == 4
