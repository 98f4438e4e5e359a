"""Risks as a kind of the core's spreadsheet import: ``pmo import risks FILE`` and /imports/risks.

The core reads the file, matches the columns by heading, checks every row and saves all of
them in one batch, or none (``core.importing``); this module says what a risk row is. It is
the only importer of risks: the register's own entry points (``importer.import_register``:
/risks/import, /api/risks/import, ``pmo risk import``) hand their files to it. The columns
are those of the register's own export (``importer.EXPORT_COLUMNS``), so an exported register
imports again: ``ID`` (empty: the next free R-nnn), ``title``, ``owner``, and optionally
``project`` or ``programme`` (a code; neither: portfolio-wide), ``probability`` and ``impact``
(the inherent assessment), ``response`` ("reduce: second supplier"), ``status`` (open or
closed), ``category``, ``kind``, ``description``, ``cause``, ``effect``, ``proximity``,
``review_date``.
"""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError as SchemaError
from marshmallow import fields, validates, validates_schema

from core import queries as core_queries
from core.domain.errors import DomainError
from core.importing import Kind
from core.importing.columns import Field
from core.importing.readers import cell_text
from core.importing.schemas import CODE, NAME, PERSON, TEXT, Day, RowSchema, Text, Word
from core.pmo import PMO
from events.aggregate import LedgerAggregate
from plugins.risk import services
from plugins.risk.domain import ALL_STRATEGIES, CATEGORIES, KINDS, Risk

Row = dict[str, Any]
# A service's refusal names its argument; the report names the file's field.
FIELD_OF = {"project_id": "project", "programme_id": "programme", "strategy": "response", "closure": "status"}

FIELDS = (
    Field("ref", "ID", False, "e.g. R-001; empty: the next free number", ("ref", "reference", "risk id", "risk ref")),
    Field("title", "Title", True, "", ("risk", "risk title", "name")),
    Field("owner", "Owner", True, "who manages it, e.g. a username", ("risk owner", "who")),
    Field("project", "Project", False, "the project's code; empty: the programme's or portfolio-wide",
          ("project code",)),
    Field("programme", "Programme", False, "the programme's code, for a programme's own risk", ("programme code",)),
    Field("probability", "Probability", False, "a level of the probability scale, e.g. 1-5", ("likelihood",)),
    Field("impact", "Impact", False, "a level of the impact scale, e.g. 1-5", ("consequence", "severity")),
    Field("response", "Response", False, "the strategy, then what is done: 'reduce: second supplier'",
          ("strategy", "mitigation")),
    Field("status", "Status", False, "open (the default) or closed", ("state",)),
    Field("category", "Category", False, ", ".join(CATEGORIES) + "; default other"),
    Field("kind", "Kind", False, "threat (the default) or opportunity", ("type",)),
    Field("description", "Description", False, "", ("details",)),
    Field("cause", "Cause", False),
    Field("effect", "Effect", False),
    Field("proximity", "Proximity", False, "YYYY-MM-DD: when it could happen"),
    Field("review_date", "Review date", False, "YYYY-MM-DD", ("review", "next review")),
)


def parse_response(value: str) -> tuple[str, str] | None:
    """'reduce: second supplier' -> ('reduce', 'second supplier'); None: no strategy given."""
    head, _, rest = value.replace(" - ", ":", 1).partition(":")
    word = head.strip().lower()
    if word in ALL_STRATEGIES:
        return word, rest.strip()
    first, _, tail = value.strip().partition(" ")
    if first.lower() in ALL_STRATEGIES:
        return first.lower(), tail.strip()
    return None


