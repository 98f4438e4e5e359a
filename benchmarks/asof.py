"""As-of portfolio page on a large ledger: ``python -m benchmarks.asof [--events 100000]``.

Generates the ledger once (var/bench/<N>.sqlite, reused afterwards), then times the portfolio
dashboard now and as of a past date through the real app (signed in, test client: no network
in the figure), and prints each median with its ratio to the current page. Target (issue 3):
the as-of page under 2 seconds at 100,000 events.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

TARGET_SECONDS = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--as-of", default="2024-09-01", help="the past date to look at")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    bench = Path("var/bench")
    bench.mkdir(parents=True, exist_ok=True)
    os.environ["PMO_VAR"] = str(bench)
    store = f"sqlite:///{bench}/{args.events}.sqlite"
    from benchmarks.generate import generate
    from core.services import users
    from events.context import command_context
    from web.app import create_app
    from web.tenancy import open_pmo

    pmo = open_pmo(store)
    if not pmo.ledger.max_position():
        print(f"generating {args.events:,} events into {store} (once)...", file=sys.stderr)
        generate(pmo, args.events, date(2024, 1, 1),
                 progress=lambda n: print(f"\r{n:>9,}", end="", file=sys.stderr))
        print(file=sys.stderr)
    if not pmo.exists(users.User.create_id("bench")):
        with command_context("bench", "benchmark reader"):
            users.create_user(pmo, "bench", "bench-password", "viewer")
    pmo.close()

    app = create_app({"PMO_STORE": store, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"username": "bench", "password": "bench-password"}).status_code == 302

    def timed(url: str) -> float:
        client.get(url)  # warm caches, as a second visitor would find them
        samples = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(samples)

    now = timed("/")
    past = timed(f"/?as_of={args.as_of}")
    print(f"{'page':<34}{'median s':>10}{'ratio to now':>14}{'target':>10}")
    print(f"{'portfolio dashboard, now':<34}{now:>10.3f}{1:>14.2f}{'':>10}")
    print(f"{'portfolio dashboard, as of ' + args.as_of:<34}{past:>10.3f}{past / now:>14.2f}"
          f"{'< ' + str(TARGET_SECONDS) + ' s':>10}")
    print(f"ledger: {args.events:,} events; as-of page {'meets' if past < TARGET_SECONDS else 'MISSES'} the target")
    return 0 if past < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
