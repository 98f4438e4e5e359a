"""Tamper evidence: a hash chain over the global log, written with the records it covers.

Each record's chain hash covers the previous chain hash and the stored record (position,
originator id and version, topic, state bytes). The recorders below insert the chain rows in
the *same transaction* as the records (the event store already serialises writers), so every
record the application wrote is chained, and a record that has no chain row was put there
behind its back. Every ``SEAL_INTERVAL`` positions the head is sealed: signed with the
Ed25519 key from ``PMO_AUDIT_KEY``, so rewriting records *and* chain still fails
verification without the key.
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

GENESIS = "0" * 64
SEAL_INTERVAL = 100


_VERSION = struct.Struct(">Q")


def record_hash(previous: str, originator_id: Any, version: int, topic: str, state: bytes) -> str:
    """The chain link of one record: it covers the previous link, so order is covered too.

    Positions are not hashed: they are the store's numbering (PostgreSQL may skip numbers),
    and a copy into another store must keep the same chain.
    """
    oid = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id).replace("-", "")
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(previous))
    for part in (struct.pack(">Q", version), oid.encode(), b"\x00", topic.encode(), b"\x00"):
        digest.update(part)
    digest.update(state)
    return digest.hexdigest()


# --- signing ------------------------------------------------------------------------------

class Sealer:
    """Signs chain heads with an Ed25519 key; the public key verifies them anywhere."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self.private_key = private_key

    @classmethod
    def from_env(cls, var_dir: str | Path = "var") -> "Sealer":
        """PMO_AUDIT_KEY (base64 of a 32-byte seed), or a key generated once in var/audit_key."""
        seed = os.environ.get("PMO_AUDIT_KEY")
        if not seed:
            path = Path(var_dir) / "audit_key"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(base64.b64encode(os.urandom(32)).decode())
                path.chmod(0o600)
            seed = path.read_text().strip()
        return cls(Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed)))

    @property
    def public_key_b64(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def sign(self, position: int, chain_hash: str) -> str:
        return base64.b64encode(self.private_key.sign(seal_message(position, chain_hash))).decode()


def seal_message(position: int, chain_hash: str) -> bytes:
    return f"pmo-ledger-seal:{position}:{chain_hash}".encode()


def seal_is_valid(public_key_b64: str, position: int, chain_hash: str, signature: str) -> bool:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
    try:
        key.verify(base64.b64decode(signature), seal_message(position, chain_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def _links(previous: str, ids: Sequence[int], stored: Sequence[StoredEvent]) -> list[tuple[int, str]]:
    rows = []
    for position, s in zip(ids, stored):
        previous = record_hash(previous, s.originator_id, s.originator_version, s.topic, s.state)
        rows.append((position, previous))
    return rows


def _seals(sealer: Sealer | None, before: int, rows: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """Seal the new head when this write crossed a multiple of SEAL_INTERVAL."""
    if sealer is None or not rows:
        return []
    head, head_hash = rows[-1]
    if head // SEAL_INTERVAL > before // SEAL_INTERVAL:
        return [(head, head_hash, sealer.sign(head, head_hash))]
    return []


class ChainReader:
    """What the verifier needs from any of the chained recorders."""

    sealer: Sealer | None = None

    def select_records(self, after: int, limit: int) -> list[Record]:
        """Up to ``limit`` stored records after position ``after``, as hashed: plain tuples,
        straight from the table (no event objects: verifying reads every record)."""
        rows = self.select_notifications(start=after, limit=limit, inclusive_of_start=False)  # type: ignore[attr-defined]
        return [(r.id, r.originator_id, r.originator_version, r.topic, r.state) for r in rows]

    def select_chain(self, after: int, limit: int) -> list[tuple[int, str]]:
        raise NotImplementedError

    def select_seals(self) -> list[tuple[int, str, str]]:
        raise NotImplementedError

    def insert_seal(self, position: int, chain_hash: str, signature: str) -> None:
        raise NotImplementedError


# --- SQLite -------------------------------------------------------------------------------

def _plain(cursor):
    """The driver's own cursor, made to return plain tuples (the connection makes Rows, and
    eventsourcing hands out a wrapper, on which setting row_factory would change nothing)."""
    cursor = getattr(cursor, "sqlite_cursor", cursor)
    cursor.row_factory = None
    return cursor


class ChainedSQLiteRecorder(SQLiteApplicationRecorder, ChainReader):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS ledger_chain (position INTEGER PRIMARY KEY, hash TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS ledger_seals (position INTEGER PRIMARY KEY, "
            "hash TEXT NOT NULL, signature TEXT NOT NULL)",
        ]

    def _insert_events(self, c, stored_events, **kwargs):
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.execute("SELECT position, hash FROM ledger_chain ORDER BY position DESC LIMIT 1")
        head = c.fetchone()
        before, previous = (head[0], head[1]) if head else (0, GENESIS)
        rows = _links(previous, ids, stored_events)
        c.executemany("INSERT INTO ledger_chain (position, hash) VALUES (?, ?)", rows)
        c.executemany("INSERT INTO ledger_seals (position, hash, signature) VALUES (?, ?, ?)",
                      _seals(self.sealer, before, rows))
        return ids

    def select_records(self, after: int, limit: int) -> list[Record]:
        with self.datastore.transaction(commit=False) as c:
            c = _plain(c)
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, limit))
            return c.fetchall()

    def select_chain(self, after: int, limit: int) -> list[tuple[int, str]]:
        with self.datastore.transaction(commit=False) as c:
            c = _plain(c)
            c.execute("SELECT position, hash FROM ledger_chain WHERE position > ? ORDER BY position LIMIT ?",
                      (after, limit))
            return c.fetchall()

    def select_seals(self) -> list[tuple[int, str, str]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT position, hash, signature FROM ledger_seals ORDER BY position")
            return [(r[0], r[1], r[2]) for r in c.fetchall()]

    def insert_seal(self, position: int, chain_hash: str, signature: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("INSERT OR REPLACE INTO ledger_seals (position, hash, signature) VALUES (?, ?, ?)",
                      (position, chain_hash, signature))


# --- PostgreSQL ---------------------------------------------------------------------------

class ChainedPostgresRecorder(PostgresApplicationRecorder, ChainReader):
    def __init__(self, datastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        self.chain_table = SQL("{}.{}").format(schema, Identifier(f"{events_table_name}_chain"))
        self.seals_table = SQL("{}.{}").format(schema, Identifier(f"{events_table_name}_seals"))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, hash text NOT NULL)"
        ).format(self.chain_table))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, hash text NOT NULL, "
            "signature text NOT NULL)").format(self.seals_table))

    def _create_table(self, curs) -> None:
        # Several processes starting at once (gunicorn workers) would run the same
        # CREATE ... IF NOT EXISTS together, which PostgreSQL can refuse ("tuple concurrently
        # updated"): one at a time, per table.
        curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                     (f"pmo-ddl:{self.datastore.schema}.{self.events_table_name}",))
        super()._create_table(curs)

    def _insert_stored_events(self, curs, stored_events, **kwargs):
        # A uniqueness violation would roll back *after* the id sequence moved on, leaving a
        # gap in the log. Under the table lock (which the insert takes anyway) look first.
        self._lock_table(curs)
        curs.execute(SQL("SELECT originator_id, originator_version FROM {}.{} WHERE originator_id = ANY(%s)").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)),
            ([s.originator_id for s in stored_events],))
        taken = {(row["originator_id"], row["originator_version"]) for row in curs.fetchall()}
        clashes = [s for s in stored_events if (s.originator_id, s.originator_version) in taken]
        if clashes:
            raise IntegrityError(f"version {clashes[0].originator_version} of {clashes[0].originator_id} is taken")
        super()._insert_stored_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(self, curs, stored_events, **kwargs):
        # Still inside the insert's transaction, under its table lock: the head is ours.
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        curs.execute(SQL("SELECT position, hash FROM {} ORDER BY position DESC LIMIT 1").format(self.chain_table))
        head = curs.fetchone()
        before, previous = (head["position"], head["hash"]) if head else (0, GENESIS)
        rows = _links(previous, ids, stored_events)
        curs.executemany(SQL("INSERT INTO {} (position, hash) VALUES (%s, %s)").format(self.chain_table), rows)
        seals = _seals(self.sealer, before, rows)
        if seals:
            curs.executemany(SQL("INSERT INTO {} (position, hash, signature) VALUES (%s, %s, %s)").format(
                self.seals_table), seals)
        return ids

    def select_records(self, after: int, limit: int) -> list[Record]:
        # Tuples straight from the driver (the connection makes dicts).
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{} "
                             "WHERE notification_id > %s ORDER BY notification_id LIMIT %s").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)), (after, limit))
            rows = curs.fetchall()
        if rows and type(rows[0][4]) is not bytes:  # bytea as memoryview: hash and compare bytes
            rows = [(p, oid, v, topic, bytes(state)) for p, oid, v, topic, state in rows]
        return rows

    def select_chain(self, after: int, limit: int) -> list[tuple[int, str]]:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(SQL("SELECT position, hash FROM {} WHERE position > %s ORDER BY position LIMIT %s").format(
                self.chain_table), (after, limit))
            return curs.fetchall()

    def select_seals(self) -> list[tuple[int, str, str]]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("SELECT position, hash, signature FROM {} ORDER BY position").format(self.seals_table))
            return [(r["position"], r["hash"], r["signature"]) for r in curs.fetchall()]

    def insert_seal(self, position: int, chain_hash: str, signature: str) -> None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("INSERT INTO {} (position, hash, signature) VALUES (%s, %s, %s) "
                             "ON CONFLICT (position) DO NOTHING").format(self.seals_table),
                         (position, chain_hash, signature))


