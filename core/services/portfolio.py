"""Portfolio and programmes."""
from __future__ import annotations

import uuid

from core.domain.errors import ConflictError, ValidationError
from core.domain.portfolio import Portfolio, Programme
from core.pmo import PMO


def establish_portfolio(pmo: PMO, name: str, description: str = "") -> Portfolio:
    _check_name(name, "the portfolio")
    if pmo.exists(Portfolio.create_id()):
        raise ConflictError("the portfolio is already established")
    portfolio = Portfolio(name=name, description=description)
    pmo.save(portfolio)
    return portfolio


def rename_portfolio(pmo: PMO, name: str, description: str, expected_version: int | None = None) -> Portfolio:
    portfolio = pmo.get(Portfolio, Portfolio.create_id(), expected_version)
    _check_name(name, "the portfolio")
    portfolio.rename(name=name, description=description)
    pmo.save(portfolio)
    return portfolio


def register_programme(pmo: PMO, code: str, name: str, description: str = "", sponsor: str = "",
                       manager: str = "") -> Programme:
    code = _check_code(code)
    _check_name(name, "a programme")
    if pmo.exists(Programme.create_id(code)):
        raise ConflictError(f"programme code {code} is already taken")
    programme = Programme(code=code, name=name, description=description, sponsor=sponsor, manager=manager)
    pmo.save(programme)
    return programme


def update_programme(pmo: PMO, programme_id: uuid.UUID, expected_version: int | None = None,
                     **changes) -> Programme:
    programme = pmo.get(Programme, programme_id, expected_version)
    if "name" in changes:
        _check_name(changes["name"], "a programme")
    fields = ("name", "description", "sponsor", "manager")
    programme.update(**{f: changes.get(f, getattr(programme, f)) for f in fields})
    pmo.save(programme)
    return programme


def _check_name(name: str | None, what: str) -> None:
    # The API's schemas refuse an empty name, but "  " passes them: the rule lives here.
    if not (name or "").strip():
        raise ValidationError(f"{what} needs a name", "name")


# Words the pages use in URLs next to codes (/projects/new): a code cannot be one of them.
RESERVED_CODES = {"new", "edit"}


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "-_." for c in code):
        raise ValidationError("use 1-40 letters, digits, '-', '_' or '.'", "code")
    if code.lower() in RESERVED_CODES:
        raise ValidationError(f"'{code}' is reserved; choose another code", "code")
    return code
