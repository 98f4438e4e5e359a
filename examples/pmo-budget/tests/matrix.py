"""How this plugin joins PMO Ledger's own permission matrix (``tests/security``): who may call
each of its routes, and a budget on each side's project. Used by that suite only, which
picks it up while the plugin is installed (see ``plugin_matrices`` there)."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from tests.security.matrix import EDIT, PROJECT_SIDES, READ, X, const

import pmo_budget.hooks

PLUGIN = pmo_budget.hooks  # registered in the security tests' app
SIDED_PARAMS = {"project_id": PROJECT_SIDES}

TABLE: dict[str, dict[str, Any]] = {
    "/budget/": {"GET": READ},
    "/budget/<uuid:project_id>": {"GET": READ},
    "/budget/<uuid:project_id>/set": {"GET": EDIT, "POST": X(EDIT, body=const(amount="90000", currency="EUR"))},
    "/budget/<uuid:project_id>/costs/new": {
        "GET": EDIT, "POST": X(EDIT, body=const(amount="100", incurred_on="2031-01-31", description="matrix"))},
    "/api/budgets": {"GET": READ},
    "/api/budgets/<uuid:project_id>": {"GET": READ, "PUT": X(EDIT, body=const(amount=95_000))},
    "/api/budgets/<uuid:project_id>/costs": {
        "GET": READ, "POST": X(EDIT, body=const(amount=100, incurred_on="2031-01-31", description="matrix"))},
}


def seed(pmo, sides: dict[str, dict[str, Any]], text: Callable[[str], str]) -> None:
    """A budget and a cost on each side's project."""
    from pmo_budget import services

    for ids in sides.values():
        if ids["project"]:
            services.set_budget(pmo, ids["project"], 120_000, "EUR")
            services.record_cost(pmo, ids["project"], 30_000, date(2031, 1, 15), text("Supplier invoice"))
