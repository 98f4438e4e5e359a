"""Many organisations on one PostgreSQL database: what finding the organisation costs a request,
and what memory the open organisations take.

    .venv/bin/python benchmarks/orgs.py [--orgs 100] [--cache 16] [--requests 2000]
                                        [--pg postgresql://postgres@127.0.0.1:5432/test]

Creates ``--orgs`` organisations (schemas org_bench_<n>_<k>, platform schema bench_<n>) and
prints: (1) the organisation lookup alone (directory + PMO cache), per request; (2) the same
API request to organisation k and to a single-organisation app on the same data; (3) the
process's RSS after touching one organisation and after touching every one, with at most
``--cache`` of them open, and the PostgreSQL connections the process holds (counted by its
application_name). Drops its schemas at the end. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PMO_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100)
    # 16 x 3 connections per open organisation stays well under a default max_connections of 100.
    parser.add_argument("--cache", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--pg", default=os.environ.get("PMO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()

    import psycopg

    from core import queries
    from core.services.users import issue_token
    from events.context import command_context
    from web.app import create_app
    from web.orgs.admin import create_organisation
    from web.tenancy import close_orgs

    run = uuid.uuid4().hex[:6]
    # libpq reads it for every connection (the ledger's pool and the read-model engines alike),
    # so pg_stat_activity can count this process's connections among everyone else's.
    os.environ["PGAPPNAME"] = f"pmo-bench-orgs-{run}"

    def connections() -> int:
        with psycopg.connect(args.pg, autocommit=True, application_name="pmo-bench-counter") as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                                (os.environ["PGAPPNAME"],)).fetchone()[0]

    platform_url = f"{args.pg}?schema=bench_{run}"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "PMO_ENTRY_POINTS": False, "PMO_ORGS": "path",
                      "PMO_PLATFORM_STORE": platform_url, "PMO_ORGS_CACHE": args.cache})
    runtime = app.extensions["pmo_orgs"]
    slugs: list[str] = []
    single = None
    try:
        slugs = [f"bench-{run}-{k}" for k in range(args.orgs)]
        tokens = {}
        started = time.perf_counter()
        with command_context("benchmark", "benchmarks/orgs.py"):
            for n, slug in enumerate(slugs, 1):
                create_organisation(runtime.platform, slug, f"Organisation {n}", "admin", "bench-password",
                                    entry_points=False)
                print(f"\rcreating organisations: {n}/{len(slugs)}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        created = time.perf_counter() - started
        runtime.directory.reload(force=True)
        client = app.test_client(use_cookies=False)
        rss_before = rss_mb()
        rss_one = connections_one = None
        for n, slug in enumerate(slugs, 1):
            pmo = runtime.pmos.acquire(slug)
            with command_context("benchmark", "token"):
                tokens[slug] = issue_token(pmo, queries.get_user(pmo, "admin")["id"], "bench")[1]
            runtime.pmos.release(pmo)
            assert client.get(f"/o/{slug}/api/me", headers={"Authorization": f"Bearer {tokens[slug]}"}).status_code == 200
            if n == 1:
                rss_one, connections_one = rss_mb(), connections()
            print(f"\rtouching organisations: {n}/{len(slugs)}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        rss_after, connections_after = rss_mb(), connections()

        # (1) The lookup alone: directory (a dict, a head check at most every refresh) + cache.
        hot = slugs[: min(args.cache, len(slugs))]
        lookups = []
        for i in range(args.requests):
            slug = hot[i % len(hot)]
            t = time.perf_counter()
            row = runtime.directory.get(slug)
            pmo = runtime.pmos.acquire(row["slug"])
            runtime.pmos.release(pmo)
            lookups.append(time.perf_counter() - t)

        # (2) The same request, org k vs a single-organisation app on org k's store.
        k = hot[-1]
        single = create_app({"TESTING": True, "SECRET_KEY": "bench", "PMO_ENTRY_POINTS": False,
                             "PMO_STORE": runtime.settings.stores.org_store_url(k)})
        single_client = single.test_client(use_cookies=False)
        headers = {"Authorization": f"Bearer {tokens[k]}"}

        def timed(fn) -> float:
            t = time.perf_counter()
            assert fn().status_code == 200
            return time.perf_counter() - t

        for _ in range(20):  # warm both
            client.get(f"/o/{k}/api/me", headers=headers)
            single_client.get("/api/me", headers=headers)
        # Taken in turns, so that a busy moment of a shared machine falls on both alike.
        multi_times, single_times = [], []
        for _ in range(args.requests // 4):
            multi_times.append(timed(lambda: client.get(f"/o/{k}/api/me", headers=headers)))
            single_times.append(timed(lambda: single_client.get("/api/me", headers=headers)))

        ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95)] * 1000  # noqa: E731
        print(f"organisations: {len(slugs)} on one PostgreSQL database (created in {created:.1f}s); cache {args.cache}")
        print(f"lookup (directory + PMO cache): median {ms(lookups) * 1000:.1f} us, p95 {p95(lookups) * 1000:.1f} us "
              f"over {len(lookups)} lookups")
        print(f"GET /api/me, org k: median {ms(multi_times):.2f} ms; single-org: median {ms(single_times):.2f} ms; "
              f"ratio {ms(multi_times) / ms(single_times):.2f}; difference {ms(multi_times) - ms(single_times):+.2f} ms")
        print(f"RSS: {rss_before:.0f} MB before touching, {rss_one:.0f} MB after touching 1, {rss_after:.0f} MB after "
              f"touching all {len(slugs)} (ratio {rss_after / rss_one:.2f}); open PMOs {len(runtime.pmos)} "
              f"(opened {runtime.pmos.opened}, closed {runtime.pmos.closed})")
        print(f"PostgreSQL connections of this process: {connections_one} with 1 organisation open, "
              f"{connections_after} with {len(runtime.pmos)} open (platform included)")
    finally:  # the schemas go, whatever happened (the database is shared)
        close_orgs(app)
        if single is not None:
            for pmo in single.extensions.get("pmo", {}).values():
                pmo.close()
        with psycopg.connect(args.pg, autocommit=True) as conn:
            for slug in slugs:
                conn.execute(f'DROP SCHEMA IF EXISTS "org_{slug.replace("-", "_")}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "bench_{run}" CASCADE')


if __name__ == "__main__":
    main()
