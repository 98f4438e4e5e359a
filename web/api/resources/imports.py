"""/api/imports/<kind>: a CSV or XLSX file in (multipart ``file``), checked row by row; all rows
imported in one batch, or (one problem) none.

``kind`` is projects, milestones, actions, or a kind an enabled plugin adds (the
``import_kinds`` hook: risks, with the risk plugin), looked up on each request: a plugin enabled
after the start is served at once, an unknown kind or a disabled plugin's is a 404. Like the
upload page (``web.views.imports``): the events are by the caller, with the file name as their
reason (an ``X-Reason`` header is added after it); ``dry_run`` only checks.
"""
from __future__ import annotations

from flask import abort, request
from flask.views import MethodView
from flask_smorest import abort as smorest_abort
from marshmallow import RAISE

from core.importing import KINDS, import_file, kinds
from core.importing.readers import MAX_BYTES, clean_filename
from core.permissions import can_edit_portfolio
from web.api.resources._http import X_REASON, resource_blueprint, writes
from web.api.schemas.imports import SpreadsheetFileSchema, SpreadsheetImportArgsSchema, SpreadsheetImportSchema
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("imports", __name__, "Spreadsheet imports of projects, milestones, actions and "
                                              "plugins' kinds: every row checked, all imported in one batch "
                                              "or none.")

# The document is written once; which plugins are enabled can change at any time: the plugins'
# kinds are described in words, and each request looks its kind up.
KIND = {"in": "path", "name": "kind", "required": True, "schema": {"type": "string", "example": "projects"},
        "description": f"what the file holds: {', '.join(KINDS)}, or a kind an enabled plugin adds (risks, "
                       "with the risk plugin). Any other name, or a disabled plugin's kind: 404."}


# ``writes`` documents its header as the operation's whole parameter list, which would hide the
# query arguments: the list is given again in full, last.
PARAMETERS = [
    {"in": "query", "name": "dry_run", "required": False, "schema": {"type": "boolean", "default": False},
     "description": "check every row and report; import nothing"},
    {"in": "query", "name": "map", "required": False, "style": "form", "explode": True,
     "schema": {"type": "array", "items": {"type": "string"}},
     "description": "'Heading=field' reads the file's column 'Heading' as that field ('Heading=' leaves it "
                    "out); repeat for more columns. Columns are otherwise matched by heading."},
    X_REASON,
]


def _headings(pairs: list[str]) -> dict[str, str]:
    """``["Start=start_date", "Notes="]`` -> ``{"Start": "start_date", "Notes": ""}``."""
    headings = {}
    for pair in pairs:
        heading, _, name = pair.rpartition("=")
        headings[heading if heading else pair] = name if heading else ""
    return headings


def _answer(report) -> dict:
    """The report; with any problem a 422 naming each row ('row 3': ['start_date: ...'])."""
    if not report.ok:
        errors: dict[str, list[str]] = {}
        for e in report.errors:
            errors.setdefault(f"row {e.line}", []).append(f"{e.column}: {e.message}")
        smorest_abort(422, message=report.summary(), errors=errors)
    return report


def _columns() -> str:
    return "; ".join(f"{name}: " + ", ".join(f"{f.label}{' (required)' if f.required else ''}" for f in spec.fields)
                     for name, spec in KINDS.items())


@blp.route("/imports/<kind>", parameters=[KIND])
class Import(MethodView):
    @blp.doc(parameters=PARAMETERS)
    @writes(blp, can_edit_portfolio, item=True)
    @blp.arguments(SpreadsheetImportArgsSchema, location="query", unknown=RAISE)
    @blp.arguments(SpreadsheetFileSchema, location="files")
    @blp.response(200, SpreadsheetImportSchema)
    @blp.doc(summary="Import projects, milestones, actions or a plugin's kind from a CSV or XLSX file "
                     "(pmo, admin): all rows, or none",
             description=f"Columns, matched by heading. {_columns()}. A plugin's kind: see its page "
                         "/imports/<kind>, which also offers an empty template. Every problem is answered "
                         "at once (422, by row and field) and nothing is imported.")
    def post(self, args, files, kind: str):
        """Import a spreadsheet."""
        available = kinds(current_pmo())
        if kind not in available:
            abort(404, f"Nothing called {kind!r} can be imported here; choose {', '.join(available)}.")
        upload = files["file"]
        with command(request.headers.get("X-Reason", "")) as pmo:
            report = import_file(pmo, kind, upload.read(MAX_BYTES + 1), clean_filename(upload.filename),
                                 headings=_headings(args["map"]), dry_run=args["dry_run"])
        return _answer(report)
