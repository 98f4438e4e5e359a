"""Personal data under per-person keys: forgetting a person is destroying their key.

Personal fields (a person's name and email, a capacity period's note, a development record's
title and note) enter the ledger only sealed: AES-GCM (the ``cryptography`` package) under a
256-bit key of that person alone, the person's id bound in as associated data, so a sealed
value cannot be moved to someone else. The keys live in ``resources_person_keys``: a table in
the same database as the ledger but no part of it: not an event, not in the hash chain, not a
read model (a rebuild of the read models never drops it). The ledger stays append-only and
verifiable; ``forget`` deletes one key, and every copy of that person's personal data, in the
events, the read models and any export of either, becomes unreadable at once.

Where the database keeps deleted rows around, the key is scrubbed too: SQLite overwrites the
deleted row (``secure_delete``) and truncates its write-ahead log; PostgreSQL vacuums the table.

A token: ``"pd1:"`` + base64url(12-byte nonce + ciphertext and tag). ``""`` seals nothing.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
import uuid
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.pmo import PMO
from events.temporal import UTCDateTime

PREFIX = "pd1:"
FORGOTTEN = "forgotten person"
log = logging.getLogger(__name__)

metadata = sa.MetaData()
keys_table = sa.Table(
    "resources_person_keys", metadata,
    sa.Column("person_id", sa.Uuid, primary_key=True),
    sa.Column("key", sa.LargeBinary(32), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)


def ensure_table(conn: sa.Connection) -> None:
    """The key table exists; on SQLite, whatever a key write frees is zeroed, not left behind."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    metadata.create_all(conn, checkfirst=True)


def install(pmo: PMO) -> None:
    """Create the key table if this database has none yet (at start-up)."""
    with pmo.writer_engine.begin() as conn:
        ensure_table(conn)


def _aad(person_id: uuid.UUID) -> bytes:
    return b"resources.Person:" + person_id.bytes


def new_key(pmo: PMO, person_id: uuid.UUID) -> None:
    """Make and keep the person's key; committed before any event sealed with it is written."""
    with pmo.writer_engine.begin() as conn:
        ensure_table(conn)
        conn.execute(keys_table.insert(), {"person_id": person_id, "key": AESGCM.generate_key(bit_length=256),
                                           "created_at": datetime.now(timezone.utc)})


def keyring(pmo: PMO, person_ids: Any = None) -> dict[uuid.UUID, AESGCM]:
    """The keys of these people (None: everyone's) that still exist."""
    stmt = sa.select(keys_table.c.person_id, keys_table.c.key)
    if person_ids is not None:
        ids = list({p for p in person_ids if p is not None})
        if not ids:
            return {}
        stmt = stmt.where(keys_table.c.person_id.in_(ids))
    with pmo.read() as conn:
        rows = conn.execute(stmt).all()
    ring = {}
    for pid, key in rows:
        try:
            ring[pid] = AESGCM(key)
        except (TypeError, ValueError):
            # Not a 128/192/256-bit key: the key table was edited by hand (or a backup file
            # was). The person reads as one whose key opens nothing, not as an error page.
            log.warning("personal-data key of person %s is damaged (%s bytes); their fields cannot be read",
                        pid, len(key) if key is not None else None)
    return ring


def seal(pmo: PMO, person_id: uuid.UUID, values: dict[str, str]) -> str:
    """``values`` as a token only this person's key opens."""
    ring = keyring(pmo, [person_id])
    if person_id not in ring:
        raise LookupError(f"no key for person {person_id}: forgotten, or never registered")
    nonce = os.urandom(12)
    sealed = ring[person_id].encrypt(nonce, json.dumps(values, ensure_ascii=False).encode(), _aad(person_id))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(ring: dict[uuid.UUID, AESGCM], person_id: uuid.UUID, token: str) -> dict[str, str] | None:
    """The values, or None: the key is gone (forgotten) or the token is not one of theirs."""
    aes = ring.get(person_id)
    if aes is None or not token or not token.startswith(PREFIX):
        return None
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX):].encode("ascii"))
        return json.loads(aes.decrypt(raw[:12], raw[12:], _aad(person_id)))
    except (InvalidTag, ValueError):
        return None


def drop_key(conn: sa.Connection, person_id: uuid.UUID) -> None:
    """Delete the key in the caller's transaction (the projection of ``Forgotten`` does, so a
    store rebuilt or copied from the ledger forgets the same people)."""
    ensure_table(conn)
    conn.execute(keys_table.delete().where(keys_table.c.person_id == person_id))


def destroy(pmo: PMO, person_id: uuid.UUID) -> None:
    """Delete the key for good, and make the database let go of the deleted bytes."""
    with pmo.writer_engine.begin() as conn:
        drop_key(conn, person_id)
    engine = pmo.writer_engine
    try:
        if engine.dialect.name == "sqlite":
            # Outside any transaction (the engine's own begins one): copy the log into the file,
            # zeroed page and all, and empty the log.
            raw = engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        elif engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text(f"VACUUM {keys_table.name}"))
    except (sa.exc.DBAPIError, sqlite3.Error) as error:  # the key is deleted; only the clean-up waits
        log.warning("key of person %s deleted; the database could not scrub it yet: %s", person_id, error)


def copy_keys(source: PMO, target: sa.Engine) -> int:
    """Copy the keys the target database lacks (for a copy made before ``pmo ledger copy``
    carried them); keys of people forgotten meanwhile are gone from the source and stay gone."""
    with source.read() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(keys_table)).mappings()]
    with target.begin() as conn:
        ensure_table(conn)
        have = set(conn.execute(sa.select(keys_table.c.person_id)).scalars())
        missing = [r for r in rows if r["person_id"] not in have]
        if missing:
            conn.execute(keys_table.insert(), missing)
    return len(missing)
