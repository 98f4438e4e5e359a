"""One module per core resource; BLUEPRINTS lists them for ``register_api``.

Every blueprint is mounted at /api; each module's docstring names its URLs. ``_http`` holds
what they share (sign-in and role checks, ETag / If-Match, reasons, documented errors).
List filters are parsed with ``unknown=RAISE``: webargs ignores unknown query parameters by
default, and a misspelt filter would quietly list everything.
"""
from web.api.resources import (
    actions, audit, decisions, imports, ledger, maturity, milestones, plugins, portfolio, programmes,
    projects, status_reports, users,
)

BLUEPRINTS = [
    portfolio.blp, programmes.blp, projects.blp, status_reports.blp, milestones.blp,
    decisions.blp, actions.blp, users.blp, plugins.blp, maturity.blp, ledger.blp, audit.blp, imports.blp,
]
