"""Roll-up, roadmap and bubbles over a year of core history written before the portfolio plugin
was enabled (issue #8): enabled late, it shows that year at every moment, from core events."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from core.services import portfolio, projects, reporting
from core.services.plugins import enable_plugin
from events.context import command_context
from plugins.portfolio import roadmap, roadmap_charts, rollup

YEAR_START = datetime(2024, 1, 1, 9, tzinfo=timezone.utc)


def day(n: int) -> datetime:
    return YEAR_START + timedelta(days=n)


def report(pmo, project_id, n: int, rag: str) -> None:
    with command_context("pia", "monthly report", occurred_at=day(n)):
        reporting.submit_status_report(pmo, project_id, period_start=day(n - 30).date(), period_end=day(n).date(),
                                       overall=rag, schedule=rag, cost="green", scope="green")


@pytest.fixture
def year(pmo):
    """A year of core events: two programmes, four projects, reports, milestones slipping."""
    with command_context("pia", "set up", occurred_at=day(0)):
        dig = portfolio.register_programme(pmo, "DIG", "Digital")
        wpl = portfolio.register_programme(pmo, "WPL", "Workplace")
        ids = {code: projects.register_project(pmo, code, f"Project {code}", programme_id=prog.id,
                                               start_date=date(2024, 2, 1), end_date=date(2024, 12, 31)).id
               for code, prog in (("DIG-01", dig), ("DIG-02", dig), ("WPL-01", wpl))}
        ids["LATE-01"] = projects.register_project(pmo, "LATE-01", "Registered late").id
        pilot = reporting.plan_milestone(pmo, ids["DIG-01"], "Pilot", date(2024, 3, 1))
        reporting.plan_milestone(pmo, ids["WPL-01"], "Go-live", date(2024, 11, 30))
    report(pmo, ids["DIG-01"], 40, "green")
    report(pmo, ids["DIG-02"], 45, "amber")
    with command_context("pia", "supplier late", occurred_at=day(50)):
        reporting.reforecast_milestone(pmo, pilot.id, date(2024, 6, 1))
    report(pmo, ids["DIG-01"], 200, "red")
    with command_context("pia", "stopped", occurred_at=day(250)):
        projects.move_project_to_stage(pmo, ids["DIG-02"], "cancelled", "No longer needed")
    with command_context("admin", "P3M3 level 4", occurred_at=day(366)):
        enable_plugin(pmo, "portfolio")
    return ids


def position(pmo, n: int) -> int:
    from core.asof import position_at

    return position_at(pmo, day(n))


def test_enabled_after_a_year_the_rollup_shows_that_year_at_every_moment(pmo, year):
    now = rollup.rollup(pmo, None, date(2025, 1, 2))
    by_code = {r["code"]: r for r in now["programmes"]}
    assert by_code["DIG"]["projects"] == 1 and by_code["DIG"]["rag"] == {"red": 1, "amber": 0, "green": 0, "none": 0}
    assert by_code["DIG"]["slipping"] == 1  # the pilot: forecast after its baseline (and overdue by now)
    assert by_code["WPL"]["rag"]["none"] == 1 and by_code["WPL"]["slipping"] == 1  # go-live overdue by 2025
    assert by_code[""]["name"] == "No programme"
    # As of day 46, long before the plugin existed: DIG-02 still open and amber, DIG-01 green, no slip yet.
    early = {r["code"]: r for r in rollup.rollup(pmo, position(pmo, 46), day(46).date())["programmes"]}
    assert early["DIG"]["projects"] == 2
    assert early["DIG"]["rag"] == {"red": 0, "amber": 1, "green": 1, "none": 0}
    assert early["DIG"]["slipping"] == 0 and early["WPL"]["slipping"] == 0
    assert early[""]["projects"] == 1 and early[""]["rag"]["none"] == 1  # LATE-01, no programme, no report
    before_anything = rollup.rollup(pmo, 0, date(2023, 12, 31))
    assert before_anything["programmes"] == [] and before_anything["total"]["projects"] == 0


def test_the_roadmap_and_bubbles_draw_the_portfolio_as_it_was(pmo, year):
    then = roadmap.roadmap(pmo, position(pmo, 46))
    dig = next(g for g in then["programmes"] if g["code"] == "DIG")
    assert [p["code"] for p in dig["projects"]] == ["DIG-01", "DIG-02"]
    assert dig["projects"][0]["milestones"][0]["date"] == date(2024, 3, 1)
    now = roadmap.roadmap(pmo)
    pilot = next(g for g in now["programmes"] if g["code"] == "DIG")["projects"][0]["milestones"][0]
    assert pilot["date"] == date(2024, 6, 1) and pilot["slipping"]
    assert [u["code"] for u in now["undated"]] == ["LATE-01"]
    chart = str(roadmap_charts.gantt("g", now, date(2025, 1, 2), lambda code: f"/projects/{code}"))
    assert chart.count('<a href="/projects/') == 3 and "<title" in chart and "<desc" in chart
    assert "today 02 Jan 2025" in chart and "DIG-02 (cancelled)" in chart
    points = roadmap.bubbles(pmo)
    assert points["points"] == [] and "RISK criterion" in points["source"]


def test_rollup_page_api_export_and_dashboard_widget(app, client, people):
    from tests.conftest import auth, login
    from web.tenancy import current_pmo

    with app.app_context():
        pmo = current_pmo()
        with command_context("pia", "set up"):
            enable_plugin(pmo, "portfolio")
            prog = portfolio.register_programme(pmo, "DIG", "Digital")
            p = projects.register_project(pmo, "DIG-01", "Portal", programme_id=prog.id,
                                          start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
            reporting.submit_status_report(pmo, p.id, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                           overall="amber", schedule="amber", cost="green", scope="green")
    token = people["viewer"]["token"]
    api = client.get("/api/portfolio/rollup", headers=auth(token)).get_json()
    assert api["programmes"][0]["rag"]["amber"] == 1
    old = client.get("/api/portfolio/rollup?as_of=2000-01-01", headers=auth(token))
    assert old.get_json()["total"]["projects"] == 0 and old.headers["X-As-Of-Position"] == "0"
    assert client.get("/api/portfolio/rollup?as_of=never", headers=auth(token)).status_code == 422
    roadmap_api = client.get("/api/portfolio/roadmap", headers=auth(token)).get_json()
    assert roadmap_api["programmes"][0]["projects"][0]["code"] == "DIG-01"
    login(client, people["viewer"]["username"], people["viewer"]["password"])
    page = client.get("/portfolio/rollup").get_data(as_text=True)
    assert "portfolio-rollup" in page and "A 1" in page
    csv = client.get("/portfolio/rollup?format=csv")
    assert csv.status_code == 200 and "DIG,Digital,1,0,1,0" in csv.get_data(as_text=True)
    assert client.get("/portfolio/ranking?format=xlsx").status_code == 200
    assert "in,DIG-01" not in client.get("/portfolio/selection?format=csv").get_data(as_text=True)
    assert 'id="portfolio-rollup-widget"' in client.get("/").get_data(as_text=True)
    roadmap_page = client.get("/portfolio/roadmap").get_data(as_text=True)
    assert 'class="chart portfolio-roadmap"' in roadmap_page and 'href="/projects/DIG-01"' in roadmap_page
    assert "No project has dates" in client.get("/portfolio/roadmap?as_of=2000-01-01").get_data(as_text=True)
