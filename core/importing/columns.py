"""Which column of the file is which field: matched by heading, changed by the person importing.

A heading matches a field when, lower-cased with everything but letters and digits made one
underscore, it equals the field's name, its label, or one of its synonyms ("Project code",
"project_code" and "PROJECT-CODE" all match ``code``). Columns that match nothing are not
imported (a spreadsheet often has extra columns); a required field without a column is a
problem on line 1.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.importing.report import RowError

Mapping = dict[int, str]  # the file's column index -> field name


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    hint: str = ""
    synonyms: tuple[str, ...] = ()

    def matches(self, heading: str) -> bool:
        key = normalise(heading)
        return bool(key) and key in {normalise(n) for n in (self.name, self.label, *self.synonyms)}


def normalise(heading: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", heading.lower()).strip("_")


def auto_map(header: list[str], fields: tuple[Field, ...]) -> Mapping:
    """Each field to the first column whose heading matches it."""
    mapping: Mapping = {}
    for index, heading in enumerate(header):
        for f in fields:
            if f.name not in mapping.values() and f.matches(heading):
                mapping[index] = f.name
                break
    return mapping


def overrides(header: list[str], given: dict[str, str], fields: tuple[Field, ...]) -> tuple[Mapping, list[RowError]]:
    """The automatic mapping with ``{heading: field}`` applied on top ("" or "ignore": leave
    the column out). Headings and field names that do not exist are problems on line 1."""
    mapping = auto_map(header, fields)
    names = {f.name for f in fields}
    errors: list[RowError] = []
    for heading, name in given.items():
        index = next((i for i, h in enumerate(header) if normalise(h) == normalise(heading)), None)
        name = (name or "").strip()
        if index is None:
            errors.append(RowError(1, heading, "the file has no column with this heading"))
        elif name in ("", "ignore"):
            mapping.pop(index, None)
        elif name not in names:
            errors.append(RowError(1, heading, f"no field {name!r}; the fields are {', '.join(sorted(names))}"))
        else:
            mapping = {i: n for i, n in mapping.items() if n != name}
            mapping[index] = name
    return mapping, errors


def check(header: list[str], mapping: Mapping, fields: tuple[Field, ...]) -> list[RowError]:
    """Line-1 problems: a field chosen for two columns, a required field with no column."""
    errors = []
    seen: dict[str, int] = {}
    for index, name in sorted(mapping.items()):
        if name in seen:
            errors.append(RowError(1, name, f"chosen for two columns: {header[seen[name]]!r} and {header[index]!r}"))
        seen.setdefault(name, index)
    for f in fields:
        if f.required and f.name not in seen:
            errors.append(RowError(1, f.name, f"required: no column is imported as {f.label}"))
    return errors
