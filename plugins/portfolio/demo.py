"""The portfolio plugin's part of the demo PMO: scoring criteria (and one alignment criterion
per strategic objective when the benefits demo wrote them first), every open project scored with a
rationale and estimated (the core demo's proposals in stage idea or proposed are the candidates), an envelope that does not fit them all, and a later weight
change with its reason, so "why did the ranking change?" has an answer; and one scenario (in
the scenario store, not the ledger) that drops the costliest proposal and delays another.

Commands are stamped after the ledger's last record (``kit.DemoClock``). Deterministic.
"""
from __future__ import annotations

import random
from datetime import date

from core import queries as core_queries
from core.pmo import PMO
from plugins import kit
from plugins.portfolio import queries, services
from plugins.portfolio.scenarios import services as scenarios

CRITERIA = [
    ("VALUE", "Business value", 30, "5: large, measurable gains for residents or the budget."),
    ("URGENCY", "Urgency", 20, "5: a deadline we cannot move (law, contract, end of support)."),
    ("RISK", "Delivery risk", 15, "5: least risky; proven technology, a team that has done it."),
]
WHY = ["Strong business case", "Few dependencies", "Supplier ready", "Legal deadline", "Unclear scope",
       "New technology", "Sponsor committed", "Savings already budgeted"]
ROLES = ("Developer", "Business analyst")
CANDIDATES = ("idea", "proposed")  # the core demo's proposals: scored and costed here like any project


def load(pmo: PMO, today: date, seed: int = 11) -> None:
    """Write the demo criteria, scores, estimates and envelope (called by ``demo_data``)."""
    rng = random.Random(seed)
    run = kit.DemoClock(pmo).run
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    with pmo.bulk():
        ids = [run("saga", "Portfolio board agreed the criteria", lambda: services.define_criterion(
            pmo, ref, name, weight, description).id) for ref, name, weight, description in CRITERIA]
        for o in queries.list_objectives(pmo):
            ids.append(run("saga", "Alignment with the strategy counts", lambda: services.define_criterion(
                pmo, f"ALIGN-{o['ref']}", f"Serves {o['title']}", 10, objective_id=o["id"]).id))
        total = 0.0
        for p in core_queries.list_projects(pmo):
            if p["stage"] in queries.ENDED:
                continue
            cells = [{"criterion_id": cid, "score": rng.randint(1, 5), "rationale": rng.choice(WHY)} for cid in ids[:3]]
            run("saga", "Quarterly portfolio review", lambda: services.score_project(pmo, p["id"], cells))
            cost = float(rng.randrange(200, 3000) * 1000)
            total += cost
            demands = [{"role": role, "period": quarter, "amount": float(rng.randrange(20, 200))} for role in ROLES]
            run("saga", "Estimate from the business case", lambda: services.estimate_project(
                pmo, p["id"], cost, must_do=p["code"].endswith("-02"), demands=demands))
        run("nora", "Council budget for the year", lambda: services.set_envelope(
            pmo, round(total * 0.6, -3), [{"role": "Developer", "period": quarter, "amount": 600.0}]))
        run("saga", "The board wants quick wins this year", lambda: services.change_criterion(
            pmo, ids[1], weight=35))
    # One scenario, in its own store: what if the costliest proposal is dropped and another waits.
    ranked = [r for r in queries.ranking(pmo) if r["stage"] in CANDIDATES and r["cost"] is not None]
    if len(ranked) >= 2:
        costly, later = max(ranked, key=lambda r: r["cost"] or 0), min(ranked, key=lambda r: r["cost"] or 0)
        scenario = run("saga", "What if we wait with the proposals?", lambda: scenarios.branch_scenario(
            pmo, "Fewer proposals this year", f"Without {costly['code']}; {later['code']} a quarter later"))
        run("saga", "Too expensive for this year", lambda: scenarios.change_scenario(
            pmo, scenario.id, "drop", project_id=costly["project_id"]))
        if later["project_id"] != costly["project_id"]:
            run("saga", "The team is busy until then", lambda: scenarios.change_scenario(
                pmo, scenario.id, "shift", project_id=later["project_id"], days=91))
