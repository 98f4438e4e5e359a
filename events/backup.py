"""Backups taken while the application writes, and restores into an empty store.

The format follows the store being backed up:

SQLite file   (``sqlite:///`` stores) sqlite3's online backup API copies the database in one
              step, under one read snapshot: writers carry on (WAL) and the copy is the whole
              database as of one moment, read models included. It stays a working store, and
              a ``backup_info`` table in it records the head and the key that signed the seals.
ledger file   (PostgreSQL, memory) The auditors' export (``events.export``) of the whole ledger
              up to the head when the backup began: JSON lines with every record, its chain
              hash and the seals, then the rows of the tables kept beside the ledger that the
              caller names (the people's personal-data keys), read after the records: a key
              erased meanwhile is not in the file. ``pmo audit verify --export`` reads it too
              (and passes over those rows). The ledger is everything else (read models are
              rebuilt from it); a PostgreSQL server's own tools (pg_dump, base backups) remain
              the way to point-in-time recovery.

A restore checks the backup before it writes anything (a damaged file is refused), copies
the records into an *empty* store, which chains them again as it writes, restores the seals
and proves the same chain head. The rows kept beside the ledger (``Backup.rows_beside``, from
either format; read before anything is written) are then added with
``events.copy.write_beside``, before the read models are rebuilt, so that replaying an
erasure deletes its key again should the backup hold one. Those rows are not covered by the
chain (a key must stay erasable); a key altered in the file opens nothing (AES-GCM refuses
it). Seals are signed with the key of the installation that wrote them: the restoring one
must hold the same key (``PMO_AUDIT_KEY``), or re-seal the restored chain with its own key
(``reseal=True``).
"""
from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent

from events.chain import GENESIS, Record, Verdict, iter_chain, iter_records, seal_is_valid, verify_chain
from events.copy import Rows, TargetNotEmptyError, read_beside, rows_beside
from events.export import FORMAT as EXPORT_FORMAT
from events.export import export_rows, read_export, verify_export, write_export
from events.store import Ledger

BACKUP_FORMAT = "pmo-ledger-backup"
SQLITE_MAGIC = b"SQLite format 3\x00"
Progress = Callable[[int, int], None]  # (done, total): a position or a count, and where it ends


class BackupError(RuntimeError):
    """The file is not a backup that can be restored: missing, damaged, truncated, not ours."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message


def _damaged(path: Path, reason: str) -> BackupError:
    return BackupError(f"{path} is damaged: {reason}", reason)


class SealKeyError(BackupError):
    """The backup's seals were signed with another key than this installation's."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    format: str  # "sqlite" or "ledger"
    records: int
    head: str  # chain hash of the last record
    seals: int
    public_key: str

    def __str__(self) -> str:
        kind = "SQLite file" if self.format == "sqlite" else "ledger file (JSON lines)"
        return (f"{self.path}: {self.records} records, chain head {self.head}, {self.seals} seals, "
                f"{kind}, {self.path.stat().st_size:,} bytes")


# --- taking a backup ----------------------------------------------------------------------