# --- memory -------------------------------------------------------------------------------

class ChainedPOPORecorder(POPOApplicationRecorder, ChainReader):
    def __init__(self) -> None:
        super().__init__()
        self._chain: list[tuple[int, str]] = []
        self._seals: list[tuple[int, str, str]] = []

    def _insert_events(self, stored_events, **kwargs):
        with self._database_lock:
            ids = super()._insert_events(stored_events, **kwargs)
            before, previous = self._chain[-1] if self._chain else (0, GENESIS)
            rows = _links(previous, ids, stored_events)
            self._chain.extend(rows)
            self._seals.extend(_seals(self.sealer, before, rows))
            return ids

    def select_chain(self, after: int, limit: int) -> list[tuple[int, str]]:
        return [row for row in self._chain if row[0] > after][:limit]

    def select_seals(self) -> list[tuple[int, str, str]]:
        return list(self._seals)

    def insert_seal(self, position: int, chain_hash: str, signature: str) -> None:
        self._seals.append((position, chain_hash, signature))


RECORDER_TOPICS = {
    "eventsourcing.sqlite": "events.chain:ChainedSQLiteRecorder",
    "eventsourcing.postgres": "events.chain:ChainedPostgresRecorder",
    "eventsourcing.popo": "events.chain:ChainedPOPORecorder",
}


