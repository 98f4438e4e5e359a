"""Replay into a new store: how an organisation outgrows SQLite (and how it can go back).

Records are copied in log order, byte for byte, into an empty store; the target's recorder
chains them as it writes, so an identical chain head proves an identical history.
"""
from __future__ import annotations

from eventsourcing.persistence import StoredEvent

from events.chain import iter_records
from events.store import Ledger


class TargetNotEmptyError(RuntimeError):
    """The target store already holds records; copying would interleave two histories."""


def copy_ledger(source: Ledger, target: Ledger, batch: int = 500, progress=None) -> int:
    if target.max_position():
        raise TargetNotEmptyError("the target store is not empty")
    pending: list[StoredEvent] = []
    copied = 0
    for position, oid, version, topic, state in iter_records(source.recorder, batch=batch):
        pending.append(StoredEvent(originator_id=oid, originator_version=version, topic=topic, state=state))
        if len(pending) == batch:
            copied += _flush(target, pending, copied)
            if progress is not None:
                progress(copied)
    copied += _flush(target, pending, copied)
    if progress is not None:
        progress(copied)
    return copied


def _flush(target: Ledger, pending: list[StoredEvent], copied: int) -> int:
    if not pending:
        return 0
    ids = target.recorder.insert_events(pending)
    # Positions must match the source's, or the chain (which covers positions) would differ.
    if ids is not None and list(ids) != list(range(copied + 1, copied + len(pending) + 1)):
        raise RuntimeError(f"target assigned positions {ids[0]}..{ids[-1]}, expected {copied + 1}..")
    n = len(pending)
    pending.clear()
    return n
