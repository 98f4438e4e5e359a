"""Fill a store with a realistic ledger, fast: ``python -m benchmarks.generate --events N``.

Projects arrive over the years and pass their gates; active ones report monthly, plan and
slip milestones, log decisions and actions. Everything goes through the services (so the
events are the real ones) in time order with backdated timestamps, in bulk mode: the read
models catch up once at the end.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone

from core.services import logs, portfolio, projects, reporting
from events.context import command_context
from web.tenancy import open_pmo

ACTORS = ["pia.pmo", "bo.manager", "eva.manager", "lars.manager", "sara.pmo"]
RAG = ["green"] * 6 + ["amber"] * 3 + ["red"]


def generate(pmo, events: int, start: date, seed: int = 7, progress=None) -> int:
    rng = random.Random(seed)
    days = max(365, events // 250)  # about 250 events a day: a busy, large PMO
    clock = datetime.combine(start, datetime.min.time(), timezone.utc)
    step = timedelta(days=days) / max(events, 1)
    active: list = []
    n = 0

    def do(actor, reason, fn, *args, **kwargs):
        nonlocal clock, n
        clock += step
        with command_context(actor, reason, occurred_at=clock):
            result = fn(pmo, *args, **kwargs)
        n = pmo.ledger.max_position()
        if progress is not None and n // 1000 != (n - 1) // 1000:
            progress(n)
        return result

    with pmo.bulk():
        do("pia.pmo", "set up", portfolio.establish_portfolio, "Generated portfolio")
        counter = 0
        while n < events:
            today = clock.date()
            if not active or rng.random() < 0.08:
                counter += 1
                project = do(rng.choice(ACTORS), "intake", projects.register_project, code=f"G-{counter:05d}",
                             name=f"Project {counter}", manager=rng.choice(ACTORS), start_date=today)
                for stage in ("proposed", "approved", "active"):
                    do("pia.pmo", "gate", projects.move_project_to_stage, project.id, stage, f"Gate to {stage}")
                milestone = do(project.manager, "plan", reporting.plan_milestone, project.id, "Go-live",
                               today + timedelta(days=rng.randint(60, 400)))
                active.append([project, milestone, today])
                continue
            entry = rng.choice(active)
            project, milestone, last_report = entry
            roll = rng.random()
            if roll < 0.45:
                end = last_report + timedelta(days=30)
                do(project.manager, "monthly report", reporting.submit_status_report, project.id,
                   period_start=last_report, period_end=end, overall=rng.choice(RAG), schedule=rng.choice(RAG),
                   cost=rng.choice(RAG), scope=rng.choice(RAG), summary="Generated", progress_pct=rng.randint(0, 100))
                entry[2] = end
            elif roll < 0.60:
                action = do(project.manager, "follow-up", logs.assign_action, f"Action {n}", project.manager,
                            today + timedelta(days=rng.randint(-5, 30)), project.id)
                if rng.random() < 0.7:
                    do(project.manager, "done", logs.close_action, action.id, "Done")
            elif roll < 0.70:
                do("pia.pmo", "steering", logs.record_decision, title=f"Decision {n}", decision="Proceed",
                   decided_by="Steering group", decided_on=today, rationale="Best value", project_id=project.id)
            elif roll < 0.80:
                try:
                    do(project.manager, "replan", reporting.reforecast_milestone, milestone.id,
                       today + timedelta(days=rng.randint(30, 200)))
                except Exception:  # achieved already: nothing to reforecast
                    pass
            elif roll < 0.83 and len(active) > 5:
                do("pia.pmo", "gate", projects.move_project_to_stage, project.id,
                   rng.choice(["closed", "cancelled"]), "Closure gate")
                active.remove(entry)
    return pmo.ledger.max_position()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--store", default=None, help="PMO_STORE URL (default: $PMO_STORE or var/pmo.sqlite)")
    parser.add_argument("--start", default="2024-01-01", help="date of the first event")
    args = parser.parse_args(argv)
    pmo = open_pmo(args.store)
    if pmo.ledger.max_position():
        print("the store is not empty; generate into a new one", file=sys.stderr)
        return 2
    began = time.perf_counter()
    total = generate(pmo, args.events, date.fromisoformat(args.start),
                     progress=lambda n: print(f"\r{n:>9,} / {args.events:,} events", end="", file=sys.stderr))
    print(f"\n{total:,} events in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