# --- verification -------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    head: str
    position: int | None = None
    problem: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.checked} records, chain head {self.head}"
        return f"FAILED at position {self.position}: {self.problem}"


Record = tuple[int, Any, int, str, bytes]  # position, originator id, version, topic, state


def verify_chain(
    records: Iterable[Record], chain: Iterable[tuple[int, str]],
    seals: Iterable[tuple[int, str, str]] = (), public_key_b64: str | None = None, progress=None,
    upto: int | None = None, page: int = 10_000,
) -> Verdict:
    """Walk records and chain rows together; report the first position that is not as written.

    ``upto``: stop at this position (the head when verification began), so a record written
    while the check runs is not mistaken for tampering. ``progress(position)`` is called
    once per page of ``page`` records with the last position checked.

    Pages are checked whole (positions, hashes and seals compared as lists, no per-record
    branches: verifying reads every record of the ledger). The first page with anything
    amiss, and the pages past ``upto``, are walked record by record from that page's start
    by ``_walk``, which names the first bad position.
    """
    seals_at = {position: (h, sig) for position, h, sig in seals}
    seal_ok = _seal_checker(public_key_b64)
    last = upto if upto is not None else float("inf")
    records, chain = iter(records), iter(chain)
    previous, digest, checked = GENESIS, bytes.fromhex(GENESIS), 0
    sha256, pack, join, first, second = hashlib.sha256, _VERSION.pack, b"".join, itemgetter(0), itemgetter(1)
    while True:
        recs, links = list(itertools.islice(records, page)), list(itertools.islice(chain, page))
        if not recs and not links:
            return Verdict(True, checked, previous)
        positions = list(map(first, recs))
        if len(recs) != len(links) or positions != list(map(first, links)) or max(positions) > last:
            break
        digests: list[bytes] = []
        digests_append = digests.append
        link = digest
        for _position, oid, version, topic, state in recs:
            # record_hash(), inlined: the previous link stays binary, one hash call per record.
            oid = oid.hex if isinstance(oid, UUID) else str(oid).replace("-", "")
            link = sha256(join((link, pack(version), oid.encode(), b"\x00", topic.encode(), b"\x00", state))).digest()
            digests_append(link)
        hashes = list(map(second, links))
        if list(map(bytes.hex, digests)) != hashes:
            break
        sealed = seals_at.keys() & set(positions)
        if sealed:
            at = dict(zip(positions, hashes))
            if len(at) != len(positions) or not all(
                    seals_at[p][0] == at[p] and (not public_key_b64 or seal_ok(p, *seals_at[p]))
                    for p in sealed):
                break
        digest, previous, checked = link, hashes[-1], checked + len(recs)
        if progress is not None:
            progress(positions[-1])
    return _walk(itertools.chain(recs, records), itertools.chain(links, chain), seals_at, public_key_b64, seal_ok,
                 last, previous, checked, progress)


