"""Read models as comparable values: every row of every table, optionally as a rebuild that
stopped at an earlier log position would have left them."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

Dump = dict[str, list[tuple[tuple[str, Any], ...]]]


def readmodel_tables(pmo) -> list[sa.Table]:
    """The tables of the PMO's active projections (the tracking table is the runner's own)."""
    return [table for name in pmo.active_projections()
            for table in pmo.runner.projections[name].metadata.sorted_tables]


def dump(engine: sa.Engine, tables: list[sa.Table], upto: int | None = None) -> Dump:
    """Rows without their surrogate ``row_id``, sorted, per table.

    With ``upto``, only what the log up to that position produced: temporal rows that began
    after it are left out, and a row closed after it is still open; rows of event tables
    (those with a ``position`` column) after it are left out. A table that is neither cannot
    be cut at a position, and says so.
    """
    result: Dump = {}
    with engine.connect() as conn:
        for table in tables:
            columns = [c for c in table.c if c.key != "row_id"]
            rows = [dict(r) for r in conn.execute(sa.select(*columns)).mappings()]
            if upto is not None:
                if "valid_from" in table.c:
                    rows = [{**r, "valid_to": r["valid_to"] if r["valid_to"] is not None and r["valid_to"] <= upto
                             else None} for r in rows if r["valid_from"] <= upto]
                elif "position" in table.c:
                    rows = [r for r in rows if r["position"] <= upto]
                else:
                    raise ValueError(f"{table.name} has no log positions: it cannot be cut at {upto}")
            result[table.name] = sorted((tuple(sorted(r.items())) for r in rows), key=repr)
    return result
