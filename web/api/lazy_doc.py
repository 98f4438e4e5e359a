"""The API whose OpenAPI document is written when first asked for, not at start-up.

flask-smorest documents a blueprint's views the moment the blueprint is registered: every
operation's doc is deep-copied, its schemas resolved into components, its fields converted
(``apispec``). That is a sixth of a worker's start-up, and most workers never serve
``/api/openapi.json``. ``LazyDocApi`` registers the blueprint's routes at once (requests are
served from the first moment, as before) and documents the blueprints, in the order they were
registered, the first time anything reads ``api.spec``: the JSON and Swagger UI pages, the
``flask openapi`` commands, a plugin that adds to the spec. The document is the same, byte for
byte, as an eager one (``tests/web/api/test_openapi_lazy.py`` builds both and compares).

A doc that cannot be built (a broken schema in a plugin) now fails at that first read instead
of at start-up; the API tests read the document, so it is still caught before release.
"""
from __future__ import annotations

import threading
from typing import Any

from flask_smorest import Api


class LazyDocApi(Api):
    def __init__(self, app=None, **kwargs: Any) -> None:
        # Before Api.__init__, which assigns ``spec`` (through the property below).
        self._undocumented: list[tuple[Any, str, list | None]] = []
        self._documenting = threading.RLock()  # gthread workers: one thread writes the doc
        self._busy = False
        super().__init__(app, **kwargs)

    @property
    def spec(self):
        """The APISpec, with every registered blueprint documented in it."""
        if self._undocumented:
            self._document_blueprints()
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        """Api.register_blueprint, with the documenting step deferred to the first read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        with self._documenting:
            self._undocumented.append((blp, name, parameters))

    def _document_blueprints(self) -> None:
        with self._documenting:
            if self._busy:
                # A documenting callback read ``api.spec``: give it the spec as it stands, so
                # that the blueprints are still documented one after the other, in order.
                return
            self._busy = True
            try:
                while self._undocumented:
                    blp, name, parameters = self._undocumented[0]
                    blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                    self._spec.tag({"name": name, "description": blp.description})
                    self._undocumented.pop(0)
            finally:
                self._busy = False
