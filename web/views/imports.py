"""Spreadsheet import at /imports (pmo, admin): projects, milestones and actions from CSV or XLSX,
and what enabled plugins add (the ``import_kinds`` hook: risks, with the risk plugin).

Upload a file and see the preview: how each of its columns maps to a field (matched by
heading, changeable here), the first rows as read, and every problem by row and field. Nothing
is imported until the file is clean; then one click imports every row in one batch of events,
by you, with the file name as the reason.

The preview carries the file back to the server in a hidden field (base64), so checking again
with another mapping needs no second upload, and no state is kept between the requests.
"""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from core.importing import MAX_BYTES, FileRefused, Kind, Table, import_file, kinds
from core.importing.readers import clean_filename
from core.permissions import can_edit_portfolio
from web import exports
from web.auth import require
from web.commands import command
from web.tenancy import current_pmo

bp = Blueprint("imports", __name__, url_prefix="/imports")

KIND = "<kind>"  # a core kind or an enabled plugin's: looked up per request (404 otherwise)
REASON_MAX = 500
# Where a finished import lands: the list that shows what was imported (a plugin's kind says).
LANDING = {"projects": "pages.projects.index", "milestones": "pages.imports.index", "actions": "pages.actions.index"}
ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("")
@require(can_edit_portfolio)
def index():
    """What can be imported, the columns of each, and empty templates to fill in."""
    return render_template("imports/index.html", kinds=kinds(current_pmo()).values())


def _kind(name: str) -> Kind:
    spec = kinds(current_pmo()).get(name)
    if spec is None:
        abort(404, f"Nothing called {name!r} can be imported here.")
    return spec


@bp.route(f"/{KIND}/template")
@require(can_edit_portfolio)
def template(kind: str):
    """An empty sheet with the headings the import recognises (``?format=csv|xlsx``)."""
    spec = _kind(kind)
    table = Table(f"{spec.noun.title()}s", [f.label for f in spec.fields])
    return exports.download(table, exports.export_format() or "xlsx", f"{kind}-import-template")


def _posted_columns() -> dict[int, str] | None:
    """The preview form's mapping (``column-<index>`` -> field); None on a first upload."""
    if request.form.get("mapped") != "yes":
        return None
    return {int(key[7:]): value for key, value in request.form.items()
            if key.startswith("column-") and key[7:].isdigit() and len(key) < 12}


def _page(kind: str, status: int = 200, file_error: str | None = None, reason: str = "", **context):
    return render_template("imports/upload.html", kind=_kind(kind), file_error=file_error, accept=ACCEPT,
                           max_kb=MAX_BYTES // 1024, reason=reason, **context), status


@bp.route(f"/{KIND}", methods=["GET", "POST"])
@require(can_edit_portfolio)
def upload(kind: str):
    """Upload (or check again with another column mapping), preview, then import."""
    spec = _kind(kind)
    if request.method == "GET":
        return _page(kind)
    reason = request.form.get("reason", "").strip()[:REASON_MAX]
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data, filename = upload.read(MAX_BYTES + 1), clean_filename(upload.filename)
    elif request.form.get("upload"):
        try:
            data = base64.b64decode(request.form["upload"], validate=True)
        except (binascii.Error, ValueError):
            return _page(kind, 422, "The file could not be carried over; upload it again.", reason)
        filename = clean_filename(request.form.get("filename"))
    else:
        return _page(kind, 422, "Choose a CSV or XLSX file.", reason)
    importing = request.form.get("intent") == "import"
    try:
        with command(reason) as unit:
            report = import_file(unit, kind, data, filename, columns=_posted_columns(), dry_run=not importing)
    except FileRefused as error:
        return _page(kind, 422, error.message, reason)
    if importing and report.ok:
        flash(report.summary(), "success")
        return redirect(url_for(LANDING.get(kind) or spec.landing or ".index"), 303)
    problem_lines = {e.line for e in report.errors}
    heading_of = {name: report.header[i] for i, name in report.columns.items()}
    return _page(kind, 200 if report.ok else 422, reason=reason, report=report, filename=filename,
                 carried=base64.b64encode(data).decode("ascii"), problem_lines=problem_lines, heading_of=heading_of)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """An upload over the server's limit never reaches the view: say so on the upload form."""
    kind = (request.view_args or {}).get("kind")
    if kind not in kinds(current_pmo()):
        abort(413, "The upload is too large.")
    return _page(kind, 413, f"The upload is larger than the server accepts; a file may have at most "
                            f"{MAX_BYTES // 1024} KB.")
