"""Every performance figure of PMO Ledger in one run: ``python benchmarks/run.py [--quick]``.

Prints one table: each figure, its reference (measured in the same run, or the target where
there is nothing to compare with), the ratio, the target and whether it is met.

1. commands/s through the service layer (one event per command, SQLite) vs eventsourcing's
   bare ``Application.save()`` of the same event
2. HTTP reads (dashboard, project list, project page) and writes (PATCH an action) under
   gunicorn with ``gunicorn.conf.py``, on SQLite and PostgreSQL, driven by ``wrk`` (a
   separate process, concurrent connections): requests/s, p50, p95
3. projection rebuild events/s vs reading and decoding the raw log
4. ``pmo audit verify`` events/s
5. the as-of portfolio page (now and as of mid-history)
6. a worker's start-up time and memory with the big store

Stores are generated once with ``benchmarks/generate.py`` into var/bench/<N>.sqlite (and the
PostgreSQL schema ``bench_<N>``) and reused. ``--quick`` uses one store of 20,000 events for
everything and short load runs (under 5 minutes); the full run uses 100,000 events for HTTP
and as-of, 1,000,000 for rebuild, verify, as-of and start-up. ``--write-doc`` puts the
table into docs/performance.md. Never part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make ``benchmarks`` importable
BENCH = ROOT / "var" / "bench"
PYTHON = sys.executable
DEFAULT_PG = os.environ.get("PMO_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- results ------------------------------------------------------------------------------

@dataclass
class Figure:
    name: str
    value: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.reference if self.reference else None


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    rows = [["figure", "value", "unit", "reference", "ratio", "target", "met"]]
    for f in figures:
        ref = f"{fmt(f.reference)} ({f.reference_name})" if f.reference is not None else ""
        rows.append([f.name, fmt(f.value), f.unit, ref, fmt(f.ratio) if f.ratio is not None else "",
                     f.target, "" if f.met is None else ("yes" if f.met else "NO")])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# --- stores -------------------------------------------------------------------------------

def sqlite_url(events: int) -> str:
    return f"sqlite:///{BENCH}/{events}.sqlite"


def pg_url(base: str, events: int) -> str:
    return f"{base}?schema=bench_{events}"


def ensure_store(url: str, events: int) -> None:
    """Generate the store once; later runs reuse it."""
    from benchmarks.generate import generate
    from web.tenancy import open_pmo

    pmo = open_pmo(url)
    try:
        if pmo.ledger.max_position() == 0:
            say(f"generating {events:,} events into {url} (once; reused by later runs)")
            began = time.perf_counter()
            generate(pmo, events, date(2016, 1, 1))
            say(f"  {pmo.ledger.max_position():,} events in {time.perf_counter() - began:.0f} s")
        else:
            pmo.catch_up()
    finally:
        pmo.close()


def bench_token(url: str) -> str:
    """An API token of a PMO-role user in the store, issued once and kept in var/bench."""
    from core import queries
    from core.services import users
    from events.context import command_context
    from web.tenancy import open_pmo

    path = BENCH / ("".join(c if c.isalnum() else "_" for c in url.split("://", 1)[1]) + ".token")
    pmo = open_pmo(url)
    try:
        if path.exists() and queries.get_user(pmo, "bench") is not None:
            return path.read_text().strip()
        with command_context("bench", "benchmark user"):
            user = queries.get_user(pmo, "bench")
            user_id = user["id"] if user else users.create_user(pmo, "bench", "bench-password-1", "pmo").id
            _, token = users.issue_token(pmo, user_id, "benchmark")
        path.write_text(token)
        return token
    finally:
        pmo.close()


def sample_ids(url: str) -> dict[str, Any]:
    """Project codes (active ones first), open action ids and a mid-history date."""
    import sqlalchemy as sa

    from core.projections import actions, projects
    from web.tenancy import open_pmo

    pmo = open_pmo(url)
    try:
        with pmo.read() as conn:
            codes = conn.execute(sa.select(projects.c.code).where(projects.c.valid_to.is_(None))
                                 .order_by(projects.c.stage != "active", projects.c.code).limit(100)).scalars().all()
            open_actions = conn.execute(sa.select(actions.c.id).where(
                actions.c.valid_to.is_(None), actions.c.status == "open").limit(500)).scalars().all()
            count = conn.execute(sa.select(sa.func.count()).select_from(projects)
                                 .where(projects.c.valid_to.is_(None))).scalar_one()
            t = pmo.log_index.table
            first, last = conn.execute(sa.select(sa.func.min(t.c.occurred_at), sa.func.max(t.c.occurred_at))).one()
        middle = (first + (last - first) / 2).date()
        return {"codes": codes, "actions": [str(a) for a in open_actions], "projects": count,
                "as_of": middle.isoformat(), "head": pmo.ledger.max_position()}
    finally:
        pmo.close()


# --- 1. commands through the service layer vs bare eventsourcing ------------------------------

def commands_vs_bare(n: int) -> list[Figure]:
    from eventsourcing.application import Application

    from core.domain.action import Action
    from core.services import logs
    from events.context import command_context
    from web.tenancy import open_pmo

    work = Path(tempfile.mkdtemp(prefix="pmo-bench-"))
    try:
        # Bare: eventsourcing's own SQLite application, the aggregate in memory, save() each time.
        bare = Application(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                "SQLITE_DBNAME": str(work / "bare.sqlite")})
        with command_context("bench", "bare"):
            aggregates = [Action(title=f"A{i}", owner="bench", due_date=None, project_id=None,
                                 description="", priority="normal") for i in range(200)]
            bare.save(*aggregates)
            began, cpu = time.perf_counter(), time.process_time()
            for i in range(n):
                action = aggregates[i % len(aggregates)]
                action.update(title=f"Title {i}")
                bare.save(action)
            bare_rate = n / (time.perf_counter() - began)
            bare_cpu = n / (time.process_time() - cpu)
        bare.close()

        # The service layer: load, check, save (hash chain), catch the read models up.
        pmo = open_pmo(f"sqlite:///{work}/pmo.sqlite")
        with command_context("bench", "setup"):
            ids = [logs.assign_action(pmo, f"A{i}", "bench").id for i in range(200)]
        began, cpu = time.perf_counter(), time.process_time()
        for i in range(n):
            with command_context("bench", "benchmark"):
                logs.update_action(pmo, ids[i % len(ids)], title=f"Title {i}")
        service_rate = n / (time.perf_counter() - began)
        service_cpu = n / (time.process_time() - cpu)
        pmo.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # On a shared machine the wall clock counts other processes' turns and the disk's fsync
    # queue; the same loops in CPU time of this process tell what the code costs.
    return [Figure("commands/s via services (SQLite, 1 event each)", service_rate, "cmd/s", bare_rate,
                   "bare save()", ">= 0.5 x bare", service_rate >= 0.5 * bare_rate),
            Figure("  the same, per second of CPU time", service_cpu, "cmd/s", bare_cpu,
                   "bare save(), CPU", "", None)]


# --- 2. HTTP under gunicorn, load from wrk ----------------------------------------------------

WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
               + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK_JSON {"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f}\\n',
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000))
end
"""


