"""The store contract: the same scenario behaves the same on memory, SQLite and PostgreSQL.

A project is registered, passes its gates, reports, gets an action that is done, and closes.
Every store must give the same read models, the same metadata on every event, a gap-free
ordered log, optimistic concurrency that writes nothing on a clash, and a rebuild that
restores the read models row for row.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core.domain.errors import ConflictError
from core.domain.project import Project
from core.services import logs, projects, reporting
from events.context import command_context
from web.tenancy import open_pmo

START = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def ledger_pmo(store_url):
    pmo = open_pmo(store_url, entry_points=False)
    yield pmo
    pmo.close()


class Scenario:
    """Runs the commands, each in its own context with a known actor, reason, id and time."""

    def __init__(self, pmo):
        self.pmo = pmo
        self.contexts: list[tuple[str, str, str, datetime]] = []

    def step(self, actor: str, reason: str):
        n = len(self.contexts) + 1
        ctx = (actor, reason, f"corr-{n}", START + timedelta(minutes=n))
        self.contexts.append(ctx)
        return command_context(actor, reason, ctx[2], occurred_at=ctx[3])

    def run(self) -> uuid.UUID:
        pmo = self.pmo
        with self.step("pia", "New project from the portfolio board"):
            project = projects.register_project(pmo, "P-1", "Pilot e-services", manager="max",
                                                start_date=date(2025, 3, 1), end_date=date(2025, 9, 30))
        for stage in ("proposed", "approved", "active"):
            with self.step("pia", f"Gate to {stage}"):
                projects.move_project_to_stage(pmo, project.id, stage, f"Board: {stage}")
        with self.step("max", "March report"):
            reporting.submit_status_report(
                pmo, project.id, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31),
                overall="amber", schedule="amber", cost="green", scope="green",
                summary="Supplier two weeks late.", progress_pct=15)
        with self.step("max", "Action from the report"):
            action = logs.assign_action(pmo, "Chase the supplier", "max", date(2025, 4, 10), project.id)
        with self.step("max", "Supplier called"):
            logs.close_action(pmo, action.id, "Delivery confirmed")
        with self.step("pia", "Closure report accepted"):
            projects.move_project_to_stage(pmo, project.id, "closed", "Board: closed")
        return project.id


def snapshot(pmo) -> dict[str, list[dict]]:
    """Every read-model row of every active projection, by table, in a stable order."""
    out = {}
    with pmo.read() as conn:
        for name in pmo.active_projections():
            for table in pmo.runner.projections[name].metadata.sorted_tables:
                order = [c for c in ("valid_from", "position", "row_id") if c in table.c]
                rows = conn.execute(sa.select(table).order_by(*[table.c[c] for c in order]))
                out[table.name] = [{k: v for k, v in r.items() if k != "row_id"} for r in rows.mappings()]
    return out


def comparable(snap: dict) -> dict:
    """Random ids become their order of first appearance; times become UTC instants.

    SQLite (memory included) has no time zones and returns naive UTC; PostgreSQL returns
    aware values. The instants must agree; ``test_read_models_return_aware_utc_times``
    checks the form.
    """
    ids: dict[uuid.UUID, str] = {}

    def norm(value):
        if isinstance(value, uuid.UUID) and value.version == 4:
            return ids.setdefault(value, f"id{len(ids)}")
        if isinstance(value, datetime):
            return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        return value

    return {t: [{k: norm(v) for k, v in row.items()} for row in rows] for t, rows in snap.items()}


def test_the_same_scenario_gives_the_same_read_models(ledger_pmo):
    project_id = Scenario(ledger_pmo).run()
    reference = open_pmo("memory://", entry_points=False)
    try:
        Scenario(reference).run()
        assert comparable(snapshot(ledger_pmo)) == comparable(snapshot(reference))
    finally:
        reference.close()

    # And the rows say what a user would expect to read.
    rows = snapshot(ledger_pmo)
    current = [r for r in rows["projects"] if r["valid_to"] is None]
    assert [(r["id"], r["stage"], r["version"]) for r in current] == [(project_id, "closed", 5)]
    assert [r["stage"] for r in rows["project_stage_changes"]] == ["proposed", "approved", "active", "closed"]
    (report,) = rows["status_reports"][-1:]
    assert (report["overall"], report["published"], report["published_by"]) == ("amber", True, "max")
    assert [(r["status"], r["valid_to"] is None) for r in rows["actions"]] == [("open", False), ("done", True)]
    assert len(rows["ledger_log"]) == ledger_pmo.ledger.max_position() == 9


def test_every_event_carries_actor_reason_correlation_id_and_time(ledger_pmo):
    scenario = Scenario(ledger_pmo)
    scenario.run()
    events = [event for _, event in ledger_pmo.ledger.read_log()]
    by_correlation = {c[2]: c for c in scenario.contexts}
    assert {e.correlation_id for e in events} == set(by_correlation)
    for event in events:
        actor, reason, _, when = by_correlation[event.correlation_id]
        assert (event.actor, event.reason) == (actor, reason)
        assert event.occurred_at == when and event.occurred_at.utcoffset() == timedelta(0)
    # The log index (the event browser and the as-of index) keeps the same metadata.
    table = ledger_pmo.log_index.table
    with ledger_pmo.read() as conn:
        indexed = conn.execute(sa.select(table).order_by(table.c.position)).mappings().all()
    assert [(r["actor"], r["reason"], r["correlation_id"]) for r in indexed] == \
        [(e.actor, e.reason, e.correlation_id) for e in events]


def test_without_a_backdated_time_events_are_stamped_now(ledger_pmo):
    before = datetime.now(timezone.utc)
    with command_context("pia", "live"):
        projects.register_project(ledger_pmo, "P-NOW", "Live project")
    (_, event), = ledger_pmo.ledger.read_log()
    assert before <= event.occurred_at <= datetime.now(timezone.utc)


def test_a_stale_expected_version_is_refused_and_writes_nothing(ledger_pmo):
    project_id = Scenario(ledger_pmo).run()
    head, rows = ledger_pmo.ledger.max_position(), snapshot(ledger_pmo)
    with command_context("pia", "stale form"), pytest.raises(ConflictError) as raised:
        projects.update_project(ledger_pmo, project_id, expected_version=3, name="Renamed")
    assert raised.value.current_version == 5
    assert ledger_pmo.ledger.max_position() == head
    assert snapshot(ledger_pmo) == rows


def test_a_version_clash_between_two_writers_writes_nothing(ledger_pmo):
    # Two people load the same project; the first one's change wins.
    with command_context("pia", "setup"):
        project = projects.register_project(ledger_pmo, "P-1", "Pilot")
        other = projects.register_project(ledger_pmo, "P-2", "Second")
    head = ledger_pmo.ledger.max_position()
    mine, theirs = ledger_pmo.get(Project, project.id), ledger_pmo.get(Project, project.id)
    with command_context("pia", "first"):
        mine.move_to_stage("proposed", "Board: go")
        ledger_pmo.save(mine)
    rows = snapshot(ledger_pmo)
    # The second writer saves two aggregates in one transaction; one of them clashes.
    bystander = ledger_pmo.get(Project, other.id)
    with command_context("max", "second"), pytest.raises(ConflictError):
        theirs.move_to_stage("cancelled", "Stop it")
        bystander.move_to_stage("proposed", "Board: go")
        ledger_pmo.save(bystander, theirs)
    assert ledger_pmo.ledger.max_position() == head + 1, "nothing of the failed save is stored"
    assert snapshot(ledger_pmo) == rows
    assert ledger_pmo.get(Project, other.id).stage == "idea"
    assert ledger_pmo.get(Project, project.id).stage == "proposed"


def test_rebuild_gives_identical_rows(ledger_pmo):
    Scenario(ledger_pmo).run()
    with command_context("pia", "more history"):
        second = projects.register_project(ledger_pmo, "P-2", "Second")
        projects.update_project(ledger_pmo, second.id, name="Second, renamed")
    before = snapshot(ledger_pmo)
    assert ledger_pmo.rebuild() == ledger_pmo.ledger.max_position()
    assert snapshot(ledger_pmo) == before


def test_read_log_is_ordered_and_gap_free(ledger_pmo):
    Scenario(ledger_pmo).run()
    positions = [p for p, _ in ledger_pmo.ledger.read_log()]
    assert positions == list(range(1, ledger_pmo.ledger.max_position() + 1))
    # Reading in small batches, or from the middle, gives the same order.
    assert [p for p, _ in ledger_pmo.ledger.read_log(batch=2)] == positions
    assert [p for p, _ in ledger_pmo.ledger.read_log(after=4, batch=3)] == positions[4:]
    stamps = [e.occurred_at for _, e in ledger_pmo.ledger.read_log()]
    assert stamps == sorted(stamps)


def _clash(pmo) -> None:
    """Make one save fail on a version clash (a rolled-back insert)."""
    with command_context("pia", "clash"):
        project = projects.register_project(pmo, "P-CLASH", "Clash")
        mine, theirs = pmo.get(Project, project.id), pmo.get(Project, project.id)
        mine.move_to_stage("proposed", "go")
        theirs.move_to_stage("cancelled", "stop")
        pmo.save(mine)
        with pytest.raises(ConflictError):
            pmo.save(theirs)


def test_a_version_clash_leaves_no_gap_in_the_log(ledger_pmo):
    # PostgreSQL's id sequence would skip the ids of a rolled-back insert; the chained
    # recorder refuses a clash before inserting (events/chain.py).
    _clash(ledger_pmo)
    with command_context("pia", "after the clash"):
        projects.register_project(ledger_pmo, "P-NEXT", "Next")
    positions = [p for p, _ in ledger_pmo.ledger.read_log()]
    assert positions == list(range(1, len(positions) + 1))


def test_projections_catch_up_across_a_gap(ledger_pmo, store_url):
    """Where the numbering skips (a PostgreSQL sequence can), catching up in batches still
    reaches the head."""
    _clash(ledger_pmo)
    with command_context("pia", "after the clash"):
        for n in range(4):
            if store_url.startswith("postgresql") and n == 1:
                _skip_ids(ledger_pmo, 3)
            projects.register_project(ledger_pmo, f"P-{n}", f"Project {n}")
    if store_url.startswith("postgresql"):
        positions = [p for p, _ in ledger_pmo.ledger.read_log()]
        assert positions[-1] > len(positions)  # the gap is really there
    runner = ledger_pmo.runner
    with runner.engine.begin() as conn:
        for projection in runner.projections.values():
            projection.metadata.drop_all(conn)
            projection.metadata.create_all(conn)
        conn.execute(sa.text("UPDATE projection_tracking SET position = 0"))
    runner.catch_up(batch=3)
    head = ledger_pmo.ledger.max_position()
    assert set(runner.positions().values()) == {head}
    assert set(_project_codes(ledger_pmo)) == {"P-CLASH", "P-0", "P-1", "P-2", "P-3"}


def _skip_ids(pmo, n):
    """Spend ``n`` ids of the events table's sequence, as an aborted transaction would."""
    schema = pmo.config.schema or "public"
    with pmo.engine.begin() as conn:
        for _ in range(n):
            conn.execute(sa.text(f"SELECT nextval(pg_get_serial_sequence('{schema}.pmo_events', 'notification_id'))"))


def _project_codes(pmo):
    from core.projections import projects as table

    with pmo.read() as conn:
        return conn.execute(sa.select(table.c.code).where(table.c.valid_to.is_(None))).scalars().all()


def test_read_models_return_aware_utc_times(ledger_pmo):
    """Events carry aware UTC times; read models hand back the same form on every store."""
    Scenario(ledger_pmo).run()
    row = snapshot(ledger_pmo)["ledger_log"][0]
    assert row["occurred_at"].tzinfo is not None
    assert row["occurred_at"].utcoffset() == timedelta(0)
