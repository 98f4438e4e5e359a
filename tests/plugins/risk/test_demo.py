"""The risk register of the demo PMO: a believable year, written after the core's year."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core import queries as core_queries
from core.demo import load_demo
from plugins.risk import queries
from web.tenancy import open_pmo

TODAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo():
    pmo = open_pmo("memory://", entry_points=False)
    load_demo(pmo, TODAY)
    yield pmo
    pmo.close()


def test_about_sixty_risks_and_fifteen_issues_across_the_projects(demo):
    risks = queries.list_risks(demo, status="all", today=TODAY)
    issues = queries.list_issues(demo, status="all")
    assert 55 <= len(risks) <= 75 and 12 <= len(issues) <= 20
    assert len({r["project_id"] for r in risks if r["project_id"]}) >= 10
    assert {r["scope"] for r in risks} == {"project", "programme", "portfolio"}
    assert Counter(r["kind"] for r in risks)["opportunity"] >= 3
    assert Counter(r["status"] for r in risks).keys() == {"open", "closed", "materialised"}
    assert any(i["risk_id"] for i in issues) and any(i["risk_id"] is None for i in issues)
    assert {i["escalation"] for i in issues} >= {"project", "portfolio"}


def test_risks_were_reassessed_over_the_year(demo):
    risks = queries.list_risks(demo, status="all", today=TODAY)
    counts = [r["assessments"] for r in risks]
    assert min(counts) >= 2 and max(counts) >= 4
    days = [a["assessed_on"] for r in risks[:10] for a in queries.risk_assessments(demo, r["id"])]
    assert min(days) < TODAY - timedelta(days=200) and max(days) < TODAY


def test_critical_risks_reviews_due_and_overdue_mitigations(demo):
    open_risks = queries.list_risks(demo, today=TODAY)
    assert any(r["level"] == "critical" for r in open_risks)
    assert 3 <= sum(r["review_due"] for r in open_risks) <= 20
    mitigated = [r for r in queries.list_risks(demo, status="all", today=TODAY) if r["mitigations"]]
    assert len(mitigated) >= 20
    assert any(r["overdue_mitigations"] for r in mitigated)
    actions = core_queries.list_actions(demo, today=TODAY)
    assert sum(a["title"].startswith(("Document", "Book", "Run")) for a in actions) >= 3


def test_written_by_the_people_in_time_order_after_the_core_year(demo):
    log = demo.log_index.table
    with demo.read() as conn:
        rows = conn.execute(sa.select(log.c.topic, log.c.actor, log.c.occurred_at).order_by(log.c.position)).all()
    stamps = [r.occurred_at for r in rows]
    assert stamps == sorted(stamps) and stamps[-1].date() < TODAY
    risk_actors = Counter(r.actor for r in rows if r.topic.startswith("risk."))
    assert {"saga", "joris", "lena", "mehmet"} <= set(risk_actors)
