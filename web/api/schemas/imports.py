"""Schemas of /api/imports: the query of an import, the uploaded file, and the report."""
from __future__ import annotations

from marshmallow import Schema, fields

from web.api.schemas.common import InputSchema


class SpreadsheetImportArgsSchema(InputSchema):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "check every row and report; import nothing"})
    map = fields.List(fields.String(), load_default=list, metadata={
        "description": "'Heading=field' to read the file's column 'Heading' as that field (or 'Heading=' to "
                       "leave it out); repeat for more. Columns are otherwise matched by heading."})


class SpreadsheetFileSchema(Schema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": "a CSV (UTF-8) or XLSX file of at most 1 MB; its name ends in .csv or .xlsx"})


class SpreadsheetRowErrorSchema(Schema):
    row = fields.Integer(attribute="line", metadata={
        "description": "the row of the file (the heading row is 1; in a CSV, the line the row starts on)"})
    field = fields.String(attribute="column")
    message = fields.String()


class SpreadsheetImportSchema(Schema):
    """What an import did, or would do (dry run). With any problem nothing is imported and the
    answer is a 422 whose ``errors`` name each bad row and field."""

    kind = fields.String()
    file = fields.String(attribute="filename")
    rows = fields.Integer()
    imported = fields.Integer()
    events = fields.Integer(metadata={"description": "events written (or that would be), in one batch"})
    dry_run = fields.Boolean()
    ok = fields.Boolean()
    summary = fields.Function(lambda report: report.summary())
    columns = fields.Dict(keys=fields.String(), values=fields.String(), attribute="mapped",
                          metadata={"description": "the file's heading -> the field it was read as"})
    ignored = fields.List(fields.String(), metadata={"description": "headings of columns not imported"})
    ids = fields.List(fields.UUID(), metadata={"description": "the new entities' ids (none on a dry run)"})
    errors = fields.List(fields.Nested(SpreadsheetRowErrorSchema))