def wrk_script(paths: list[str], method: str = "GET", bodies: list[str] | None = None,
               pause_ms: float | None = None) -> str:
    """``pause_ms``: each connection waits that long after an answer before its next request
    (a user reading the page), so that the load is a chosen rate instead of all it can take."""
    lines = ["local paths = {" + ", ".join(json.dumps(p) for p in paths) + "}"]
    if pause_ms is not None:
        lines.append(f"delay = function() return {max(0, int(pause_ms))} end")
    if bodies:
        lines.append("local bodies = {" + ", ".join("[==[" + b + "]==]" for b in bodies) + "}")
    # wrk's threads each run their own copy of this script: give each its own share of the
    # paths, so two threads never write the same action at the same moment.
    lines.append("local threads = 0")
    lines.append("setup = function(thread) thread:set('me', threads); threads = threads + 1 end")
    lines.append("local n = 0")
    lines.append("request = function()")
    lines.append("  n = n + 1")
    lines.append("  local i = ((n * 2 + (me or 0)) % #paths) + 1")
    if bodies:
        lines.append(f'  return wrk.format("{method}", paths[i], nil, bodies[(n % #bodies) + 1])')
    else:
        lines.append(f'  return wrk.format("{method}", paths[i])')
    lines.append("end")
    return "\n".join(lines) + WRK_REPORT


