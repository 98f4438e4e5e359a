"""Audit tools at /audit (auditors and admins): verify the ledger's hash chain and signed
seals, hand out the public key, and download an export that verifies offline.

The same as ``pmo audit verify`` and ``pmo audit export``; verification here covers the
records up to the head it starts from, so writes arriving meanwhile are not mistaken for
tampering.
"""
from __future__ import annotations

import io
import tempfile

from flask import Blueprint, render_template, request, send_file

from core.asof import parse_as_of, position_at
from core.domain.errors import ValidationError
from core.permissions import can_audit
from events.chain import Verdict, iter_chain, iter_records, verify_chain
from events.export import export_rows, write_export
from web.auth import require
from web.views.asof import at, since
from web.views.common import pmo

bp = Blueprint("audit", __name__, url_prefix="/audit")

FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
BAD_BOUND = "Give a position (a whole number) or a date (2026-03-12) or an ISO timestamp."


def verify() -> Verdict:
    """Walk every record up to today's head against the chain and the seals."""
    ledger = pmo().ledger
    recorder = ledger.recorder
    return verify_chain(iter_records(recorder), iter_chain(recorder), recorder.select_seals(),
                        ledger.sealer.public_key_b64, upto=ledger.max_position())


def _bound(text: str, first: bool) -> int:
    """A position as typed, or the one a date/timestamp stands for: 'from' a date starts with
    that day's first record, 'to' a date ends with its last; a timestamp 'from' starts after it."""
    if text.isdigit():
        return int(text)
    moment = since(text) if first else parse_as_of(text)
    position = position_at(pmo(), moment)
    return position + 1 if first else position


def _range(args: dict[str, str]) -> tuple[int, int, dict[str, str]]:
    """The export's first and last position, and an error message per bad field."""
    head = pmo().ledger.max_position()
    bounds, errors = {}, {}
    for name, default in (("from", 1), ("to", at() if at() is not None else head)):
        try:
            bounds[name] = _bound(args[name], name == "from") if args[name] else default
        except (ValidationError, OverflowError):
            errors[name] = BAD_BOUND
    if args["format"] not in FORMATS:
        errors["format"] = "Choose jsonl or csv."
    if not errors and bounds["from"] > min(bounds["to"], head):
        errors["to"] = f"Nothing to export: from {bounds['from']} is after to {min(bounds['to'], head)}."
    return bounds.get("from", 1), min(bounds.get("to", head), head), errors


def _page(verdict: Verdict | None = None, args: dict[str, str] | None = None, errors: dict | None = None,
          status: int = 200):
    ledger = pmo().ledger
    return render_template(
        "audit/home.html", verdict=verdict, public_key=ledger.sealer.public_key_b64,
        head=ledger.max_position(), args=args or {"from": "", "to": "", "format": "jsonl"},
        errors=errors or {}, formats=list(FORMATS),
    ), status


@bp.route("")
@require(can_audit)
def home():
    return _page()


@bp.route("/verify")
@require(can_audit)
def verify_page():
    """Run verification (a plain link: reading changes nothing) and show the verdict."""
    return _page(verify())


@bp.route("/export")
@require(can_audit)
def export():
    """Download records ``from``..``to`` with their chain hashes and the seals in range."""
    args = {k: (request.args.get(k) or "").strip() for k in ("from", "to", "format")}
    args["format"] = args["format"] or "jsonl"
    first, last, errors = _range(args)
    if errors:
        return _page(args=args, errors=errors, status=422)
    spool = tempfile.TemporaryFile()
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    count = write_export(export_rows(pmo().ledger, first, last), text, args["format"])
    text.flush()
    text.detach()
    spool.seek(0)
    response = send_file(spool, mimetype=FORMATS[args["format"]], as_attachment=True,
                         download_name=f"pmo-ledger-{first}-{last}.{args['format']}")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Export-Records"] = str(count)
    return response
