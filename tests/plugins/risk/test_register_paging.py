"""The register fifty at a time: a page sorted and counted by the database is exactly a slice
of the whole register in Python's order, for every sort; the dashboard widget counts them all."""
from __future__ import annotations

import re
from datetime import date, timedelta

from events.context import command_context
from plugins.risk import queries, services

TODAY = date.today()
SORTS = ("-score", "score", "ref", "-title", "level", "-level", "project", "-project", "review_date",
         "-review_date", "owner", "proximity")


def test_register_pages_are_slices_of_the_sorted_register(enabled, places, sign_in):
    pmo = enabled
    # Risks in two projects, the programme and the portfolio; some unassessed, some with equal
    # scores, review dates in the past, the future or none: ties and empty values on every sort.
    grid = [(4, 4), (4, 4), (3, 2), None, (5, 5), (2, 3), (1, 1), None, (4, 4)]
    with command_context("pmo-user", "the register"):
        for n, assessed in enumerate(grid):
            where = [{"project_id": places["P-OWN"]}, {"project_id": places["P-OTHER"]},
                     {"scope": "programme", "programme_id": places["PRG"]}, {"scope": "portfolio"}][n % 4]
            score = dict(zip(("probability", "impact"), assessed)) if assessed else {}
            services.identify_risk(pmo, f"Risk {chr(90 - n)}", f"owner-{n % 3}", **where, **score,
                                   review_date=TODAY + timedelta(days=(n % 3 - 1) * 10) if n % 4 else None,
                                   proximity=TODAY + timedelta(days=n) if n % 2 else None)
    for sort in SORTS:
        whole = [r["id"] for r in queries.list_risks(pmo, today=TODAY, sort=sort)]
        pages = [queries.risks_page(pmo, today=TODAY, page=n, size=4, sort=sort) for n in (1, 2, 3)]
        assert [r["id"] for p in pages for r in p.rows] == whole, sort
        assert {p.total for p in pages} == {len(grid)}
    # Each row of a page carries its place and mitigation state, as the full list's do.
    first = queries.risks_page(pmo, today=TODAY, size=4).rows[0]
    assert first["where"] and "mitigations" in first and "review_due" in first

    # The page shows its total and the next page; the widget counts every open risk by level.
    client = sign_in("viewer")
    html = client.get("/risks/").get_data(as_text=True)
    assert f'id="risk-count">{len(grid)} risks.' in html
    widget = client.get("/").get_data(as_text=True)
    counts = dict(re.findall(r'risk-level-(\w+)">\w+</span> <a href="[^"]+">(\d+) open', widget))
    every = queries.list_risks(pmo, today=TODAY)
    assert counts == {level: str(sum(r["level"] == level for r in every))
                      for level in ("low", "medium", "high", "critical")}
