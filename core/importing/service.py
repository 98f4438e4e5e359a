"""Import a spreadsheet of one kind (projects, milestones, actions, or a plugin's kind): every
row, or (one problem) none.

``import_file`` reads the file, maps its columns to fields, checks every row (types, required
values, codes that must exist, duplicates within the file and against the ledger), builds the
aggregates with the services' own builders, and only then, if nothing is wrong and it is not
a dry run, saves them all in one transaction: one batch of events, by the actor of the
caller's command context, with the file name as the reason (and the caller's reason after it).
"""
from __future__ import annotations

from typing import Any, Callable

from marshmallow import ValidationError as SchemaError

from core.domain.errors import ConflictError, DomainError
from core.importing import columns as cols
from core.importing.kinds import KINDS, Kind
from core.importing.readers import Sheet, cell_text, read_table
from core.importing.report import ImportReport, RowError
from core.pmo import PMO
from events.aggregate import LedgerAggregate
from events.context import because, current_context

PREVIEW_ROWS = 10
REASON_MAX = 500
# A domain error names the service's argument; the file's column is the import's field.
FIELD_OF = {"programme_id": "programme", "project_id": "project"}

Progress = Callable[[int, int], None]


def kinds(pmo: PMO) -> dict[str, Kind]:
    """What ``pmo`` can import: the core's kinds, then those of its enabled plugins."""
    found = dict(KINDS)
    for offered in pmo.hook("import_kinds")():
        for spec in offered or ():
            if spec.name in found:  # two importers behind one name: neither could be trusted
                raise RuntimeError(f"two import kinds are named {spec.name!r}")
            found[spec.name] = spec
    return found


def kind_of(pmo: PMO, name: str) -> Kind:
    available = kinds(pmo)
    try:
        return available[name]
    except KeyError:
        raise DomainError(f"cannot import {name!r}; choose {', '.join(available)}", "kind") from None


def import_reason(filename: str, reason: str = "") -> str:
    """'Imported from projects.xlsx', with the caller's own reason after it."""
    text = f"Imported from {filename}" + (f": {reason}" if reason and reason != filename else "")
    return text[:REASON_MAX]


def import_file(
    pmo: PMO, kind: str, data: bytes, filename: str, *, columns: cols.Mapping | None = None,
    headings: dict[str, str] | None = None, dry_run: bool = True, progress: Progress | None = None,
) -> ImportReport:
    """Check (``dry_run``) or import a file. ``columns`` is a whole mapping (column index ->
    field, as the preview form sends it); else ``headings`` ({heading: field}) adjusts the
    automatic one. Raises ``FileRefused`` for a file that cannot be read at all."""
    return import_sheet(pmo, kind, read_table(data, filename), filename, columns=columns, headings=headings,
                        dry_run=dry_run, progress=progress)


def import_sheet(
    pmo: PMO, kind: str, sheet: Sheet, filename: str, *, columns: cols.Mapping | None = None,
    headings: dict[str, str] | None = None, dry_run: bool = True, progress: Progress | None = None,
) -> ImportReport:
    spec = kind_of(pmo, kind)
    report = ImportReport(spec.name, spec.noun, filename, rows=len(sheet.rows), header=sheet.header,
                          dry_run=dry_run, errors=list(sheet.errors))
    if columns is not None:
        mapping = {i: name for i, name in columns.items() if name and 0 <= i < len(sheet.header)}
        known = {f.name for f in spec.fields}
        report.errors += [RowError(1, sheet.header[i], f"no field {name!r}") for i, name in mapping.items()
                          if name not in known]
    else:
        mapping, problems = cols.overrides(sheet.header, headings or {}, spec.fields)
        report.errors += problems
    report.columns = mapping
    report.errors += cols.check(sheet.header, mapping, spec.fields)
    report.preview = [(line, {name: cell_text(cells[i]) for i, name in sorted(mapping.items())})
                      for line, cells in sheet.rows[:PREVIEW_ROWS]]
    report.samples = [next((cell_text(cells[i]) for _, cells in sheet.rows if cell_text(cells[i])), "")
                      for i in range(len(sheet.header))]
    if any(e.line == 1 for e in report.errors) or not sheet.header:
        return report  # with the wrong columns every row would only repeat the problem
    if not sheet.rows:
        report.errors.append(RowError(2, "row", "the file has a header but no rows"))
        return report

    context = current_context()
    with because(import_reason(filename, context.reason)):
        built = _check_rows(pmo, spec, sheet, mapping, filename, report, progress)
    report.errors.sort(key=lambda e: e.line)  # within a row: in the order of the checks
    report.ids = [a.id for a in built]
    report.events = sum(len(a.pending_events) for a in built)
    if report.ok and not dry_run:
        try:
            pmo.save(*built)
        except ConflictError:
            report.ids, report.events = [], 0
            report.errors.append(RowError(0, "file", "someone else recorded some of these meanwhile; "
                                                     "check the file again"))
    return report


def _check_rows(pmo: PMO, spec: Kind, sheet: Sheet, mapping: cols.Mapping, filename: str,
                report: ImportReport, progress: Progress | None) -> list[LedgerAggregate]:
    lookups = spec.lookups(pmo)
    schema = spec.schema()
    first: dict[tuple, int] = {}
    built: list[LedgerAggregate] = []
    for done, (line, cells) in enumerate(sheet.rows, start=1):
        if progress:
            progress(done, len(sheet.rows))
        try:
            row, bad = schema.load({name: cells[i] for i, name in mapping.items()}), {}
        except SchemaError as error:
            row, bad = error.valid_data or {}, error.messages_dict
        problems = [RowError(line, name, " ".join(_messages(messages))) for name, messages in bad.items()]
        problems += [RowError(line, name, message) for name, message in spec.refs(row, lookups) if name not in bad]
        if not bad:
            key = spec.key(row)
            if key in first:
                problems.append(RowError(line, spec.key_field, f"{row[spec.key_field]!r} is also on row {first[key]}"))
            first.setdefault(key, line)
        if problems:
            report.errors += problems
            continue
        try:
            built.append(spec.build(pmo, row, lookups, filename))
        except DomainError as error:
            report.errors.append(RowError(line, FIELD_OF.get(error.field or "", error.field or spec.key_field),
                                          error.message))
    return built


def _messages(messages: Any) -> list[str]:
    return [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
