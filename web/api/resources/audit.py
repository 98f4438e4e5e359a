"""/api/audit (auditors and admins): verify the ledger's hash chain and seals, export it for
offline verification, and the public key that checks the seals. Like ``pmo audit ...``."""
from __future__ import annotations

import io
import tempfile
from datetime import datetime

from flask import send_file
from flask.views import MethodView
from marshmallow import RAISE

from core.asof import position_at
from core.domain.errors import ValidationError
from core.permissions import can_audit
from events.chain import iter_chain, iter_records, verify_chain
from events.export import export_rows, write_export
from web.api.resources._http import reads, resource_blueprint
from web.api.schemas import ExportArgsSchema, PublicKeySchema, VerdictSchema
from web.tenancy import current_pmo

blp = resource_blueprint("audit", __name__, "Tamper evidence: verify the ledger, export it, get the key.")

CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
SPOOL = 8 * 1024 * 1024  # an export larger than this goes to a temporary file, not memory


@blp.route("/audit/verify")
class Verification(MethodView):
    @reads(blp, can_audit, query=False)
    @blp.response(200, VerdictSchema)
    def get(self):
        """Check every record against the hash chain and the signed seals; name the first bad one.

        The answer is 200 either way: `ok` is the verdict.
        """
        ledger = current_pmo().ledger
        recorder, key = ledger.recorder, ledger.sealer.public_key_b64
        head = recorder.max_notification_id() or 0
        verdict = verify_chain(iter_records(recorder), iter_chain(recorder), recorder.select_seals(), key, upto=head)
        return {"ok": verdict.ok, "checked": verdict.checked, "head": verdict.head,
                "position": verdict.position, "problem": verdict.problem, "public_key": key}


def _position(bound: int | datetime | None, default: int, start: bool) -> int:
    """A position as given, or the one a moment names (a lower bound starts after it)."""
    if bound is None:
        return default
    if isinstance(bound, int):
        return bound
    return position_at(current_pmo(), bound) + (1 if start else 0)


@blp.route("/audit/export")
class Export(MethodView):
    @reads(blp, can_audit, dated=False)
    @blp.arguments(ExportArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, {"type": "string"}, content_type=CONTENT_TYPES["jsonl"], headers={
        "Content-Disposition": {"description": 'attachment; filename="pmo-ledger-<from>-<to>.<format>"',
                                "schema": {"type": "string"}}},
        description="The export: a header line, the records with their chain hashes, the seals")
    @blp.doc(responses={200: {"content": {CONTENT_TYPES["csv"]: {"schema": {"type": "string"}}}}})
    def get(self, args):
        """Download records from..to with their chain hashes and seals, verifiable offline.

        `from` and `to` are positions, or dates / timestamps (a date `from` starts with
        that day, a date `to` ends with it). Check the file with `pmo audit verify --export`.
        """
        ledger = current_pmo().ledger
        head = ledger.max_position()
        first = _position(args.get("from_"), 1, start=True)
        last = min(_position(args.get("to"), head, start=False), head)
        if first > last:
            raise ValidationError(f"nothing to export: from {first} is after to {last}", "from")
        fmt = args["format"]
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL, mode="w+b")
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        write_export(export_rows(ledger, first, last), text, fmt)
        text.flush()
        text.detach()
        spool.seek(0)
        mimetype = CONTENT_TYPES[fmt] + ("; charset=utf-8" if fmt == "csv" else "")
        return send_file(spool, mimetype=mimetype, as_attachment=True,
                         download_name=f"pmo-ledger-{first}-{last}.{fmt}")


@blp.route("/audit/public-key")
class PublicKey(MethodView):
    @reads(blp, can_audit, query=False)
    @blp.response(200, PublicKeySchema)
    def get(self):
        """Show the key that verifies the seals: hand it to auditors apart from the export."""
        return {"public_key": current_pmo().ledger.sealer.public_key_b64, "algorithm": "Ed25519"}
