"""The JSON API under /api: one flask-smorest blueprint per core resource.

Scripts authenticate with ``Authorization: Bearer <token>``; a browser session may read, and
may write only with its CSRF token in ``X-CSRFToken``. Errors are problem+json.
"""
from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_smorest import Api

from web.app import csrf

SAFE = ("GET", "HEAD", "OPTIONS")


def _session_writes_need_csrf() -> None:
    if request.method in SAFE or not request.path.startswith("/api/"):
        return
    if current_user.is_authenticated and not g.get("auth_via_token"):
        csrf.protect()


def register_api(api: Api) -> None:
    from web.api import resources  # noqa: F401  (one module per resource; see BLUEPRINTS)

    for blueprint in resources.BLUEPRINTS:
        api.register_blueprint(blueprint)
    # App-wide (blueprints are module globals shared by every app the tests create), and for
    # plugin API blueprints too.
    api._app.before_request(_session_writes_need_csrf)