def take_backup(ledger: Ledger, path: str | Path, overwrite: bool = False, progress: Progress | None = None,
                check_progress: Progress | None = None, beside: Iterable[sa.Table] = ()) -> BackupSummary:
    """Back up the ledger's store into ``path`` while others may write; check the copy.

    A ledger file also carries the rows of the ``beside`` tables (a SQLite copy holds every
    table anyway).

    The file appears only once it is complete and verified (it is written under a temporary
    name first), so a failed backup never leaves a file that looks like a good one.
    ``progress`` follows the writing of a ledger file (a SQLite copy is one step),
    ``check_progress`` the check of the copy.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; choose a new file name (or overwrite it)")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if ledger.config.kind == "sqlite":
            _copy_sqlite(Path(ledger.config.eventsourcing_env["SQLITE_DBNAME"]), partial,
                         ledger.sealer.public_key_b64)
        else:
            _write_ledger_file(ledger, partial, progress, beside)
        with open_backup(partial, progress=check_progress) as backup:
            summary = (backup.format, backup.records, backup.head, len(backup.seals))
    except BackupError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"not backed up: the copy fails verification ({error.reason}); "
                          "see pmo audit verify") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return BackupSummary(path, *summary, ledger.sealer.public_key_b64)


def _copy_sqlite(source_path: Path, target: Path, public_key: str) -> None:
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # pages=-1: one step, under one read snapshot. Copied step by step, the backup would
        # start again after every write the application made in between, and under a steady
        # load might never finish.
        source.backup(copy, pages=-1)
        # One self-contained file, not a WAL database with companions.
        copy.execute("PRAGMA journal_mode=DELETE")
        head = copy.execute("SELECT position, hash FROM ledger_chain ORDER BY position DESC LIMIT 1").fetchone()
        records = copy.execute("SELECT count(*) FROM ledger_chain").fetchone()[0]
        info = {"format": BACKUP_FORMAT, "version": "1", "taken_at": datetime.now(timezone.utc).isoformat(),
                "records": str(records), "head_position": str(head[0] if head else 0),
                "head_hash": head[1] if head else GENESIS, "public_key": public_key}
        with copy:
            copy.execute("DROP TABLE IF EXISTS backup_info")  # a backup of a restored backup
            copy.execute("CREATE TABLE backup_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            copy.executemany("INSERT INTO backup_info (key, value) VALUES (?, ?)", info.items())
    finally:
        copy.close()
        source.close()


def _write_ledger_file(ledger: Ledger, target: Path, progress: Progress | None,
                       beside: Iterable[sa.Table]) -> None:
    # The head is fixed first: records written while the file is written are not in it, and
    # the records up to it cannot change (the log only grows).
    head = ledger.max_position()
    advance = (lambda position: progress(position, head)) if progress else None
    with open(target, "w", encoding="utf-8", newline="") as out:
        write_export(export_rows(ledger, 1, head, progress=advance), out, "jsonl")
        # Read after the records: a person erased while they were written keeps no key here.
        # A key whose person came after the head does no harm: nothing in the file is sealed with it.
        for name, rows in rows_beside(ledger, beside).items():
            for row in rows:
                line = {"kind": BESIDE_KIND, "table": name, "row": {k: _encode(v) for k, v in row.items()}}
                out.write(json.dumps(line, separators=(",", ":")) + "\n")


BESIDE_KIND = "beside"  # a ledger file's line holding one row of a table kept beside the ledger
_DECODERS: dict[type, Callable[[Any], Any]] = {bytes: base64.b64decode, UUID: UUID,
                                               datetime: datetime.fromisoformat, date: date.fromisoformat}


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _decode(column: sa.Column, value: Any) -> Any:
    """A value of the file as the column holds it; ``ValueError`` if it cannot be one, so a
    damaged row is caught while the file is read, not half-way through the restore."""
    if value is None:
        return None
    kind = getattr(column.type, "impl_instance", column.type)  # a TypeDecorator: what it stores
    try:
        kind = kind.python_type
    except NotImplementedError:
        return value
    try:
        value = _DECODERS.get(kind, lambda v: v)(value)
    except (AttributeError, TypeError) as error:
        raise ValueError(f"{column.name}: {error}") from None
    if kind not in (object, float) and not isinstance(value, kind):  # a float column takes an int too
        raise ValueError(f"{column.name}: not a {kind.__name__}")
    return value


# --- reading a backup ---------------------------------------------------------------------

@dataclass
class Backup:
    """A checked backup: its records (in log order), seals, chain head and signing key."""

    path: Path
    format: str
    records: int
    head: str
    public_key: str | None  # None: a plain SQLite store that does not say who sealed it
    seals: list[tuple[int, str, str]]
    _records: Callable[[], Iterator[Record]] = field(repr=False)
    _close: Callable[[], None] = field(repr=False, default=lambda: None)
    _beside: Callable[[list[sa.Table]], Rows] = field(repr=False, default=lambda tables: {})

    def iter_records(self) -> Iterator[Record]:
        return self._records()

    def rows_beside(self, tables: Iterable[sa.Table]) -> Rows:
        """The rows of these tables the backup holds; ``BackupError`` if they cannot be read
        (read them before writing anything, so a damaged row leaves the store empty)."""
        return self._beside(list(tables))

    def close(self) -> None:
        self._close()

    def __enter__(self) -> "Backup":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def open_backup(path: str | Path, progress: Progress | None = None) -> Backup:
    """Open a backup of either format and check every record against its chain and seals.

    Raises ``BackupError`` with a one-line reason when it cannot be restored.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file {path}")
    with open(path, "rb") as f:
        start = f.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return _open_sqlite(path, progress)
    return _open_ledger_file(path)


