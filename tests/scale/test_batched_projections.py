"""Batched temporal writes (what the projection runner uses) leave exactly the rows that
one-statement-at-a-time writes leave, whatever the handlers do in between."""
from __future__ import annotations

import random
import uuid

import pytest
import sqlalchemy as sa

from events import temporal
from events.temporal import UTCDateTime

metadata = sa.MetaData()
things = temporal.temporal_table(
    "things", metadata, "id",
    sa.Column("id", sa.Uuid, nullable=False), sa.Column("name", sa.String(50)),
    sa.Column("count", sa.Integer, default=0), sa.Column("seen", UTCDateTime()), sa.Column("day", sa.Date),
)
links = temporal.temporal_table(
    "links", metadata, "key", sa.Column("key", sa.String(40), nullable=False), sa.Column("note", sa.Text),
)
plain = sa.Table("plain_log", metadata, sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("what", sa.String(20)))

KEYS = [uuid.UUID(int=n) for n in range(1, 13)]


def scenario(seed: int, steps: int = 250):
    """A random but reproducible sequence of what handlers do."""
    from datetime import date, datetime, timedelta, timezone

    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for position in range(1, steps + 1):
        key = rng.choice(KEYS)
        yield position, rng.random(), key, f"link-{rng.randint(1, 6)}", start + timedelta(hours=position), \
            date(2024, 1, 1) + timedelta(days=rng.randint(0, 90))


def apply(conn: sa.Connection, steps, observed: list) -> None:
    for position, roll, key, link, moment, day in steps:
        current = temporal.current_row(conn, things, key)
        observed.append((position, current and {k: current[k] for k in ("name", "count", "valid_from")}))
        if current is None:
            temporal.insert(conn, things, {"id": key, "name": f"new {position}", "seen": moment, "day": day}, position)
        elif roll < 0.55:
            temporal.update(conn, things, key, {"count": current["count"] + 1, "seen": moment, "extra": 1}, position)
        elif roll < 0.65:
            temporal.close(conn, things, key, position)
        elif roll < 0.75:
            temporal.close(conn, links, link, position)
            temporal.insert(conn, links, {"key": link, "note": f"at {position}"}, position)
        elif roll < 0.82:
            temporal.append(conn, plain, {"position": position, "what": "plain"})
        elif roll < 0.9:
            # A handler's own statements: they must see every earlier write of the batch.
            count = conn.execute(sa.select(sa.func.count()).select_from(things)
                                 .where(things.c.valid_to.is_(None))).scalar_one()
            observed.append((position, "count", count))
            conn.execute(plain.insert().values(position=position, what=f"{count} current"))
        else:
            # ... including writes to a temporal table behind the batch's back.
            conn.execute(things.update().where(things.c.id == key, things.c.valid_to.is_(None))
                         .values(name=f"renamed at {position}"))


def contents(conn: sa.Connection) -> dict[str, list]:
    return {t.name: sorted((tuple(r) for r in conn.execute(sa.select(*[c for c in t.c if c.key != "row_id"]))),
                           key=repr) for t in metadata.sorted_tables}


def fresh(tmp_path, name: str) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path}/{name}.sqlite")
    metadata.create_all(engine)
    return engine


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("transactions", [1, 4])
@pytest.mark.parametrize("remembered", [4, 1000])
def test_batched_writes_leave_the_rows_that_single_writes_leave(tmp_path, monkeypatch, seed, transactions,
                                                               remembered):
    # Look rows up one by one only a few times, so the "read the whole table" path runs too,
    # and (with 4) remember so few rows that most are forgotten and looked up again.
    monkeypatch.setattr(temporal, "LOAD_ALL_AFTER", 5)
    monkeypatch.setattr(temporal, "MAX_REMEMBERED_KEYS", remembered)
    plain_engine, batched_engine = fresh(tmp_path, "plain"), fresh(tmp_path, "batched")
    expected, observed = [], []
    with plain_engine.begin() as conn:
        apply(conn, scenario(seed), expected)
    # The same work in several transactions, one batch kept across them (as the runner does),
    # knowing that the tables start empty (as a rebuild does).
    kept = temporal.Batch(empty=[things, links])
    steps = list(scenario(seed))
    per = len(steps) // transactions + 1
    for n in range(transactions):
        with batched_engine.begin() as conn, temporal.batch(conn, kept):
            apply(conn, steps[n * per:(n + 1) * per], observed)
    assert observed == expected
    with plain_engine.connect() as a, batched_engine.connect() as b:
        assert contents(b) == contents(a)


def test_a_rebuild_batch_never_looks_rows_up_in_empty_tables(tmp_path):
    # (and a rebuild that forgets rows looks up only those it forgot: see the test above)
    engine = fresh(tmp_path, "empty")
    statements = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: statements.append(statement))
    with engine.begin() as conn, temporal.batch(conn, temporal.Batch(empty=[things])):
        for position, key in enumerate(KEYS, 1):
            temporal.insert(conn, things, {"id": key, "name": "a"}, position)
            temporal.update(conn, things, key, {"name": "b"}, position + 100)
    assert not [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(things.c.name, things.c.valid_from, things.c.valid_to)).all()
    assert sorted(rows) == sorted([("a", p, p + 100) for p in range(1, 13)] + [("b", p + 100, None) for p in range(1, 13)])
