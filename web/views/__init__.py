"""HTML pages: thin views that parse a form, call one service, and render a read model.

One module per area, each with its blueprint and its templates under ``templates/<area>/``:
pages (the dashboard), projects, reports (status reports and milestones), decisions,
actions, programmes (and the portfolio), admin (users and plugins), ledger (the event log
browser), audit (verify and export), printable (print pages and PDFs), maturity (the
profile and the self-assessment), and imports (spreadsheets in; the list pages export
theirs with ``?format=``, see ``web.exports``). The areas are
nested in the ``pages`` blueprint (``pages.projects.show``...), so their names never clash
with the JSON API's blueprints, which are named after the same resources.

Every page reads "as of" a moment when asked (``?as_of=``): see ``asof``.
"""
from __future__ import annotations

from flask import Flask

from web import exports
from web.views import (actions, admin, asof, audit, decisions, imports, ledger, maturity, pages, printable,
                       programmes, projects, reports)

# Once, at import: a blueprint cannot take children after its first registration on an app.
for _area in (projects, reports, decisions, actions, programmes, admin, ledger, audit, printable, maturity,
              imports):
    pages.bp.register_blueprint(_area.bp)


def register_views(app: Flask) -> None:
    asof.init_app(app)
    app.add_template_global(exports.export_url, "export_url")  # the list pages' CSV/XLSX links
    app.register_blueprint(pages.bp)
