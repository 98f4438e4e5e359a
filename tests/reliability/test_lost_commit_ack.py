"""PostgreSQL commits a save, and the connection dies before the app hears "COMMIT".

eventsourcing retries the insert on a new connection; the chained recorder then finds the
records already there (its own) and refuses them as a clash. That must not reach the user as
a 409: the records in the store are compared with the pending ones and, identical, the save
succeeded. A real clash (someone else's event at that version) still is one.

The proxy of outage.py is given a trigger: it passes the events insert and the COMMIT after
it on to the server, swallows the server's answer, and cuts every connection, as a network
failure at that moment would.
"""
from __future__ import annotations

import threading
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from core.domain.action import Action
from core.domain.errors import ConflictError
from core.projections import actions
from core.services import logs
from events.context import command_context
from tests.conftest import drop_pg_schema, postgres_store_url
from tests.reliability.outage import CuttableProxy, _close
from web.tenancy import open_pmo


class AckLosingProxy(CuttableProxy):
    """``arm()``: the next COMMIT after an insert into the events table reaches the server,
    its answer does not reach the app, then every connection is cut (and new ones accepted)."""

    def __init__(self, target_host: str, target_port: int):
        super().__init__(target_host, target_port)
        self.armed = self.saw_insert = False
        self.fired = threading.Event()
        self.muted: set[int] = set()  # server sockets whose answers are swallowed

    def arm(self) -> None:
        self.armed, self.saw_insert = True, False

    def _pump(self, source, sink, pair) -> None:
        client, server = pair
        try:
            while data := source.recv(65536):
                if source is server and id(server) in self.muted:
                    continue  # the answer to COMMIT (and anything after it) is lost
                sink.sendall(data)
                if source is client and self.armed:
                    if b"INSERT INTO" in data and b"pmo_events" in data:
                        self.saw_insert = True
                    if self.saw_insert and b"COMMIT" in data:
                        self.armed = False
                        self.muted.add(id(server))
                        # Give the server the moment it needs to commit, then cut.
                        threading.Timer(0.3, self._cut_and_restore).start()
        except OSError:
            pass
        with self._lock:
            self._pairs.discard(pair)
        _close(source)
        _close(sink)

    def _cut_and_restore(self) -> None:
        self.cut()
        self.restore()
        self.fired.set()


@pytest.mark.postgres
def test_lost_commit_answer_is_not_a_conflict(var_dir):
    direct = postgres_store_url()
    parts = urlsplit(direct)
    proxy = AckLosingProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    pmo = open_pmo(urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}")))
    try:
        with command_context("pia", "setup"):
            action = logs.assign_action(pmo, "Order the servers", "pia")
        head = pmo.ledger.max_position()

        proxy.arm()
        with command_context("pia", "retitle"):
            updated = logs.update_action(pmo, action.id, expected_version=1, title="Order two servers")
        assert proxy.fired.wait(5), "the proxy never saw the insert's COMMIT"

        # Written once, acknowledged, and in the read model.
        assert updated.version == 2
        assert pmo.ledger.max_position() == head + 1
        stored = pmo.ledger.recorder.select_events(action.id)
        assert [e.originator_version for e in stored] == [1, 2]
        with pmo.read() as conn:
            title = conn.execute(sa.select(actions.c.title).where(
                actions.c.id == action.id, actions.c.valid_to.is_(None))).scalar_one()
        assert title == "Order two servers"

        # A real clash at the same version is still refused.
        with command_context("omar", "late edit"):
            mine, theirs = pmo.get(Action, action.id), pmo.get(Action, action.id)
            mine.update(title="Mine")
            theirs.update(title="Theirs")
            pmo.save(mine)
            with pytest.raises(ConflictError):
                pmo.save(theirs)
        assert pmo.ledger.max_position() == head + 2
    finally:
        pmo.close()
        proxy.close()
        drop_pg_schema(direct)
