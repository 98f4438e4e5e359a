"""Time the heaviest pages in one process (Flask test client, median of 3 after a warm-up).

    python -m benchmarks.pages var/bench/100000.sqlite

A quick check of a page change without the HTTP load of ``benchmarks/run.py``: the store is
one that ``benchmarks/run.py`` generated (``var/bench``), signed in with its benchmark user's
token (``run.bench_token``).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from benchmarks.run import BENCH, bench_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a SQLite store made by benchmarks/generate.py")
    parser.add_argument("--cached", action="store_true", help="time pages served from the page cache")
    args = parser.parse_args(argv)
    os.environ["PMO_VAR"] = str(BENCH)  # the key the generator sealed the store with, as run.py
    from web.app import create_app

    url = f"sqlite:///{args.store.resolve()}"
    headers = {"Authorization": f"Bearer {bench_token(url)}"}
    with sa.create_engine(url).connect() as conn:
        code = conn.execute(sa.text("SELECT code FROM projects WHERE valid_to IS NULL AND stage = 'active' "
                                    "LIMIT 1")).scalar()
    # Without the page cache, so each timed request renders its page; --cached times hits.
    config = {"PMO_STORE": url, "TESTING": False, "PMO_PAGE_CACHE": 256 if args.cached else 0}
    client = create_app(config).test_client()
    # CPU time beside wall time: on a shared machine the CPU a page costs is the steadier figure.
    print(f"{'page':<28} {'median':>8} {'cpu':>8} {'size':>8}")
    for page in ("/", "/projects", f"/projects/{code}", "/risks/", "/actions?overdue=yes", "/decisions",
                 "/?as_of=2017-06-30"):
        client.get(page, headers=headers)
        times, cpu = [], []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(page, headers=headers)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(f"{page:<28} {statistics.median(times) * 1000:>6.0f}ms {statistics.median(cpu) * 1000:>6.0f}ms "
              f"{len(response.data) // 1024:>6}KB ({response.status_code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
