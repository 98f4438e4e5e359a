"""kill -9 the server mid-load, again and again: no acknowledged write is ever lost.

The real server (gunicorn with the production config, two workers) on a SQLite store takes
writes from four API clients. Once each round has some acknowledged writes, the master and
every worker get SIGKILL at once, at a moment that varies by round; then the server starts
again on the same file. After the last round the restarted server and the ledger must hold
every write that was answered 2xx, in that state or a later one; every record has its chain
row; the read models have caught up and equal a rebuild; `pmo audit verify` says OK.
"""
from __future__ import annotations

import random
import time

from tests.reliability.checks import check_everything
from tests.reliability.load import WriteLoad
from tests.reliability.server import Gunicorn, Site, prepare

ROUNDS = 5
WORKERS = 2  # two writers on one file; each more costs a second of start-up per round
ACKS_BEFORE_KILL = 12  # per round, then a pause of up to 0.3 s: the kill lands mid-write


def test_no_acknowledged_write_is_lost_over_kill_rounds(tmp_path, var_dir):
    site = Site(tmp_path, f"sqlite:///{tmp_path}/pmo.sqlite")
    token = prepare(site)
    server = Gunicorn(site, workers=WORKERS)
    load = WriteLoad(token, threads=4)
    timing = random.Random(5)
    killed = []
    try:
        for round_ in range(1, ROUNDS + 1):
            load.start(server.start().url, f"r{round_}")
            load.wait_for_acks(ACKS_BEFORE_KILL)
            time.sleep(timing.uniform(0, 0.3))
            killed.append(server.kill())
            load.stop()
        server.start()
        figures = check_everything(site, server.url, token, load.acknowledged, server.stop)
    finally:
        load.stop()
        server.stop()

    # Every kill took the master and all its workers.
    assert killed == [1 + WORKERS] * ROUNDS
    # The server never answered anything but success: a kill is a dropped connection.
    assert load.unexpected(allowed={200, 201}) == []
    assert load.connection_errors > 0
    assert figures.acknowledged >= ROUNDS * ACKS_BEFORE_KILL // 2 and figures.lost == 0
    print(f"\nSQLite crash test: {ROUNDS} kill -9 rounds, {figures.acknowledged} actions acknowledged "
          f"({len(load.answers)} 2xx answers), {figures.found} found, {figures.lost} lost, "
          f"{figures.in_doubt} written but unacknowledged, {figures.events} ledger records")

