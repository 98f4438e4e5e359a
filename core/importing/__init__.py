"""Spreadsheets in and out, without Flask: the pages, the API and the CLI share all of it.

readers   a CSV or XLSX upload -> its header and numbered rows (``read_table``); limits
columns   which column is which field: matched by heading, adjustable (``auto_map``)
schemas   marshmallow row schemas: one per kind, typed cells, required values, lengths
kinds     projects, milestones, actions: fields, duplicate keys, checks against the ledger,
          and the service builders that turn a row into an aggregate
service   ``import_file``: check every row; import all of them in one save, or none;
          ``kinds(pmo)``: the core's kinds and those plugins add (the ``import_kinds`` hook)
report    ``RowError`` (line, column, message) and ``ImportReport``
writers   ``Table`` -> CSV or XLSX bytes: the export of every list page
"""
from core.importing.kinds import KINDS, Kind
from core.importing.readers import MAX_BYTES, FileRefused, Sheet, read_table
from core.importing.report import ImportReport, RowError
from core.importing.service import import_file, import_reason, import_sheet, kind_of, kinds
from core.importing.writers import FORMATS, MIMETYPES, Table

__all__ = ["KINDS", "Kind", "MAX_BYTES", "FileRefused", "Sheet", "read_table", "ImportReport", "RowError",
           "import_file", "import_reason", "import_sheet", "kind_of", "kinds", "FORMATS", "MIMETYPES", "Table"]
