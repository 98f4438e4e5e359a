"""Fill a store with a realistic ledger, fast: ``python -m benchmarks.generate --events N``.

The shape of a large PMO over the years, about 100 events per project (so ~1,000 projects
at 100,000 events, ~10,000 at 1,000,000): programmes of related projects; projects that pass
their gates, then report monthly while active (draft and publish), plan milestones and
re-forecast the ones that slip, log decisions (a few superseded later) and actions (most
done, some updated or cancelled, some still open), keep a risk register (identified and
assessed, a response planned, reassessed, reviewed, closed or materialised into an issue),
and finally close or are cancelled. The history spans ``years`` (3 at 100k events, up to
10), in time order with backdated timestamps, so the as-of index only grows.

Every command goes through the real services (so the events are the real ones), but not one
transaction each: ``BufferedWrites`` keeps the aggregates it touched in memory and writes
their events in the order they happened, ``FLUSH_EVERY`` commands per transaction (hash
chain and snapshots included). The read models catch up once at the end.
"""
from __future__ import annotations

import argparse
import heapq
import random
import sys
import time
from collections.abc import Callable, Generator
from datetime import date, datetime, timedelta, timezone
from typing import Any

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from core.domain.errors import ConflictError, NotFoundError
from core.services import logs, portfolio, projects, reporting
from core.services.plugins import enable_plugin
from events.context import command_context

ACTORS = [f"pm{n:02d}" for n in range(40)]
PMO_STAFF = ["pia.pmo", "sara.pmo", "omar.pmo"]
RAG = ("green", "amber", "red")
EVENTS_PER_PROJECT = 80
FLUSH_EVERY = 2000  # commands per transaction
KEEP_AGGREGATES = 50_000  # past this many, the in-memory aggregates are dropped after a flush

Step = tuple[float, Callable[..., Any], tuple, dict, str, str]  # when, service, args, kwargs, actor, reason
Plan = Generator[Step, Any, None]


# --- writing in bulk through the services -------------------------------------------------

class BufferedWrites:
    """Let the services run against aggregates kept in memory; write their events in batches.

    While active, ``pmo.get``, ``pmo.exists`` and ``pmo.save`` of that one object are
    replaced: ``save`` collects the pending events in the order the commands ran, and every
    ``every`` saves they are recorded in one transaction, the way ``Application.save``
    records them (chain rows and seals included), and the due snapshots are taken. Only for
    generators: a request must write through ``PMO.save``.
    """

    def __init__(self, pmo, every: int = FLUSH_EVERY):
        self.pmo, self.ledger, self.every = pmo, pmo.ledger, every
        self.live: dict[Any, Any] = {}
        self.missing: set[Any] = set()
        self.pending = ProcessingEvent()
        self.saves = 0
        self.events = 0  # events saved so far

    def __enter__(self) -> "BufferedWrites":
        self.pmo.get, self.pmo.exists, self.pmo.save = self.get, self.exists, self.save
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if exc[0] is None:
                self.flush()
        finally:
            del self.pmo.get, self.pmo.exists, self.pmo.save

    def _load(self, aggregate_id):
        aggregate = self.live.get(aggregate_id)
        if aggregate is None and aggregate_id not in self.missing:
            try:
                aggregate = self.live[aggregate_id] = self.ledger.repository.get(aggregate_id)
            except AggregateNotFoundError:
                self.missing.add(aggregate_id)
        return aggregate

    def get(self, cls, aggregate_id, expected_version=None):
        aggregate = self._load(aggregate_id)
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"no {cls.__name__.lower()} {aggregate_id}")
        if expected_version is not None and aggregate.version != expected_version:
            raise ConflictError("changed meanwhile", current_version=aggregate.version)
        return aggregate

    def exists(self, aggregate_id) -> bool:
        return self._load(aggregate_id) is not None

    def save(self, *aggregates) -> None:
        for aggregate in aggregates:
            # What ProcessingEvent.collect_events does, without its costly protocol checks.
            events = aggregate.collect_events()
            self.pending.events.extend(events)
            self.pending.aggregates[aggregate.id] = aggregate
            self.events += len(events)
            self.live[aggregate.id] = aggregate
            self.missing.discard(aggregate.id)
        self.saves += 1
        if self.saves >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.pending.events:
            self.ledger._record(self.pending)
            self.ledger._take_snapshots(self.pending)
        self.pending, self.saves = ProcessingEvent(), 0
        if len(self.live) > KEEP_AGGREGATES:
            self.live.clear()  # all written: they load again from the store when needed


# --- what happens in a project's life -----------------------------------------------------

DAY = 86400.0


class World:
    """Shared state of the generated PMO: the clock's span and the programmes."""

    def __init__(self, rng: random.Random, start: datetime, years: float, risk: bool):
        self.rng = rng
        self.start = start
        self.span = years * 365 * DAY
        self.risk = risk
        self.programmes: list[Any] = []

    def day(self, when: float) -> date:
        return (self.start + timedelta(seconds=when)).date()


