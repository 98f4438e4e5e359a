"""Run a state change on behalf of the signed-in user, stamped with this request's id."""
from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

# One implementation for core pages and plugin pages: ``with command(reason) as pmo: ...``
from plugins.kit import command  # noqa: F401  (re-exported for web.views and web.api)
from web.tenancy import current_pmo, has_ledger

_CORRELATION = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def init_app(app: Flask) -> None:
    @app.before_request
    def _correlation_id():
        given = request.headers.get("X-Correlation-ID", "")
        g.correlation_id = given if _CORRELATION.match(given) else uuid.uuid4().hex
        # Plugins may not import web/; their views find this request's PMO here.
        g.pmo = current_pmo() if has_ledger() else None  # None: a platform page

    @app.after_request
    def _echo_correlation_id(response):
        if "correlation_id" in g:
            response.headers["X-Correlation-ID"] = g.correlation_id
        return response