def _open_sqlite(path: Path, progress: Progress | None) -> Backup:
    db = None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise _damaged(path, check)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"stored_events", "ledger_chain", "ledger_seals"} <= tables:
            raise BackupError(f"{path} is a SQLite file but not a PMO Ledger store (no ledger tables)")
        info = dict(db.execute("SELECT key, value FROM backup_info")) if "backup_info" in tables else {}
        public_key = info.get("public_key")
        seals = [tuple(r) for r in db.execute("SELECT position, hash, signature FROM ledger_seals ORDER BY position")]

        def records() -> Iterator[Record]:
            cursor = db.execute("SELECT rowid, originator_id, originator_version, topic, state "
                                "FROM stored_events ORDER BY rowid")
            while rows := cursor.fetchmany(1000):
                for position, oid, version, topic, state in rows:
                    yield position, UUID(oid), version, topic, state

        def chain() -> Iterator[tuple[int, str]]:
            yield from db.execute("SELECT position, hash FROM ledger_chain ORDER BY position")

        last = db.execute("SELECT max(position) FROM ledger_chain").fetchone()[0] or 0
        verdict = verify_chain(records(), chain(), seals, public_key,
                               progress=(lambda position: progress(position, last)) if progress else None)
        if not verdict.ok:
            raise _damaged(path, str(verdict))
        if info:
            stated = int(info["head_position"])
            row = db.execute("SELECT hash FROM ledger_chain WHERE position = ?", (stated,)).fetchone()
            if stated and (row is None or row[0] != info["head_hash"]):
                raise _damaged(path, f"records missing (it was taken at position {stated}, "
                                     f"it holds {verdict.checked} records)")
    except sqlite3.DatabaseError as error:
        if db is not None:
            db.close()
        raise _damaged(path, f"not a readable SQLite database ({error})") from None
    except BaseException:
        if db is not None:
            db.close()
        raise

    def beside(tables: list[sa.Table]) -> Rows:
        # The backup's own engine (types as the store wrote them), on a read-only connection.
        engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True))
        try:
            with engine.connect() as conn:
                return read_beside(conn, tables)
        except (sa.exc.DBAPIError, ValueError, TypeError) as error:  # unreadable, or a value of the wrong kind
            raise _damaged(path, f"the tables beside the ledger cannot be read ({error})") from None
        finally:
            engine.dispose()

    return Backup(path, "sqlite", verdict.checked, verdict.head, public_key, seals, records, db.close, beside)


def _open_ledger_file(path: Path) -> Backup:
    try:
        text = path.read_text(encoding="utf-8")
        header = json.loads(text.split("\n", 1)[0])
    except (UnicodeDecodeError, ValueError):
        header = None
    if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
        raise BackupError(f"{path} is not a PMO Ledger backup (neither a SQLite store nor a ledger file)")
    if header.get("from") != 1 or header.get("previous_hash") != GENESIS:
        raise BackupError(f"{path} is an export of positions {header.get('from')}..{header.get('to')}, "
                          "not of the whole ledger: it cannot be restored")
    verdict = verify_export(text)
    if not verdict.ok:
        raise _damaged(path, str(verdict))
    seals = [(r["position"], r["chain_hash"], r["signature"]) for r in read_export(text) if r["kind"] == "seal"]

    def records() -> Iterator[Record]:
        for row in read_export(text):
            if row["kind"] == "record":
                yield (row["position"], UUID(row["originator_id"]), row["originator_version"], row["topic"],
                       row["state"].encode() if "state" in row else base64.b64decode(row["state_b64"]))

    def beside(tables: list[sa.Table]) -> Rows:
        wanted = {t.name: t for t in tables}
        rows: Rows = {name: [] for name in wanted}
        for row in read_export(text):
            if row["kind"] == BESIDE_KIND and row.get("table") in wanted:
                table = wanted[row["table"]]
                try:
                    rows[table.name].append({c.name: _decode(c, row["row"][c.name]) for c in table.columns})
                except (KeyError, TypeError, ValueError) as error:
                    raise _damaged(path, f"a row of {table.name} cannot be read ({error!r})") from None
        return rows

    return Backup(path, "ledger", verdict.checked, verdict.head, header["public_key"], seals, records,
                  _beside=beside)


