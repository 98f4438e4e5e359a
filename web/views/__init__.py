"""HTML pages: thin views that parse a form, call one service, and render a read model."""
from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from web.views import pages

    for blueprint in pages.BLUEPRINTS:
        app.register_blueprint(blueprint)
