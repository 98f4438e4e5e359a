"""Schema instances in the API's documentation are shared, not deep-copied.

flask-smorest deep-copies a view's whole ``_apidoc`` dict at every decorator (``arguments``,
``response``, ``alt_response``, ``etag``, ``paginate``, ``doc``) and again when a blueprint
is registered, so that stacking decorators never changes the wrapped function's doc. The
copies of the dicts are what that needs; the marshmallow schema instances inside them were
copied too, field by field (about 1,500 schemas and 35,000 fields at each start-up, a third
of a worker's start-up time). Nothing mutates a schema instance after it is built: apispec
reads it to emit a ``$ref`` (keyed by class and modifiers, never by identity), and
marshmallow itself copies fields, not schemas (``Nested`` takes a shallow copy). So a deep
copy of a schema is the schema, and the OpenAPI document stays byte for byte the same
(``tests/web/api`` compares it).

Imported by ``web.app`` before any API module is, so that the decorators already see it.
"""
from __future__ import annotations

import marshmallow


def _shared(self: marshmallow.Schema, memo: dict) -> marshmallow.Schema:
    return self


if "__deepcopy__" not in vars(marshmallow.Schema):
    marshmallow.Schema.__deepcopy__ = _shared  # type: ignore[attr-defined]
