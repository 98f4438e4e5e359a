"""/api/imports/projects, /api/imports/milestones, /api/imports/actions: a CSV or XLSX file in
(multipart ``file``), checked row by row; all rows imported in one batch, or (one problem) none.

Like the upload page (``web.views.imports``): the events are by the caller, with the file name
as their reason (an ``X-Reason`` header is added after it); ``dry_run`` only checks.
"""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import abort as smorest_abort
from marshmallow import RAISE

from core.importing import KINDS, import_file
from core.importing.readers import MAX_BYTES, clean_filename
from core.permissions import can_edit_portfolio
from web.api.resources._http import X_REASON, resource_blueprint, writes
from web.api.schemas.imports import SpreadsheetFileSchema, SpreadsheetImportArgsSchema, SpreadsheetImportSchema
from web.commands import command

blp = resource_blueprint("imports", __name__, "Spreadsheet imports of projects, milestones and actions: "
                                              "every row checked, all imported in one batch or none.")


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


def _import_view(kind: str) -> type[MethodView]:
    spec = KINDS[kind]
    columns = ", ".join(f"{f.label}{' (required)' if f.required else ''}" for f in spec.fields)

    class Import(MethodView):
        @blp.doc(parameters=PARAMETERS)
        @writes(blp, can_edit_portfolio)
        @blp.arguments(SpreadsheetImportArgsSchema, location="query", unknown=RAISE)
        @blp.arguments(SpreadsheetFileSchema, location="files")
        @blp.response(200, SpreadsheetImportSchema)
        @blp.doc(summary=f"Import {kind} from a CSV or XLSX file (pmo, admin): all rows, or none",
                 description=f"Columns, matched by heading: {columns}. Every problem is answered at once "
                             f"(422, by row and field) and nothing is imported.")
        def post(self, args, files):
            """Import a spreadsheet."""
            upload = files["file"]
            with command(request.headers.get("X-Reason", "")) as pmo:
                report = import_file(pmo, kind, upload.read(MAX_BYTES + 1), clean_filename(upload.filename),
                                     headings=_headings(args["map"]), dry_run=args["dry_run"])
            return _answer(report)

    Import.__name__ = f"{spec.noun.title()}Import"
    return Import


for _kind in KINDS:
    blp.route(f"/imports/{_kind}", endpoint=f"import_{_kind}")(_import_view(_kind))
