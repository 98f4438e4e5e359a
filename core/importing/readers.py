"""Read an uploaded spreadsheet, CSV or XLSX, into its header and numbered rows.

The pages, the API and the CLI hand over the file's bytes and its name; nothing here knows
HTTP. A file that cannot be read at all is refused with one message (``FileRefused``, a
domain ``ValidationError`` on the field ``file``); rows that cannot be read are reported by
line, like every other problem.

Limits: ``MAX_BYTES`` per file, ``MAX_ROWS`` rows, ``MAX_COLUMNS`` columns, and an XLSX
workbook (a zip archive) may unpack to at most ``MAX_UNPACKED`` bytes, so that a small upload
cannot unfold into gigabytes.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from core.domain.errors import ValidationError
from core.importing.report import RowError

MAX_BYTES = 1024 * 1024  # thousands of rows fit
MAX_ROWS = 5000
MAX_COLUMNS = 100
MAX_UNPACKED = 50 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")  # Excel writes ';' where the decimal mark is a comma


class FileRefused(ValidationError):
    """The upload is not a CSV or XLSX file this importer can read."""

    def __init__(self, message: str):
        super().__init__(message, "file")


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[Any]]]              # (line where the row starts, its cells)
    errors: list[RowError] = field(default_factory=list)


def read_table(data: bytes, filename: str) -> Sheet:
    """The file's first sheet: its header (the first non-empty row) and the rows below it.
    The name's suffix says CSV or XLSX; a name without one (a script's upload) is sniffed."""
    suffix = PurePath(filename or "").suffix.lower() or (".xlsx" if data.startswith(ZIP_MAGIC) else ".csv")
    if suffix == ".xls":
        raise FileRefused("Old .xls workbooks cannot be read: save the sheet as .xlsx or as CSV UTF-8.")
    if suffix not in SUFFIXES:
        raise FileRefused("Only .csv files and .xlsx workbooks can be imported.")
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files.")
    if suffix == ".xlsx":
        return _sheet(_xlsx_rows(data))
    return _sheet(_csv_rows(_decode(data)))


def clean_filename(name: str | None) -> str:
    """An uploaded file's own name, without a client's folders: safe to show and to keep as a
    reason ("upload" when there is none)."""
    name = PurePath((name or "").replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable())[:200] or "upload"


def cell_text(value: Any) -> str:
    """A cell as text: what a column of names or codes holds, whatever the sheet typed it as."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- CSV ------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The file is not UTF-8 text: save it as 'CSV UTF-8', or as .xlsx.") from None
    if "\x00" in text:
        raise FileRefused("The file is not a CSV text file.")
    return text


def _delimiter(text: str) -> str:
    """The separator the header line uses most (cells of a header rarely hold any)."""
    first = text.split("\n", 1)[0]
    return max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","


def _csv_rows(text: str):
    """``(line, cells)`` per record, the line being where the record starts; then problems."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            yield start, [cell.strip() for cell in record]
    except csv.Error as error:
        yield line + 1, RowError(line + 1, "row", f"not readable as CSV ({error})")


# --- XLSX -----------------------------------------------------------------------------------

def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook  # only an XLSX upload needs it

    if not data.startswith(ZIP_MAGIC):
        raise FileRefused("The file is not an .xlsx workbook; save it as .xlsx or as CSV UTF-8.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused("The workbook is damaged: it cannot be opened.") from None
    if unpacked > MAX_UNPACKED:
        raise FileRefused(f"The workbook unpacks to more than {MAX_UNPACKED // 1024 // 1024} MB.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors)
        raise FileRefused("The workbook cannot be read; save it again as .xlsx, or as CSV UTF-8.") from None
    try:
        if not book.worksheets:
            raise FileRefused("The workbook has no sheet of cells.")
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            yield number, [_xlsx_cell(v) for v in values]
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("The workbook cannot be read; save it again as .xlsx, or as CSV UTF-8.") from None
    finally:
        book.close()


def _xlsx_cell(value: Any) -> Any:
    """Text stripped, whole numbers as text (a code '42' is not 42.0), a midnight as its day;
    other dates and numbers stay typed for the fields that want them."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell_text(value)
    return "" if value is None else value


# --- both -----------------------------------------------------------------------------------

def _blank(cells: list[Any]) -> bool:
    return all(c == "" for c in cells)


def _sheet(records) -> Sheet:
    """The header is the first non-empty row; blank rows are skipped; a row shorter than the
    header has empty cells at its end, one with values beyond the header is a problem."""
    header: list[str] | None = None
    sheet = Sheet([], [])
    for line, cells in records:
        if isinstance(cells, RowError):
            sheet.errors.append(cells)
            break
        if _blank(cells):
            continue
        if header is None:
            while cells and cells[-1] == "":
                cells = cells[:-1]
            header = [cell_text(c) for c in cells]
            sheet.header = header
            continue
        extra = cells[len(header):]
        if not _blank(extra):
            sheet.errors.append(RowError(line, "row", f"{len(cells)} cells, the header has {len(header)}"))
            continue
        sheet.rows.append((line, cells[:len(header)] + [""] * (len(header) - len(cells))))
        if len(sheet.rows) > MAX_ROWS:
            sheet.errors.append(RowError(line, "row", f"more than {MAX_ROWS} rows; split the file"))
            sheet.rows.pop()
            break
    if header is None:
        sheet.errors.append(RowError(1, "header", "the file is empty"))
    return sheet
