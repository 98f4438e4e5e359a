"""Row schemas: one row of a file, as ``{field: cell}``, checked and typed with marshmallow.

Cells come from a CSV file (text) or an XLSX sheet (text, numbers, dates), so the fields take
either. An empty cell is a missing value. Lengths match the read-model columns, so a value the
database could not hold is a problem in the file, not a failure after the save.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from core.domain.action import PRIORITIES, STATUSES
from core.domain.project import STAGES
from core.importing.readers import cell_text

CODE, NAME, PERSON, TEXT = 40, 200, 100, 20_000
REQUIRED = {"required": "required: this cell is empty"}


def _length(max_len: int) -> validate.Length:
    return validate.Length(max=max_len, error="longer than {max} characters")


class Text(fields.String):
    """Text, whatever the sheet typed the cell as (a number, a date)."""

    def __init__(self, max_len: int = NAME, validate: Any = None, **kwargs: Any):
        checks = [_length(max_len), *([validate] if validate else [])]
        super().__init__(validate=checks, error_messages=REQUIRED, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(cell_text(value), attr, data, **kwargs)


class Word(Text):
    """One of a few words, in any case ("Active", "ACTIVE" and "active" are the same)."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any):
        super().__init__(max_len=40, **kwargs)
        self.validators = [*self.validators, validate.OneOf(
            choices, error=f"must be one of {', '.join(choices)}, not {{input!r}}")]

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).lower()


class Day(fields.Field):
    """A date: a date cell of a sheet, or text written as YYYY-MM-DD. Other spellings
    (31/12/2026, 12/31/2026) are refused rather than guessed."""

    def __init__(self, **kwargs: Any):
        super().__init__(error_messages=REQUIRED, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        for parse in (date.fromisoformat, lambda t: datetime.fromisoformat(t).date()):
            try:
                return parse(text)
            except ValueError:
                pass
        raise ValidationError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31")


class RowSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _empty_cells_are_missing(self, row: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {k: v for k, v in row.items() if v not in ("", None)}


class ProjectRowSchema(RowSchema):
    code = Text(CODE, required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9._-]+$", error="use 1-40 letters, digits, '-', '_' or '.'"))
    name = Text(NAME, required=True)
    description = Text(TEXT, load_default="")
    sponsor = Text(PERSON, load_default="")
    manager = Text(PERSON, load_default="")
    programme = Text(CODE, load_default=None)
    start_date = Day(load_default=None)
    end_date = Day(load_default=None)
    stage = Word(STAGES, load_default="idea")

    @validates_schema(skip_on_field_errors=False)
    def _ends_after_it_starts(self, row: dict[str, Any], **_: Any) -> None:
        if row.get("start_date") and row.get("end_date") and row["end_date"] < row["start_date"]:
            raise ValidationError("end date is before start date", "end_date")


class MilestoneRowSchema(RowSchema):
    project = Text(CODE, required=True)
    name = Text(NAME, required=True)
    baseline_date = Day(required=True)
    forecast_date = Day(load_default=None)
    actual_date = Day(load_default=None)
    description = Text(TEXT, load_default="")


class ActionRowSchema(RowSchema):
    title = Text(NAME, required=True)
    owner = Text(PERSON, required=True)
    due_date = Day(load_default=None)
    project = Text(CODE, load_default=None)
    priority = Word(PRIORITIES, load_default="normal")
    status = Word(STATUSES, load_default="open")
    outcome = Text(TEXT, load_default="")
    description = Text(TEXT, load_default="")
