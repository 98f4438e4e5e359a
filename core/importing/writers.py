"""A table (column headings and rows) written as CSV or XLSX: every list page's export.

Text that a spreadsheet would run as a formula (it starts with =, +, -, @ or a tab) is
written with a leading apostrophe, so an exported title like ``=HYPERLINK(...)`` stays text.
CSV is UTF-8 with ``\\n`` line ends; dates are ISO dates; times are UTC.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(MIMETYPES)


@dataclass
class Table:
    title: str                          # the XLSX sheet's name
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def safe(value: Any) -> Any:
    """Quote text that a spreadsheet would otherwise run as a formula."""
    if isinstance(value, str) and (value[:1] in ("=", "+", "@", "\t", "\r")
                                   or (value[:1] == "-" and not value[1:2].isdigit())):
        return "'" + value
    return value


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _typed(value: Any) -> Any:
    """A value XLSX can hold: dates stay dates, times are UTC, the rest is text or a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, (date, int, float)):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    return safe(str(value))


def _text(value: Any) -> str:
    value = _typed(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe(h) for h in table.headers])
    writer.writerows([_text(v) for v in row] for row in table.rows)
    return out.getvalue().encode("utf-8")


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # only the XLSX export needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # streams rows: large exports stay small in memory
    sheet = book.create_sheet(sheet_title(table.title))
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(50, len(heading) + 4))
    bold = Font(bold=True)
    header = []
    for heading in table.headers:
        cell = WriteOnlyCell(sheet, value=safe(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_typed(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table)
    if fmt == "csv":
        return to_csv(table)
    raise ValueError(f"no export format {fmt!r}; choose {' or '.join(FORMATS)}")