# --- restoring ----------------------------------------------------------------------------

def restore(backup: Backup, target: Ledger, reseal: bool = False, batch: int = 500,
            progress: Progress | None = None, verify_progress: Progress | None = None) -> Verdict:
    """Copy a checked backup into an empty store with its seals; prove the same chain head."""
    restore_records(backup, target, reseal=reseal, batch=batch, progress=progress)
    return verify_restored(backup, target, progress=verify_progress)


def restore_records(backup: Backup, target: Ledger, reseal: bool = False, batch: int = 500,
                    progress: Progress | None = None) -> int:
    """Copy the backup's records and seals into an empty store; returns how many records.

    Check the result with ``verify_restored``.
    """
    present = target.max_position()
    if present:
        raise TargetNotEmptyError(f"the store is not empty ({present} records): restore only into an empty store")
    if not reseal:
        _check_seal_key(backup, target.sealer.public_key_b64)
    sealed = {position for position, _, _ in backup.seals}
    restored_at: dict[int, int] = {}  # a sealed position in the backup -> its position here
    recorder = target.recorder
    # The backup's seals are restored below; the store must not seal the copy on its own
    # (at other positions, perhaps with another key).
    sealer, recorder.sealer = recorder.sealer, None
    copied = 0
    try:
        pending: list[StoredEvent] = []
        positions: list[int] = []
        for position, oid, version, topic, state in backup.iter_records():
            pending.append(StoredEvent(originator_id=oid, originator_version=version, topic=topic, state=state))
            positions.append(position)
            if len(pending) == batch:
                copied += _insert(recorder, pending, positions, sealed, restored_at)
                if progress is not None:
                    progress(copied, backup.records)
        copied += _insert(recorder, pending, positions, sealed, restored_at)
        if progress is not None:
            progress(copied, backup.records)
    finally:
        recorder.sealer = sealer
    for position, chain_hash, signature in backup.seals:
        at = restored_at[position]
        # Ed25519 signatures are deterministic: with the same key and position this is the
        # very signature the backup holds; a moved position or another key needs a new one.
        recorder.insert_seal(at, chain_hash, target.sealer.sign(at, chain_hash) if reseal or at != position
                             else signature)
    return copied


def verify_restored(backup: Backup, target: Ledger, progress: Progress | None = None) -> Verdict:
    """Verify the restored store (chain and seals, with this installation's key) and prove
    it holds exactly the backup's history: the same number of records, the same chain head."""
    recorder = target.recorder
    head = target.max_position()
    verdict = verify_chain(iter_records(recorder), iter_chain(recorder), recorder.select_seals(),
                           target.sealer.public_key_b64,
                           progress=(lambda position: progress(position, head)) if progress else None)
    if not (verdict.ok and verdict.head == backup.head and verdict.checked == backup.records):
        raise BackupError(f"the restored store does not match the backup ({verdict}; the backup has "
                          f"{backup.records} records, chain head {backup.head})")
    return verdict


def _check_seal_key(backup: Backup, key: str) -> None:
    if backup.public_key is not None:
        if backup.public_key != key:
            raise SealKeyError(
                f"the backup was sealed with key {backup.public_key}, this installation signs with {key}: "
                "set PMO_AUDIT_KEY to the key that sealed it, or re-seal the restored chain with this key")
    elif not all(seal_is_valid(key, *seal) for seal in backup.seals):
        raise SealKeyError("the backup's seals were not signed with this installation's key: set PMO_AUDIT_KEY "
                           "to the key that sealed it, or re-seal the restored chain with this key")


def _insert(recorder, pending: list[StoredEvent], positions: list[int], sealed: set[int],
            restored_at: dict[int, int]) -> int:
    if not pending:
        return 0
    ids = recorder.insert_events(pending)
    for old, new in zip(positions, ids):
        if old in sealed:
            restored_at[old] = new
    n = len(pending)
    pending.clear()
    positions.clear()
    return n
