"""Refuse text that no store can keep, before it reaches a service.

PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate cannot be encoded at all. Either
would be accepted by the domain, then fail the save (a 500) or, worse, be kept in a SQLite
ledger and stop every PostgreSQL copy of it from projecting. So every form field, JSON string
and query value is checked here once, and a request carrying one gets a 422 naming the field.
"""
from __future__ import annotations

from typing import Any, Iterator

from flask import Flask, request

from web.errors import render_error

MESSAGE = "Contains a character that cannot be stored (NUL or an unpaired surrogate)."


def unstorable(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
            yield from _strings(key, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def _fields() -> Iterator[tuple[str, str]]:
    for source in (request.args, request.form):
        for name, values in source.lists():
            for value in values:
                yield name, value
    if request.is_json:
        yield from _strings(request.get_json(silent=True), "")


def refuse_unstorable_text():
    bad = sorted({name or "body" for name, value in _fields() if unstorable(value)})
    if bad:
        return render_error(422, "Unprocessable entity", MESSAGE, {name: [MESSAGE] for name in bad})
    return None


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)
