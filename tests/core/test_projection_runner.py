"""The read side: positions tracked with the rows, each event applied once across processes."""
import sqlalchemy as sa

from core import queries
from core.domain.project import Project
from core.services import projects
from events.context import command_context
from web.tenancy import open_pmo


def count_log_rows(pmo):
    with pmo.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(pmo.log_index.table)).scalar()


def test_two_processes_catching_up_apply_each_event_once(tmp_path):
    url = f"sqlite:///{tmp_path}/pmo.sqlite"
    first, second = open_pmo(url, entry_points=False), open_pmo(url, entry_points=False)
    with command_context("pia"):
        for i in range(5):
            # Written by the first "worker" without catching up, as a crashed writer would leave it.
            first.ledger.save(Project(code=f"P-{i}", name=f"Project {i}"))
    assert second.catch_up() == 5
    assert first.catch_up() == 0
    assert count_log_rows(first) == first.ledger.max_position() == 5
    core_positions = lambda p: {k: v for k, v in p.runner.positions().items() if k in ("core", "log_index")}  # noqa: E731
    assert core_positions(first) == core_positions(second) == {"core": 5, "log_index": 5}


def test_a_failing_projection_leaves_rows_and_position_unchanged(tmp_path, monkeypatch):
    pmo = open_pmo(f"sqlite:///{tmp_path}/pmo.sqlite", entry_points=False)
    with command_context("pia"):
        projects.register_project(pmo, code="P-1", name="One")
        pmo.ledger.save(Project(code="P-2", name="Two"))

    def broken(conn, position, event):
        raise RuntimeError("disk full")

    monkeypatch.setitem(pmo.runner.projections["core"].handlers, "core.Project.Registered", [broken])
    try:
        pmo.catch_up()
    except RuntimeError:
        pass
    assert {k: pmo.runner.positions()[k] for k in ("core", "log_index")} == {"core": 1, "log_index": 1}
    assert count_log_rows(pmo) == 1
    monkeypatch.undo()
    pmo.catch_up()
    assert [p["code"] for p in queries.list_projects(pmo)] == ["P-1", "P-2"]


def test_long_lived_aggregates_are_snapshotted(tmp_path):
    pmo = open_pmo(f"sqlite:///{tmp_path}/pmo.sqlite", entry_points=False)
    with command_context("pia"):
        project = projects.register_project(pmo, code="P-1", name="v0")
        for i in range(1, 60):
            projects.update_project(pmo, project.id, name=f"v{i}")
    snapshots = list(pmo.ledger.snapshots.get(project.id))
    assert [s.originator_version for s in snapshots] == [50]
    assert pmo.get(Project, project.id).name == "v59"


def test_a_read_model_whose_tables_changed_is_rebuilt_on_start(tmp_path):
    url = f"sqlite:///{tmp_path}/pmo.sqlite"
    pmo = open_pmo(url, entry_points=False)
    with command_context("pia"):
        projects.register_project(pmo, code="P-1", name="One")
    pmo.close()
    # A later version of the code adds a column to a projection's table...
    from events.projections import Projection, ProjectionRunner

    def counting(extra_column: bool):
        projection = Projection("counter")
        cols = [sa.Column("position", sa.Integer, primary_key=True)]
        if extra_column:
            cols.append(sa.Column("topic", sa.String(200)))
        table = sa.Table("counter", projection.metadata, *cols)
        projection.on("core.Project.Registered")(
            lambda conn, position, event: conn.execute(table.insert(), {"position": position}))
        return projection

    first = open_pmo(url, entry_points=False)
    ProjectionRunner(first.ledger, first.writer_engine, [counting(False)]).setup()
    runner = ProjectionRunner(first.ledger, first.writer_engine, [counting(False)])
    runner.catch_up()
    assert runner.positions() == {"counter": 1}
    # ...and on start the runner notices, drops the old table and builds it again from the log.
    upgraded = ProjectionRunner(first.ledger, first.writer_engine, [counting(True)])
    upgraded.setup()
    assert upgraded.positions() == {"counter": 0}
    upgraded.catch_up()
    with first.read() as conn:
        assert conn.execute(sa.text("SELECT position, topic FROM counter")).all() == [(1, None)]


def _index_names(pmo) -> set[str]:
    with pmo.read() as conn:
        return {i["name"] for i in sa.inspect(conn).get_indexes("counter")}


def test_an_index_added_later_is_created_on_start_without_a_rebuild(store_url):
    """Indexes are derived from the rows, so adding one keeps the position (no replay)."""
    if store_url.startswith("memory"):
        return  # nothing outlives the process
    from events import temporal
    from events.projections import Projection, ProjectionRunner

    def counting(filters):
        projection = Projection("counter")
        table = temporal.temporal_table("counter", projection.metadata, "id",
                                        sa.Column("id", sa.Integer), sa.Column("status", sa.String(20)),
                                        filters=filters)
        projection.on("core.Project.Registered")(lambda conn, position, event: temporal.insert(
            conn, table, {"id": position, "status": "open"}, position))
        return projection

    pmo = open_pmo(store_url, entry_points=False)
    try:
        with command_context("pia"):
            projects.register_project(pmo, code="P-1", name="One")
        plain = ProjectionRunner(pmo.ledger, pmo.writer_engine, [counting(())])
        plain.setup()
        plain.catch_up()
        assert "ix_counter_now_status" not in _index_names(pmo)

        indexed = ProjectionRunner(pmo.ledger, pmo.writer_engine, [counting((("status",),))])
        indexed.setup()
        assert indexed.positions() == {"counter": 1}  # kept: nothing to replay
        assert {"ix_counter_now_status", "ix_counter_at_status"} <= _index_names(pmo)
        with pmo.read() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM counter WHERE valid_to IS NULL "
                                        "AND status = 'open'")).scalar() == 1
        indexed.setup()  # a second start finds them there
    finally:
        pmo.close()
