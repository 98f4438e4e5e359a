"""HTML pages: thin views that parse a form, call one service, and render a read model.

One module per area, each with its blueprint and its templates under ``templates/<area>/``:
pages (the dashboard), projects, reports (status reports and milestones), decisions,
actions, programmes (and the portfolio), admin (users and plugins). The areas are nested in
the ``pages`` blueprint (``pages.projects.show``...), so their names never clash with the
JSON API's blueprints, which are named after the same resources.
"""
from __future__ import annotations

from flask import Flask

from web.views import actions, admin, decisions, pages, programmes, projects, reports

# Once, at import: a blueprint cannot take children after its first registration on an app.
for _area in (projects, reports, decisions, actions, programmes, admin):
    pages.bp.register_blueprint(_area.bp)


def register_views(app: Flask) -> None:
    app.register_blueprint(pages.bp)