def _walk(records, chain, seals_at, public_key_b64, seal_ok, last, previous, checked, progress) -> Verdict:
    """Record by record from a verified ``previous`` link: where exactly it goes wrong."""
    digest = bytes.fromhex(previous)
    # Records and chain rows advance together: the first pair whose positions differ (or a
    # side that ends first) is where a record was inserted or deleted.
    for record, link in itertools.zip_longest(records, chain):
        if record is not None and record[0] > last:
            record = None
        if link is not None and link[0] > last:
            link = None
        if record is None or link is None or record[0] != link[0]:
            if record is None and link is None:
                break
            if link is None or (record is not None and record[0] < link[0]):
                return Verdict(False, checked, previous, record[0],  # type: ignore[index]
                               "record inserted: it is not in the chain the application wrote")
            return Verdict(False, checked, previous, link[0], "record deleted: the chain has it, the store does not")
        position, oid, version, topic, state = record
        oid = oid.hex if isinstance(oid, UUID) else str(oid).replace("-", "")
        digest = hashlib.sha256(b"".join((digest, _VERSION.pack(version), oid.encode(), b"\x00", topic.encode(),
                                          b"\x00", state))).digest()
        expected = digest.hex()
        if expected != link[1]:
            return Verdict(False, checked, previous, position,
                           "record altered or reordered: its hash does not match the chain")
        if position in seals_at:
            seal_hash, signature = seals_at[position]
            if seal_hash != expected or (public_key_b64 and not seal_ok(position, seal_hash, signature)):
                return Verdict(False, checked, previous, position, "seal does not match: chain rewritten")
        previous, checked = expected, checked + 1
        if progress is not None:
            progress(position)
    return Verdict(True, checked, previous)


def _seal_checker(public_key_b64: str | None):
    """seal_is_valid() with the key decoded once (a million records carry ten thousand seals);
    decoded on first use, so a bad key fails as before: only when there is a seal to check."""
    key: list[Ed25519PublicKey] = []

    def valid(position: int, chain_hash: str, signature: str) -> bool:
        if not key:
            key.append(Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64)))
        try:
            key[0].verify(base64.b64decode(signature), seal_message(position, chain_hash))
        except (InvalidSignature, ValueError):
            return False
        return True

    return valid


def iter_records(recorder: Any, batch: int = 10_000, after: int = 0) -> Iterator[Record]:
    # Pages chained in C: no Python frame per record.
    return itertools.chain.from_iterable(_record_pages(recorder, batch, after))


def _record_pages(recorder: Any, batch: int, after: int) -> Iterator[list[Record]]:
    select = getattr(recorder, "select_records", None)
    while True:
        if select is not None:
            rows = select(after, batch)
        else:
            rows = [(r.id, r.originator_id, r.originator_version, r.topic, r.state) for r in
                    recorder.select_notifications(start=after, limit=batch, inclusive_of_start=False)]
        yield rows
        if len(rows) < batch:
            return
        after = rows[-1][0]


def iter_chain(recorder: ChainReader, batch: int = 10_000, after: int = 0) -> Iterator[tuple[int, str]]:
    return itertools.chain.from_iterable(_chain_pages(recorder, batch, after))


def _chain_pages(recorder: ChainReader, batch: int, after: int) -> Iterator[list[tuple[int, str]]]:
    while True:
        rows = recorder.select_chain(after, batch)
        yield rows
        if len(rows) < batch:
            return
        after = rows[-1][0]