def project_life(world: World, number: int, begins: float) -> Plan:
    """One project from intake to closure, as the commands its people would give."""
    rng, t = world.rng, begins
    manager = rng.choice(ACTORS)
    end = world.span
    programme = rng.choice(world.programmes).id if world.programmes and rng.random() < 0.6 else None
    project = yield (t, projects.register_project, (), dict(
        code=f"G-{number:05d}", name=f"Project {number}", manager=manager, sponsor=rng.choice(PMO_STAFF),
        programme_id=programme, start_date=world.day(t)), manager, "intake")
    pid = project.id
    cancelled_early = rng.random() < 0.08
    for stage in ("proposed", "approved", "active"):
        t += rng.uniform(7, 45) * DAY
        if t >= end:
            return
        if cancelled_early and stage == "approved":
            yield (t, projects.move_project_to_stage, (pid, "cancelled", "Not approved: no budget"), {},
                   "pia.pmo", "gate")
            return
        yield (t, projects.move_project_to_stage, (pid, stage, f"Gate to {stage}"), {}, "pia.pmo", "gate")

    months = rng.randint(6, 24)
    closes_at = t + months * 30 * DAY
    milestones: list[list] = []  # [id, forecast day]
    for k in range(rng.randint(3, 6)):
        t += rng.uniform(0.1, 2) * DAY
        due = world.day(t) + timedelta(days=int((k + 1) * months * 30 / 6 + rng.randint(-10, 30)))
        m = yield (t, reporting.plan_milestone, (pid, f"Milestone {k + 1}", due), {}, manager, "plan")
        milestones.append([m.id, due])

    # The project's other activity between monthly reports, drawn month by month.
    actions: list[Any] = []
    decisions: list[Any] = []
    risks: dict[str, Any] = {"open": [], "count": 0}
    overall = "green"
    period_start = world.day(t)
    for month in range(months):
        month_start = t
        for _ in range(rng.choice((0, 1, 1, 2))):  # actions assigned this month
            at = month_start + rng.uniform(0, 28) * DAY
            a = yield (at, logs.assign_action, (f"Action {number}.{len(actions) + 1}", rng.choice(ACTORS),
                                                world.day(at) + timedelta(days=rng.randint(7, 45)), pid), {},
                       manager, "follow-up")
            actions.append([a.id, at])
        for entry in [a for a in actions if a[1] is not None and a[1] < month_start - 20 * DAY]:
            roll = rng.random()
            at = month_start + rng.uniform(0, 28) * DAY
            if roll < 0.55:
                yield (at, logs.close_action, (entry[0], "Done"), {}, manager, "done")
                entry[1] = None
            elif roll < 0.62:
                yield (at, logs.cancel_action, (entry[0], "No longer needed"), {}, manager, "cancelled")
                entry[1] = None
            elif roll < 0.72:
                yield (at, logs.update_action, (entry[0],), dict(
                    due_date=world.day(at) + timedelta(days=rng.randint(7, 30))), manager, "new due date")
        actions = [a for a in actions if a[1] is not None]
        if rng.random() < 0.3:
            at = month_start + rng.uniform(0, 28) * DAY
            d = yield (at, logs.record_decision, (), dict(
                title=f"Decision {number}.{len(decisions) + 1}", decision="Proceed as proposed",
                decided_by="Steering group", decided_on=world.day(at), rationale="Best value",
                project_id=pid), "pia.pmo", "steering")
            if decisions and rng.random() < 0.15:
                yield (at + 600, logs.supersede_decision, (decisions[-1], d.id), {}, "pia.pmo", "superseded")
            decisions.append(d.id)
        for m in milestones:
            if m[1] is not None and rng.random() < 0.12:
                m[1] = m[1] + timedelta(days=rng.randint(7, 60))
                yield (month_start + rng.uniform(0, 28) * DAY, reporting.reforecast_milestone, (m[0], m[1]), {},
                       manager, "replan")
        for m in milestones:
            if m[1] is not None and m[1] <= world.day(month_start + 28 * DAY):
                yield (month_start + rng.uniform(20, 28) * DAY, reporting.achieve_milestone, (m[0], m[1]), {},
                       manager, "met")
                m[1] = None
        if world.risk:
            yield from risk_month(world, rng, pid, manager, month_start, risks, month == 0)
        t = month_start + 30 * DAY
        if t >= end:
            return
        overall = rng.choice(RAG) if rng.random() < 0.25 else overall
        period_end = world.day(t)
        yield (t, reporting.submit_status_report, (pid,), dict(
            period_start=period_start, period_end=period_end, overall=overall, schedule=rng.choice(RAG),
            cost=rng.choice(RAG), scope=rng.choice(RAG), summary=f"Month {month + 1}",
            progress_pct=min(100, int(100 * (month + 1) / months))), manager, "monthly report")
        period_start = period_end

    t = max(t, closes_at) + rng.uniform(1, 20) * DAY
    if t < end:
        yield (t, projects.move_project_to_stage, (pid, "closed", "Benefits handed over"), {},
               "pia.pmo", "closure gate")