class Level(fields.Field):
    """A whole number: 4, "4" or a sheet's 4.0; the scale it must fit is checked per import."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        text = cell_text(value)
        if not text.isdigit():
            raise SchemaError(f"{text!r} is not a whole number")
        return int(text)


class RiskRowSchema(RowSchema):
    ref = Text(40, load_default=None)
    title = Text(NAME, required=True)
    owner = Text(PERSON, required=True)
    project = Text(CODE, load_default=None)
    programme = Text(CODE, load_default=None)
    probability = Level(load_default=None)
    impact = Level(load_default=None)
    response = Text(TEXT, load_default="")
    status = Word(("open", "closed"), load_default="open")
    category = Word(CATEGORIES, load_default="other")
    kind = Word(KINDS, load_default="threat")
    description = Text(TEXT, load_default="")
    cause = Text(TEXT, load_default="")
    effect = Text(TEXT, load_default="")
    proximity = Day(load_default=None)
    review_date = Day(load_default=None)

    @validates("ref")
    def _ref(self, value: str | None, **_: Any) -> None:
        if value:
            try:
                services.check_ref(value)
            except DomainError as error:
                raise SchemaError(error.message) from None

    @validates("response")
    def _strategy_first(self, value: str, **_: Any) -> None:
        if value and parse_response(value) is None:
            raise SchemaError("start with a strategy: " + ", ".join(ALL_STRATEGIES))

    @validates_schema(skip_on_field_errors=True)
    def _both_or_neither(self, row: Row, **_: Any) -> None:
        if (row.get("probability") is None) != (row.get("impact") is None):
            missing = "impact" if row.get("impact") is None else "probability"
            raise SchemaError("give both probability and impact, or neither", missing)


def _where(lookups: Any, row: Row) -> tuple[str, Any, Any]:
    """(scope, project id, programme id) of a checked row."""
    project = lookups["projects"].get((row.get("project") or "").lower())
    programme = lookups["programmes"].get((row.get("programme") or "").lower())
    if project:
        return "project", project["id"], None
    return ("programme", None, programme["id"]) if programme else ("portfolio", None, None)


def _lookups(pmo: PMO) -> dict[str, Any]:
    return {"projects": {p["code"].lower(): p for p in core_queries.list_projects(pmo)},
            "programmes": {p["code"].lower(): p for p in core_queries.list_programmes(pmo)},
            "scale": services.scale(pmo),
            # A reference is unique within its project, programme or the portfolio: Risk.create_id says.
            "registered": lambda ref, where: pmo.exists(Risk.create_id(ref, *where)),
            "taken": set(),      # references given in the file so far: numbering skips them
            "numbered": {}}      # (where, reference) given to a row without an ID -> its title


def _refs(row: Row, lookups: Any) -> list[tuple[str, str]]:
    problems = []
    for place in ("project", "programme"):
        if row.get(place) and row[place].lower() not in lookups[f"{place}s"]:
            problems.append((place, f"no {place} with code {row[place]!r}"))
    if row.get("project") and row.get("programme"):
        problems.append(("programme", "a risk is a project's or a programme's, not both: leave one empty"))
    scale = lookups["scale"]
    for name, labels in (("probability", scale.probability), ("impact", scale.impact)):
        if row.get(name) is not None and not 1 <= row[name] <= len(labels):
            problems.append((name, f"must be from 1 to {len(labels)}"))
    if row.get("ref") and not problems:
        where = _where(lookups, row)
        lookups["taken"].add(row["ref"].lower())
        if lookups["registered"](row["ref"], where):
            problems.append(("ref", f"{row['ref']} is already in the register"))
        elif (where, row["ref"].lower()) in lookups["numbered"]:
            title = lookups["numbered"][where, row["ref"].lower()]
            problems.append(("ref", f"{row['ref']} was given to an earlier row without an ID ({title!r})"))
    return problems


def _build(pmo: PMO, row: Row, lookups: Any, filename: str) -> LedgerAggregate:
    where = _where(lookups, row)
    scope, project_id, programme_id = where
    try:
        risk = services.new_risk(
            pmo, row["title"], row["owner"], scope=scope, project_id=project_id, programme_id=programme_id,
            description=row["description"], cause=row["cause"], effect=row["effect"], category=row["category"],
            kind=row["kind"], proximity=row["proximity"], review_date=row["review_date"], ref=row["ref"],
            probability=row["probability"], impact=row["impact"], taken=lookups["taken"])
        if not row["ref"]:
            lookups["taken"].add(risk.ref.lower())
            lookups["numbered"][where, risk.ref.lower()] = row["title"]
        if row["response"]:
            risk.plan_response(*parse_response(row["response"]))
        if row["status"] == "closed":
            risk.close(f"Closed in {filename}", risk.identified_on)
    except DomainError as error:
        error.field = FIELD_OF.get(error.field or "", error.field)
        raise
    return risk


def _key(row: Row) -> tuple:
    if not row["ref"]:
        return (id(row),)  # rows without an ID are numbered, so they never repeat one another
    return (row["project"] or "").lower(), (row["programme"] or "").lower(), row["ref"].lower()


RISKS = Kind("risks", "risk", FIELDS, RiskRowSchema, key=_key, key_field="ref", lookups=_lookups, refs=_refs,
             build=_build, landing="risk.index")