def run_wrk(base: str, script: str, token: str, seconds: int, connections: int,
            extra_headers: tuple[str, ...] = ()) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-H", f"Authorization: Bearer {token}", "-s", f.name]
        for header in extra_headers:
            cmd += ["-H", header]
        out = subprocess.run([*cmd, base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    line = next(l for l in out.splitlines() if l.startswith("WRK_JSON "))
    result = json.loads(line[len("WRK_JSON "):])
    result["rate"] = result["requests"] / result["seconds"]
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with gunicorn.conf.py on a store (plus ``pmo projections run`` if external)."""

    def __init__(self, url: str, projections: str = "inline", log: Path | None = None, page_cache: bool = True):
        self.url, self.projections = url, projections
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PMO_STORE": url, "PMO_BIND": f"127.0.0.1:{self.port}",
                    "PMO_VAR": str(BENCH), "PMO_PROJECTIONS": projections, "PMO_SECRET_KEY": "bench"}
        if not page_cache:
            self.env["PMO_PAGE_CACHE"] = "0"  # every page rendered afresh (web/page_cache.py)
        self.log = open(log or BENCH / "gunicorn.log", "ab")
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> "Server":
        bin_dir = Path(PYTHON).parent
        if self.projections == "external":
            self.procs.append(subprocess.Popen(
                [str(bin_dir / "pmo"), "--store", self.url, "projections", "run", "--interval", "0.05"],
                env=self.env, stdout=self.log, stderr=self.log, cwd=ROOT))
        self.procs.append(subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "web.wsgi:app"],
                                           env=self.env, stdout=self.log, stderr=self.log, cwd=ROOT))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not get ready on {self.base}")
        return self

    def warm(self, paths: list[str], token: str) -> None:
        """Every worker opens the store on its first request; make that happen before timing."""
        for _ in range(3):
            for path in paths:
                request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {token}"})
                urllib.request.urlopen(request, timeout=60).read()

    def __exit__(self, *exc: Any) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


TARGET_RATE = 300  # req/s, from the issue
USERS = 32  # people at once for the paced runs ("dozens")


def at_rate(base: str, token: str, seconds: int, paths: list[str], method: str = "GET",
            bodies: list[str] | None = None, headers: tuple[str, ...] = ()) -> dict[str, float]:
    """Latency at the target rate: ``USERS`` connections, each pausing between answer and
    next request so that together they ask ``TARGET_RATE`` requests a second.

    A closed loop with no pause (``run_wrk`` alone) measures the most the server takes, and
    its latency is then queueing by construction (connections / rate, Little's law); the
    target is a latency *at* 300 requests a second. A short first run measures the answer
    time at about that rate, and the pause is shortened by it."""
    cycle = USERS / TARGET_RATE * 1000  # ms between one user's requests
    probe = run_wrk(base, wrk_script(paths, method, bodies, pause_ms=cycle), token, 3, USERS, headers)
    answer = max(0.0, USERS / max(probe["rate"], 1e-9) * 1000 - cycle)
    return run_wrk(base, wrk_script(paths, method, bodies, pause_ms=cycle - answer), token, seconds, USERS, headers)


def http_figures(kind: str, url: str, seconds: int, connections: int,
                 projections: str = "inline", reads: bool = True) -> list[Figure]:
    ids = sample_ids(url)
    token = bench_token(url)
    figures = []
    pages = [("dashboard /", ["/"]),
             (f"project list ({ids['projects']:,} projects)", ["/projects"]),
             ("project page", [f"/projects/{c}" for c in ids["codes"]])]
    bodies = [json.dumps({"title": f"Benchmark title {i}"}) for i in range(50)]
    write_paths = [f"/api/actions/{a}" for a in ids["actions"]]
    json_header = ("Content-Type: application/json",)
    targeted = kind == "sqlite"  # the issue sets write targets on SQLite only

    def measure(server: Server, label: str, paths: list[str], method: str = "GET", body: list[str] | None = None,
                headers: tuple[str, ...] = (), target: bool = True) -> None:
        most = run_wrk(server.base, wrk_script(paths, method, body), token, seconds, connections, headers)
        figures.append(_capacity_figure(label, most, target))
        if most["rate"] >= TARGET_RATE * 0.95:  # below that, 300/s cannot be served at all
            figures.append(_latency_figure(label, at_rate(server.base, token, seconds, paths, method, body, headers),
                                           most, target))

    # Pages are cached per worker by ledger position (web/page_cache.py): reads are measured
    # with the cache, without it (every page rendered), and with the cache while a writer
    # moves the ledger on (each write makes the pages miss once).
    for cached in (True, False) if reads else (True,):
        how = "cached" if cached else "uncached"
        with Server(url, projections, page_cache=cached) as server:
            server.warm(["/", "/projects", f"/projects/{ids['codes'][0]}"], token)
            for name, paths in pages if reads else []:
                say(f"  {kind}: {name} ({how})")
                if cached:
                    warm_up(server.base, paths, token, connections)
                measure(server, f"HTTP {kind} read, {how}: {name}", paths)
            if not cached:
                continue
            if reads:
                say(f"  {kind}: reads with a writer beside them")
                read_paths = ["/", "/projects", *(f"/projects/{c}" for c in ids["codes"])]
                writer: dict[str, dict[str, float]] = {}
                thread = threading.Thread(target=lambda: writer.update(w=run_wrk(
                    server.base, wrk_script(write_paths, "PATCH", bodies), token, seconds, 2, json_header)))
                thread.start()
                r = run_wrk(server.base, wrk_script(read_paths), token, seconds, max(1, connections - 2))
                thread.join()
                figures.append(_capacity_figure(f"HTTP {kind} read, cached, while {writer['w']['rate']:.0f} writes/s: "
                                                "dashboard, list, project pages", r, True))
            say(f"  {kind}: writes")
            label = f"HTTP {kind} write: PATCH action" + (" (projections external)" if projections == "external" else "")
            measure(server, label, write_paths, "PATCH", bodies, json_header, targeted)
    return figures


def warm_up(base: str, paths: list[str], token: str, connections: int) -> None:
    """Each worker renders each page once before it can serve it from its own cache: load
    until the rate stops climbing (at most a minute), so the figure is the steady state."""
    last = 0.0
    for _ in range(12):
        rate = run_wrk(base, wrk_script(paths), token, 5, connections)["rate"]
        if rate < last * 1.1:
            return
        last = rate


def _capacity_figure(name: str, r: dict[str, float], target: bool) -> Figure:
    errors = f"; {r['errors']} errors" if r["errors"] else ""
    return Figure(f"{name}: most served [p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms{errors}]", r["rate"], "req/s",
                  float(TARGET_RATE), "target", ">= 300/s" if target else "(no target)",
                  (r["rate"] >= TARGET_RATE and not r["errors"]) if target else None)


def _latency_figure(name: str, r: dict[str, float], most: dict[str, float], target: bool) -> Figure:
    errors = f"; {r['errors']} errors" if r["errors"] else ""
    ok = most["rate"] >= TARGET_RATE and r["p95"] <= 50 and r["rate"] >= TARGET_RATE * 0.95 and not r["errors"]
    return Figure(f"{name}: p95 at {r['rate']:.0f} req/s from {USERS} users [p50 {r['p50']:.0f} ms{errors}]",
                  r["p95"], "ms", 50.0, "target", "p95 <= 50 ms at 300/s" if target else "(no target)",
                  ok if target else None)


# --- 3, 4. rebuild vs raw decode; audit verify ------------------------------------------------

def rebuild_and_verify(url: str, events: int) -> list[Figure]:
    from events.chain import iter_chain, iter_records, verify_chain
    from web.tenancy import open_pmo

    pmo = open_pmo(url)
    try:
        say(f"  reading and decoding the raw log ({events:,} events)")
        began, cpu = time.perf_counter(), time.process_time()
        n = sum(1 for _ in pmo.ledger.read_log(0, 1000))
        raw_rate = n / (time.perf_counter() - began)
        raw_cpu = n / (time.process_time() - cpu)
        say("  rebuilding every projection")
        began, cpu = time.perf_counter(), time.process_time()
        pmo.rebuild()
        took = time.perf_counter() - began
        rebuild_rate = n / took
        rebuild_cpu = n / (time.process_time() - cpu)
        say("  verifying the audit chain")
        recorder = pmo.ledger.recorder
        began, cpu = time.perf_counter(), time.process_time()
        verdict = verify_chain(iter_records(recorder), iter_chain(recorder), recorder.select_seals(),
                               pmo.ledger.sealer.public_key_b64, upto=pmo.ledger.max_position())
        verify_rate = verdict.checked / (time.perf_counter() - began)
        verify_cpu = verdict.checked / (time.process_time() - cpu)
        assert verdict.ok, str(verdict)
    finally:
        pmo.close()
    one_million = 1_000_000 / rebuild_rate
    return [
        Figure(f"projection rebuild ({n:,} events, {took:.1f} s)", rebuild_rate, "events/s", raw_rate,
               "raw log decode", ">= 0.5 x raw", rebuild_rate >= 0.5 * raw_rate),
        Figure("  the same, per second of CPU time", rebuild_cpu, "events/s", raw_cpu, "raw decode, CPU", "", None),
        Figure("projection rebuild of 1,000,000 events (at that rate)", one_million, "s", 30.0, "target",
               "<= 30 s", one_million <= 30),
        Figure(f"audit verify ({verdict.checked:,} events)", verify_rate, "events/s", 100_000.0, "target",
               ">= 100,000/s", verify_rate >= 100_000),
        Figure("  the same, per second of CPU time", verify_cpu, "events/s", 100_000.0, "target", "", None),
    ]


# --- 5. as-of portfolio page --------------------------------------------------------------------

def asof_figures(url: str, events: int, repeat: int = 5) -> list[Figure]:
    as_of = sample_ids(url)["as_of"]
    code = textwrap.dedent(f"""
        import json, statistics, time
        from web.app import create_app
        # Without the page cache: each timed request renders the page.
        app = create_app({{"PMO_STORE": {url!r}, "SECRET_KEY": "bench", "PMO_PAGE_CACHE": 0}})
        client = app.test_client()
        headers = {{"Authorization": "Bearer " + {bench_token(url)!r}}}
        def timed(path):
            client.get(path, headers=headers)
            samples = []
            for _ in range({repeat}):
                began = time.perf_counter()
                r = client.get(path, headers=headers)
                samples.append(time.perf_counter() - began)
                assert r.status_code == 200, (path, r.status_code)
            return statistics.median(samples)
        def queries_only():
            # The as-of part alone: the moment to a log position, then the dashboard's queries.
            from datetime import date
            from core import queries
            from core.asof import parse_as_of, position_at
            from web.tenancy import current_pmo
            with app.app_context():
                pmo = current_pmo()
                samples = []
                for _ in range({repeat}):
                    began = time.perf_counter()
                    queries.dashboard_summary(pmo, at=position_at(pmo, parse_as_of("{as_of}")),
                                              today=date.fromisoformat("{as_of}"))
                    samples.append(time.perf_counter() - began)
                return statistics.median(samples)
        print(json.dumps({{"now": timed("/"), "past": timed("/?as_of={as_of}"), "queries": queries_only()}}))
    """)
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "PMO_VAR": str(BENCH)}).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return [Figure(f"as-of portfolio page at {events:,} events", r["past"], "s", r["now"], "page now",
                   "<= 1 s at 1M", r["past"] <= 1.0),
            Figure(f"as-of dashboard queries alone at {events:,} events", r["queries"], "s", r["past"],
                   "whole as-of page", "", None)]


# --- 6. worker start-up ---------------------------------------------------------------------------

def replaced_worker_seconds(url: str) -> float:
    """gunicorn.conf.py preloads the app in the master and forks workers from it: kill the one
    worker with SIGKILL and time until a new one answers /readyz."""
    server = Server(url)
    server.env["PMO_WORKERS"] = "1"
    with server:
        master = server.procs[-1].pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        os.kill(int(children[0]), signal.SIGKILL)
        began = time.perf_counter()
        while True:
            try:
                with urllib.request.urlopen(server.base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - began
            except OSError:
                time.sleep(0.005)


def startup_figures(url: str, events: int) -> list[Figure]:
    """A gunicorn worker imports the app and opens the store; time it until /readyz answers."""
    code = textwrap.dedent(f"""
        import json, time
        began = time.perf_counter()
        from web.app import create_app
        app = create_app({{"PMO_STORE": {url!r}, "SECRET_KEY": "bench"}})
        status = app.test_client().get("/readyz").status_code
        took = time.perf_counter() - began
        rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
        print(json.dumps({{"seconds": took, "cpu": time.process_time(), "rss_mb": rss / 1024, "status": status}}))
    """)
    samples = []
    for _ in range(3):
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                             env={**os.environ, "PMO_VAR": str(BENCH)}).stdout
        samples.append(json.loads(out.strip().splitlines()[-1]))
    seconds = statistics.median(s["seconds"] for s in samples)
    cpu = statistics.median(s["cpu"] for s in samples)
    rss = max(s["rss_mb"] for s in samples)
    forked = statistics.median(replaced_worker_seconds(url) for _ in range(3))
    return [
        Figure(f"worker start-up until /readyz ({events:,} events)", seconds, "s", 2.0, "target", "<= 2 s",
               seconds <= 2 and all(s["status"] == 200 for s in samples)),
        Figure("  the same, CPU time of the worker (interpreter start included)", cpu, "s", 2.0, "target", "", None),
        Figure("  a worker gunicorn forks from its preloaded master (production config), killed and replaced",
               forked, "s", 2.0, "target", "<= 2 s", forked <= 2),
        Figure(f"worker memory, peak RSS ({events:,} events)", rss, "MB", 250.0, "target", "<= 250 MB", rss <= 250),
    ]


# --- the run ---------------------------------------------------------------------------------

def postgres_reachable(base: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(base, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


PARTS = ("commands", "http", "rebuild", "asof", "startup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one 20,000-event store, short load runs (< 5 min)")
    parser.add_argument("--small", type=int, default=None, help="events in the HTTP/as-of store")
    parser.add_argument("--big", type=int, default=None, help="events in the rebuild/verify/start-up store")
    parser.add_argument("--seconds", type=int, default=None, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=16, help="concurrent HTTP connections")
    parser.add_argument("--commands", type=int, default=None, help="commands in figure 1")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL database for the HTTP figures")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--write-doc", action="store_true", help="write the table into docs/performance.md")
    parser.add_argument("--only", default="", help="comma-separated parts to run: " + ", ".join(PARTS))
    args = parser.parse_args(argv)
    small = args.small or (20_000 if args.quick else 100_000)
    big = args.big or (small if args.quick else 1_000_000)
    seconds = args.seconds or (4 if args.quick else 15)
    commands = args.commands or (1_000 if args.quick else 5_000)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    BENCH.mkdir(parents=True, exist_ok=True)
    os.environ["PMO_VAR"] = str(BENCH)
    began = time.perf_counter()
    with_pg = not args.no_pg and postgres_reachable(args.pg)
    if not args.no_pg and not with_pg:
        say(f"PostgreSQL at {args.pg} does not answer: its figures are left out")

    for events in sorted({small, big}):
        ensure_store(sqlite_url(events), events)
    if with_pg and (not args.only or "http" in args.only):
        ensure_store(pg_url(args.pg, small), small)

    parts = set(args.only.split(",")) if args.only else set(PARTS)
    if parts - set(PARTS):
        parser.error(f"--only takes {', '.join(PARTS)}")
    if args.only and args.write_doc:
        parser.error("--write-doc records a full run: leave out --only")
    figures: list[Figure] = []
    if "commands" in parts:
        say(f"1. {commands:,} commands through the services vs bare save()")
        figures += commands_vs_bare(commands)
    if "http" in parts:
        say(f"2. HTTP on SQLite ({small:,} events), {seconds} s per run, {args.connections} connections")
        figures += http_figures("sqlite", sqlite_url(small), seconds, args.connections)
    if "http" in parts and with_pg:
        say(f"2. HTTP on PostgreSQL ({small:,} events)")
        figures += http_figures("postgres", pg_url(args.pg, small), seconds, args.connections)
        figures += http_figures("postgres", pg_url(args.pg, small), seconds, args.connections,
                                projections="external", reads=False)
    if "rebuild" in parts:
        say(f"3, 4. rebuild and verify ({big:,} events)")
        figures += rebuild_and_verify(sqlite_url(big), big)
    if "asof" in parts:
        say("5. as-of portfolio page")
        for events in sorted({small, big}):
            figures += asof_figures(sqlite_url(events), events)
    if "startup" in parts:
        say(f"6. worker start-up ({big:,} events)")
        figures += startup_figures(sqlite_url(big), big)

    took = time.perf_counter() - began
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    load = os.getloadavg()
    header = (f"{command.strip()}\n{date.today()} · {platform.python_implementation()} {platform.python_version()} · "
              f"{os.cpu_count()} cores · load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} · "
              f"HTTP load: wrk, {args.connections} connections without pause for the most served, "
              f"{USERS} pacing users for the latency at {TARGET_RATE}/s, {seconds} s per run · took {took:.0f} s")
    result = table(figures)
    print(header)
    print(result)
    if args.write_doc:
        write_doc(header, result)
    return 0


def write_doc(header: str, result: str) -> None:
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text() if doc.exists() else "<!-- results -->\n<!-- /results -->\n"
    start, end = text.index("<!-- results -->"), text.index("<!-- /results -->")
    block = f"<!-- results -->\n```\n{header}\n```\n\n{result}\n"
    doc.write_text(text[:start] + block + text[end:])
    say(f"results written to {doc}")


if __name__ == "__main__":
    sys.exit(main())
