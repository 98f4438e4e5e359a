"""The plugin's part of the demo PMO: budgets for the projects that got going, with monthly
costs over the demo year. Business dates (when a cost was incurred) lie in that year; the
events themselves are recorded after the core's history (``kit.DemoClock``), as the hook asks."""
from __future__ import annotations

import random
from datetime import date, timedelta

from core import queries as core_queries
from plugins import kit
from pmo_budget import services


def load(pmo, today: date, seed: int = 7) -> None:
    rng = random.Random(seed)
    clock = kit.DemoClock(pmo)
    for project in core_queries.list_projects(pmo):
        if project["stage"] in ("idea", "proposed", "cancelled"):
            continue
        amount = rng.randrange(80, 900) * 1_000
        clock.run("saga", "Budget approved by the steering group",
                  lambda p=project, a=amount: services.set_budget(pmo, p["id"], a, "EUR"))
        # Spending runs at 60-125% of plan, so a few projects end up watched or over.
        pace = rng.uniform(0.6, 1.25)
        months = 10 if project["stage"] == "closed" else rng.randrange(3, 10)
        for month in range(months, 0, -1):
            cost = int(amount * pace / 10 * rng.uniform(0.7, 1.3))
            day = today - timedelta(days=30 * month)
            clock.run("saga", "Monthly invoices booked", lambda p=project, c=cost, d=day: services.record_cost(
                pmo, p["id"], c, d, f"Invoices {d:%B %Y}"))
