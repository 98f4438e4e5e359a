"""Fixtures for the pmo-budget plugin's tests (helpers in ``budget_testing``)."""
from __future__ import annotations

import pytest

from budget_testing import PASSWORDS, as_user, make_app, the_pmo


@pytest.fixture
def app():
    """Users admin, manager (of P-1) and viewer with tokens; projects P-1 and P-2; budget on."""
    from core.services import plugins, projects, users

    app = make_app()
    pmo = the_pmo(app)
    tokens = {}
    with as_user("setup", "test fixture"):
        for role, password in PASSWORDS.items():
            user = users.create_user(pmo, role, password, role)
            tokens[role] = users.issue_token(pmo, user.id, "tests")[1]
        p1 = projects.register_project(pmo, "P-1", "Intranet", manager="manager")
        p2 = projects.register_project(pmo, "P-2", "Kiosk", manager="someone-else")
        plugins.enable_plugin(pmo, "budget")
    app.config.update(TOKENS=tokens, P1=p1.id, P2=p2.id)
    yield app
    pmo.close()


@pytest.fixture
def pmo(app):
    return the_pmo(app)
