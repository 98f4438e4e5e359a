"""Several processes writing at once to one store: the latency each write sees.

    python -m benchmarks.writers var/bench/100000.sqlite --processes 4 --writes 150

Each process builds the app (Flask test client, no HTTP) on a store made by
``benchmarks/generate.py`` and changes the titles of its own share of the open actions, so no
two processes write one action. Without HTTP and wrk in the way this shows how writers wait
for each other (``events/writer_turn.py``); the p99 and the maximum are the figures to watch.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import time
import uuid
from pathlib import Path

from benchmarks.run import BENCH, bench_token


def _write(job: tuple[str, str, list[str], int]) -> list[float]:
    from web.app import create_app

    store, token, ids, writes = job
    headers = {"Authorization": f"Bearer {token}"}
    client = create_app({"PMO_STORE": f"sqlite:///{store}", "TESTING": False, "PMO_PAGE_CACHE": 0}).test_client()
    client.patch(f"/api/actions/{ids[0]}", json={"title": "warm-up"}, headers=headers)
    seconds = []
    for i in range(writes):
        began = time.perf_counter()
        answer = client.patch(f"/api/actions/{ids[i % len(ids)]}", json={"title": f"Write {i} by {os.getpid()}"},
                              headers=headers)
        seconds.append(time.perf_counter() - began)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a SQLite store made by benchmarks/generate.py")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--writes", type=int, default=150, help="writes per process")
    args = parser.parse_args(argv)
    import sqlalchemy as sa

    os.environ["PMO_VAR"] = str(BENCH)  # the key the generator sealed the store with, as run.py
    store = str(args.store.resolve())
    token = bench_token(f"sqlite:///{store}")
    with sa.create_engine(f"sqlite:///{store}").connect() as conn:
        ids = [str(uuid.UUID(str(r))) for r in conn.execute(sa.text(
            "SELECT id FROM actions WHERE valid_to IS NULL AND status = 'open' LIMIT 400")).scalars()]
    jobs = [(store, token, ids[k::args.processes], args.writes) for k in range(args.processes)]
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        seconds = sorted(s for share in pool.map(_write, jobs) for s in share)
    at = lambda q: seconds[min(len(seconds) - 1, int(len(seconds) * q))] * 1000  # noqa: E731
    print(f"{len(seconds)} writes from {args.processes} processes: p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, "
          f"p99 {at(0.99):.1f} ms, max {seconds[-1] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
