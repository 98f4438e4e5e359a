"""What an import found and did: every problem by row and column, and a one-line summary."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RowError:
    """A problem in the file: ``line`` is where the row starts (the header is line 1; for an
    XLSX sheet, the row number), ``column`` the field or column it is about."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


@dataclass
class ImportReport:
    """The outcome of checking (``dry_run``) or importing one file of one kind."""

    kind: str                                   # projects, milestones, actions
    noun: str                                   # project, milestone, action
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    columns: dict[int, str] = field(default_factory=dict)   # the file's column index -> field
    header: list[str] = field(default_factory=list)
    preview: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # first rows, as read
    samples: list[str] = field(default_factory=list)      # per column: its first value, as text
    ids: list[uuid.UUID] = field(default_factory=list)
    events: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def imported(self) -> int:
        return 0 if self.dry_run or self.errors else len(self.ids)

    @property
    def mapped(self) -> dict[str, str]:
        """The file's column heading -> the field it imports as."""
        return {self.header[i]: name for i, name in sorted(self.columns.items())}

    @property
    def ignored(self) -> list[str]:
        """Headed columns of the file that are not imported."""
        return [h for i, h in enumerate(self.header) if h and i not in self.columns]

    def plural(self, n: int) -> str:
        return f"{n} {self.noun}{'' if n == 1 else 's'}"

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} problem{'' if len(self.errors) == 1 else 's'} in {self.filename}: "
                    "nothing was imported. Correct the file and check it again.")
        if self.dry_run:
            return f"All {self.plural(self.rows)} in {self.filename} are valid. Nothing is imported yet."
        return f"Imported {self.plural(self.imported)} from {self.filename} ({self.events} events, one batch)."
