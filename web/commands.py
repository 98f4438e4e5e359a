"""Run a state change on behalf of the signed-in user, stamped with this request's id."""
from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, g, request
from flask_login import current_user

from core.pmo import PMO
from events.context import command_context
from web.tenancy import current_pmo

_CORRELATION = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@contextmanager
def command(reason: str = "") -> Iterator[PMO]:
    """``with command(reason) as pmo: service(pmo, ...)``: who, why and which request."""
    with command_context(current_user.username, reason, g.correlation_id):
        yield current_pmo()


def init_app(app: Flask) -> None:
    @app.before_request
    def _correlation_id():
        given = request.headers.get("X-Correlation-ID", "")
        g.correlation_id = given if _CORRELATION.match(given) else uuid.uuid4().hex
        # Plugins may not import web/; their views find this request's PMO here.
        g.pmo = current_pmo()

    @app.after_request
    def _echo_correlation_id(response):
        if "correlation_id" in g:
            response.headers["X-Correlation-ID"] = g.correlation_id
        return response
