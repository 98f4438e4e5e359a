"""The benefits plugin's part of the demo PMO: four strategic objectives, a dozen benefits
and two dis-benefits, with two years of measurements; some ahead of plan, some behind.

The core demo has written its year, and the ledger's time only grows, so these commands are
stamped a couple of seconds apart *after* the ledger's last record (``kit.DemoClock``), each
by the person who would have done it. The two years live in the business dates: baselines two
years back, a measurement every month, quarter or half-year since, targets ahead. Benefits
of projects the core demo closed are handed over by the closure policy (``projections.py``).
Deterministic: the same ``today`` gives the same story.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from core import queries as core_queries
from core.pmo import PMO
from plugins import kit
from plugins.benefits import services
from plugins.benefits.domain import Benefit
from plugins.benefits.realisation import add_months, planned_at

OBJECTIVES = [
    ("O-001", "Faster, simpler services for residents", "nora", "Most errands done online, decided within days."),
    ("O-002", "Lower running costs", "nora", "SEK 5 million a year less spent on running the municipality."),
    ("O-003", "A workplace people want to come to", "mehmet", "Staff satisfaction and quick onboarding."),
    ("O-004", "Climate-neutral operations by 2030", "saga", "Energy use and emissions down every year."),
]
# ref, title, kind, category, type, indicator, unit, baseline, target, frequency, objectives, projects,
# owner, post-project owner, pace (actual progress / planned progress: below 0.9 falls behind)
Spec = tuple[str, str, str, str, str, str, str, float, float, str, tuple, tuple, str, str, float]
BENEFITS: list[Spec] = [
    ("B-001", "More permit applications online", "benefit", "non-financial", "quality", "Share of applications made "
     "online", "%", 15, 70, "monthly", ("O-001",), ("DIG-01", "DIG-08"), "joris", "nora", 1.0),
    ("B-002", "Quicker permit decisions", "benefit", "non-financial", "efficiency", "Average days to a decision",
     "days", 42, 21, "monthly", ("O-001",), ("DIG-03",), "joris", "lena", 0.5),
    ("B-003", "Less printing and postage", "benefit", "financial", "cost_saving", "Printing and postage cost",
     "SEK/year", 1_200_000, 450_000, "quarterly", ("O-002",), ("DIG-02",), "saga", "saga", 1.05),
    ("B-004", "Fewer calls to the contact centre", "benefit", "non-financial", "efficiency", "Calls per month",
     "calls", 9000, 6000, "monthly", ("O-001", "O-002"), ("DIG-05", "DIG-01"), "joris", "nora", 0.4),
    ("B-005", "Lower office rent", "benefit", "financial", "cost_saving", "Rent of office space", "SEK/year",
     6_500_000, 5_200_000, "half-yearly", ("O-002",), ("WPL-01",), "mehmet", "saga", 0.95),
    ("B-006", "Staff like their workplace", "benefit", "non-financial", "satisfaction", "Workplace satisfaction "
     "(survey, 1-5)", "score", 3.1, 4.0, "quarterly", ("O-003",), ("WPL-01", "WPL-04"), "mehmet", "mehmet", 0.7),
    ("B-007", "Less electricity in the depots", "benefit", "financial", "cost_saving", "Electricity use in depots",
     "MWh/year", 850, 560, "quarterly", ("O-004", "O-002"), ("WPL-03",), "mehmet", "saga", 1.1),
    ("B-008", "Shorter budget round", "benefit", "non-financial", "efficiency", "Length of the budget round",
     "weeks", 14, 8, "quarterly", ("O-002",), ("FIN-01",), "saga", "saga", 1.0),
    ("B-009", "New staff productive sooner", "benefit", "non-financial", "quality", "Weeks to full productivity",
     "weeks", 12, 6, "quarterly", ("O-003",), ("HR-01",), "lena", "lena", 0.55),
    ("B-010", "Projects report on time", "benefit", "non-financial", "compliance", "Status reports in on time",
     "%", 40, 90, "monthly", ("O-002",), ("PMO-01",), "saga", "saga", 1.0),
    ("B-011", "Cloud licence costs", "dis-benefit", "financial", "other", "Licence cost of new cloud services",
     "SEK/year", 0, 380_000, "quarterly", ("O-002",), ("DIG-03", "DIG-01"), "saga", "saga", 1.3),
    ("B-012", "Longer walk to the paper archive", "dis-benefit", "non-financial", "other", "Minutes per archive "
     "retrieval", "minutes", 2, 6, "quarterly", ("O-001",), ("DIG-07",), "lena", "lena", 0.9),
    ("B-013", "Staff charge their cars at work", "benefit", "non-financial", "other", "Charging sessions per month",
     "sessions", 0, 400, "monthly", ("O-004",), ("WPL-07",), "mehmet", "mehmet", 1.0),
]
NOTES = ["From the monthly system report.", "Finance's figure for the period.", "Survey result.",
         "Counted by the service desk.", "Estimated; the report was late.", ""]


def load(pmo: PMO, today: date, seed: int = 11) -> None:
    """Write the demo objectives, benefits and measurements (called by the ``demo_data`` hook)."""
    rng = random.Random(seed)
    clock = kit.DemoClock(pmo)
    run = clock.run
    projects = {p["code"]: p["id"] for p in core_queries.list_projects(pmo)}
    start = today - timedelta(days=760)
    last_day = min(today - timedelta(days=2), clock.at.date())  # never after the commands' own day
    with pmo.bulk():
        objectives = {}
        for ref, title, owner, description in OBJECTIVES:
            objectives[ref] = run("saga", "Strategy 2024-2030 adopted by the council", lambda: services.define_objective(
                pmo, title, owner, date(start.year, 1, 1), date(start.year + 6, 12, 31), description, ref=ref)).id
        for n, spec in enumerate(BENEFITS):
            (ref, title, kind, category, kind_of, indicator, unit, baseline, target, frequency, objs, codes, owner,
             after, pace) = spec
            unmeasured = ref == "B-013"
            baseline_date = today - timedelta(days=40) if unmeasured else start + timedelta(days=7 * n)
            target_date = today + timedelta(days=120 + 30 * n)
            benefit = run(owner, "Benefit agreed in the business case", lambda: services.register_benefit(
                pmo, title, owner, indicator, unit, float(baseline), baseline_date, float(target), target_date,
                kind=kind, category=category, benefit_type=kind_of, frequency=frequency, post_project_owner=after,
                description=f"{title}. Agreed with {owner} in the business case.", ref=ref,
                objective_ids=[objectives[o] for o in objs],
                enablers=[{"project_id": projects[c], "output": f"{c} go-live"} for c in codes if c in projects]))
            if unmeasured:
                continue
            row = {"baseline_value": float(baseline), "target_value": float(target), "baseline_date": baseline_date,
                   "target_date": target_date}
            months = {"monthly": 1, "quarterly": 3, "half-yearly": 6}[frequency]
            k, day = 1, add_months(baseline_date, months)
            while day <= last_day:
                planned = planned_at(row, day) - baseline
                value = baseline + planned * pace * rng.uniform(0.95, 1.05)
                value = round(value, 1 if abs(target - baseline) < 100 else 0)
                run(after if k > 12 else owner, "Periodic benefit measurement",
                    lambda: services.measure_benefit(pmo, benefit.id, value, day, rng.choice(NOTES)))
                k, day = k + 1, add_months(baseline_date, months * (k + 1))
        run("saga", "The service desk counts the calls now", lambda: services.hand_over_benefit(
            pmo, Benefit.create_id("B-004"), "nora", "Measured by the contact centre manager from the next quarter."))