def risk_month(world: World, rng: random.Random, pid, manager: str, month_start: float,
               risks: dict, first: bool) -> Plan:
    """A month of the project's risk register (the risk plugin's services)."""
    from plugins.risk import services as risk

    for _ in range(rng.randint(2, 4) if first else int(rng.random() < 0.25)):
        at = month_start + rng.uniform(0, 10) * DAY
        p, i = rng.randint(1, 5), rng.randint(1, 5)
        risks["count"] += 1
        r = yield (at, risk.identify_risk, (f"Risk {risks['count']}", manager), dict(
            project_id=pid, ref=f"R-{risks['count']:03d}", category=rng.choice(("schedule", "supplier", "technical")),
            probability=p, impact=i, review_date=world.day(at) + timedelta(days=60)), manager, "identified")
        yield (at + 3 * DAY, risk.plan_response, (r.id, "reduce", "Mitigate early"), {}, manager, "response")
        risks["open"].append(r.id)
    for rid in list(risks["open"]):
        roll = rng.random()
        at = month_start + rng.uniform(10, 28) * DAY
        if roll < 0.08:
            yield (at, risk.assess_risk, (rid, "residual", rng.randint(1, 3), rng.randint(1, 4)), {}, manager,
                   "reassessed")
        elif roll < 0.14:
            yield (at, risk.review_risk, (rid, world.day(at) + timedelta(days=60)), {}, manager, "reviewed")
        elif roll < 0.17:
            yield (at, risk.close_risk, (rid, "Passed"), {}, manager, "closed")
            risks["open"].remove(rid)
        elif roll < 0.18:
            yield (at, risk.materialise_risk, (rid,), {}, manager, "it happened")
            risks["open"].remove(rid)


# --- the driver ---------------------------------------------------------------------------

def generate(pmo, events: int, start: date, seed: int = 7, progress=None, years: float | None = None) -> int:
    """Write about ``events`` events (it stops at the first command past that); returns the head."""
    rng = random.Random(seed)
    years = years or min(10.0, max(3.0, 3 * events / 100_000))
    origin = datetime.combine(start, datetime.min.time(), timezone.utc)
    risk = "risk" in pmo.plugins
    world = World(rng, origin, years, risk)
    n_projects = max(3, events // EVENTS_PER_PROJECT)

    with command_context("pia.pmo", "set up", occurred_at=origin):
        portfolio.establish_portfolio(pmo, "Generated portfolio")
        if risk and "risk" not in pmo.enabled_plugins():
            enable_plugin(pmo, "risk")

    # Projects arrive evenly over the span; the last ones are still running "today".
    intake = sorted(rng.uniform(DAY, world.span * 0.95) for _ in range(n_projects))
    queue: list[tuple[float, int, Plan, Any]] = []
    seq = 0
    last = 0.0
    with pmo.bulk(), BufferedWrites(pmo) as writes:
        with command_context("pia.pmo", "set up", occurred_at=origin + timedelta(seconds=1)):
            for k in range(max(1, n_projects // 25)):
                world.programmes.append(portfolio.register_programme(
                    pmo, f"PG-{k + 1:03d}", f"Programme {k + 1}", manager=rng.choice(PMO_STAFF)))
        for number, begins in enumerate(intake, 1):
            plan = project_life(world, number, begins)
            step = next(plan)
            heapq.heappush(queue, (step[0], seq, plan, step))
            seq += 1
        while queue and writes.events < events:
            when, _, plan, (_, service, args, kwargs, actor, reason) = heapq.heappop(queue)
            when = last = max(when, last + 0.001)  # strictly increasing recorded time
            with command_context(actor, reason, occurred_at=origin + timedelta(seconds=when)):
                result = service(pmo, *args, **kwargs)
            if progress is not None and seq % 1000 == 0:
                progress(writes.events)
            try:
                step = plan.send(result)
            except StopIteration:
                continue
            heapq.heappush(queue, (step[0], seq, plan, step))
            seq += 1
    return pmo.ledger.max_position()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--store", default=None, help="PMO_STORE URL (default: $PMO_STORE or var/pmo.sqlite)")
    parser.add_argument("--start", default="2016-01-01", help="date of the first event")
    parser.add_argument("--years", type=float, default=None, help="span of the history (default: by size)")
    args = parser.parse_args(argv)
    from web.tenancy import open_pmo

    pmo = open_pmo(args.store)
    if pmo.ledger.max_position():
        print("the store is not empty; generate into a new one", file=sys.stderr)
        return 2
    began = time.perf_counter()
    total = generate(pmo, args.events, date.fromisoformat(args.start), years=args.years,
                     progress=lambda n: print(f"\r{n:>9,} / {args.events:,} events", end="", file=sys.stderr))
    took = time.perf_counter() - began
    print(f"\n{total:,} events in {took:.1f} s ({total / took:,.0f} events/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
