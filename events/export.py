"""Exports for auditors: records with their chain hashes and seals, verifiable offline.

JSON lines: a header (format, range, the chain hash before the first record, the public key),
then one line per record, then the seals in range. CSV carries the same rows with a ``kind``
column. ``verify_export`` needs only the file (and, ideally, the public key the auditor was
given separately, so a forger cannot swap in their own).
"""
from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from events.chain import GENESIS, Verdict, iter_chain, iter_records, record_hash, seal_is_valid
from events.store import Ledger

FORMAT = "pmo-ledger-export"
CSV_FIELDS = ["kind", "position", "originator_id", "originator_version", "topic", "state", "state_b64",
              "chain_hash", "signature", "meta"]


def export_rows(ledger: Ledger, first: int = 1, last: int | None = None, progress=None) -> Iterator[dict[str, Any]]:
    recorder = ledger.recorder
    last = last if last is not None else ledger.max_position()
    # The link just before ``first`` (positions may skip numbers, so look back a little).
    before = [link for link in recorder.select_chain(max(0, first - 1000), 1000) if link[0] < first]
    previous = before[-1][1] if before else GENESIS
    # The header says how many records follow and the last link, so truncation is caught.
    links = [link for link in iter_chain(recorder, after=first - 1) if link[0] <= last]
    yield {"kind": "header", "format": FORMAT, "version": 1, "from": first, "to": last,
           "previous_hash": previous, "count": len(links),
           "last_hash": links[-1][1] if links else previous, "public_key": ledger.sealer.public_key_b64}
    for record, link in zip(iter_records(recorder, after=first - 1), links):
        position, oid, version, topic, state = record
        yield {"kind": "record", "position": position, "originator_id": str(oid),
               "originator_version": version, "topic": topic, **_state_field(state), "chain_hash": link[1]}
        if progress is not None:
            progress(position)
    for position, chain_hash, signature in recorder.select_seals():
        if first <= position <= last:
            yield {"kind": "seal", "position": position, "chain_hash": chain_hash, "signature": signature}


def _state_field(state: bytes) -> dict[str, str]:
    """Readable JSON for auditors; base64 only for bytes that are not text (encrypted stores)."""
    try:
        return {"state": state.decode("utf-8")}
    except UnicodeDecodeError:
        return {"state_b64": base64.b64encode(state).decode()}


def write_export(rows: Iterator[dict[str, Any]], out: IO[str], fmt: str = "jsonl") -> int:
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            count += row["kind"] == "record"
        return count
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in rows:
        known = {k: v for k, v in row.items() if k in CSV_FIELDS}
        extra = {k: v for k, v in row.items() if k not in CSV_FIELDS}
        writer.writerow({**known, "meta": json.dumps(extra) if extra else ""})
        count += row["kind"] == "record"
    return count


def read_export(text: str) -> Iterator[dict[str, Any]]:
    if text.startswith("kind,"):
        for row in csv.DictReader(io.StringIO(text)):
            row = {k: v for k, v in row.items() if v not in ("", None)}
            row.update(json.loads(row.pop("meta", "{}") or "{}"))
            for key in ("position", "originator_version", "from", "to"):
                if key in row:
                    row[key] = int(row[key])
            yield row
        return
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def verify_export(text: str, trusted_public_key: str | None = None) -> Verdict:
    """Recompute the chain over the exported records; check every seal's signature."""
    header: dict[str, Any] | None = None
    previous, checked, expected_position = GENESIS, 0, None
    hashes: dict[int, str] = {}
    try:
        for row in read_export(text):
            kind = row.get("kind")
            if kind == "header":
                if row.get("format") != FORMAT:
                    return Verdict(False, 0, previous, None, "not a PMO Ledger export")
                header, previous, expected_position = row, row["previous_hash"], row["from"]
            elif header is None:
                return Verdict(False, 0, previous, None, "the export has no header line")
            elif kind == "record":
                position = row["position"]
                # Positions may skip numbers (PostgreSQL); order and completeness are the chain's job.
                if expected_position is not None and position < expected_position:
                    return Verdict(False, checked, previous, position, "record out of order")
                state = row["state"].encode() if "state" in row else base64.b64decode(row["state_b64"])
                computed = record_hash(previous, row["originator_id"], row["originator_version"], row["topic"], state)
                if computed != row["chain_hash"]:
                    return Verdict(False, checked, previous, position,
                                   "record altered: its hash does not match the chain")
                hashes[position] = previous = computed
                checked, expected_position = checked + 1, position + 1
            elif kind == "seal":
                key = trusted_public_key or header["public_key"]
                position = row["position"]
                if hashes.get(position) != row["chain_hash"] or not seal_is_valid(
                        key, position, row["chain_hash"], row["signature"]):
                    return Verdict(False, checked, previous, position, "seal does not match")
    except (ValueError, KeyError, TypeError) as error:
        return Verdict(False, checked, previous, expected_position, f"unreadable export: {error}")
    if header is None:
        return Verdict(False, 0, previous, None, "empty export")
    if trusted_public_key and header["public_key"] != trusted_public_key:
        return Verdict(False, checked, previous, None, "exported with a different signing key")
    if header.get("count") is not None and (checked, previous) != (header["count"], header["last_hash"]):
        return Verdict(False, checked, previous, None, "records missing: the export is incomplete")
    return Verdict(True, checked, previous)
