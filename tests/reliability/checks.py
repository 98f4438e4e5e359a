"""After the crash: is every acknowledged write there, and is nothing half-written?"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import requests
import sqlalchemy as sa

from core.domain.action import Action
from events.chain import iter_chain, iter_records
from events.projections import tracking_table
from events.store import parse_store_url, readmodel_engine
from tests.events.test_store_contract import snapshot
from tests.reliability.load import OWNER, Ack
from tests.reliability.server import Site
from web.tenancy import open_pmo


@dataclass
class Figures:
    acknowledged: int  # distinct actions whose creation was answered 2xx
    found: int  # of those, present in the API and the ledger in their acknowledged state
    in_doubt: int  # written by the load but never acknowledged (the answer was lost in the crash)
    events: int  # records in the ledger

    @property
    def lost(self) -> int:
        return self.acknowledged - self.found


def _agrees(row: dict, ack: Ack) -> bool:
    """The stored action is the acknowledged one, or a later state of it (a close that was
    written but whose answer the crash swallowed)."""
    if row["title"] != ack.title or row["version"] < ack.version:
        return False
    return row["status"] == "done" if ack.status == "done" else row["status"] in ("open", "done")


def acknowledged_in_api(base_url: str, token: str, acks: dict[str, Ack]) -> tuple[int, int]:
    """(acknowledged actions the API shows as acknowledged, actions of the load it lists)."""
    response = requests.get(f"{base_url}/api/actions", params={"owner": OWNER},
                            headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert response.status_code == 200, response.text
    listed = {row["id"]: row for row in response.json()}
    missing = [ack for ack in acks.values() if ack.id not in listed or not _agrees(listed[ack.id], ack)]
    assert not missing, f"acknowledged writes missing from the API: {missing[:5]}"
    return len(acks) - len(missing), len(listed)


def tracked_positions(store_url: str) -> dict[str, int]:
    """Each projection's position, read without opening a PMO (opening one catches up)."""
    engine = readmodel_engine(parse_store_url(store_url))
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.select(tracking_table.c.name, tracking_table.c.position)).all())
    finally:
        engine.dispose()


def check_ledger(site: Site, acks: dict[str, Ack]) -> int:
    """Every acknowledged write is in the ledger; every record has its chain row; the
    restarted server caught the read models up, and they equal a rebuild from the ledger.
    Returns the ledger's size.

    Run with the server stopped: the rebuild drops the read-model tables.
    """
    served = tracked_positions(site.store_url)  # as the restarted server left them
    pmo = open_pmo(site.store_url)
    try:
        for ack in acks.values():
            action = pmo.get(Action, uuid.UUID(ack.id))
            stored = {"title": action.title, "version": action.version, "status": action.status}
            assert _agrees(stored, ack), f"ledger has {stored} for acknowledged {ack}"

        records = [r[0] for r in iter_records(pmo.ledger.recorder)]
        chained = [c[0] for c in iter_chain(pmo.ledger.recorder)]
        assert records == chained, "a record without its chain row, or a chain row without its record"

        head = pmo.ledger.max_position()
        lagging = {name: served.get(name) for name in pmo.active_projections() if served.get(name) != head}
        assert not lagging, f"the restarted server left read models behind the ledger (head {head}): {lagging}"
        caught_up = snapshot(pmo)
        pmo.rebuild()
        assert snapshot(pmo) == caught_up, "read models differ from a rebuild from the ledger"
        return len(records)
    finally:
        pmo.close()


def audit_verifies(site: Site) -> None:
    done = site.pmo("audit", "verify", check=False)
    assert done.exit_code == 0 and done.stdout.startswith("OK"), done.output


def check_everything(site: Site, base_url: str, token: str, acks: dict[str, Ack], stop_server) -> Figures:
    """The API (while the restarted server runs), then the ledger and `pmo audit verify`."""
    found, listed = acknowledged_in_api(base_url, token, acks)
    stop_server()
    events = check_ledger(site, acks)
    audit_verifies(site)
    return Figures(acknowledged=len(acks), found=found, in_doubt=listed - len(acks), events=events)
