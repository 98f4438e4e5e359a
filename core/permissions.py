"""Who may do what. Plain rules over a user's role and a project's manager; no Flask.

admin  manages users, plugins and settings, and (for the one-person PMO) edits everything
pmo    edits everything in the PMO
manager edits the projects they manage (and their reports, milestones, decisions, actions)
viewer reads
auditor reads everything, including the raw ledger; writes nothing
"""
from __future__ import annotations

from typing import Any

READ_ROLES = ("admin", "pmo", "manager", "viewer", "auditor")
EDIT_ALL = ("admin", "pmo")


def can_read(user: Any) -> bool:
    return user is not None and user.role in READ_ROLES


def can_administer(user: Any) -> bool:
    return user is not None and user.role == "admin"


def can_audit(user: Any) -> bool:
    return user is not None and user.role in ("admin", "auditor")


def can_edit_portfolio(user: Any) -> bool:
    """Portfolio, programmes, and items that belong to no project."""
    return user is not None and user.role in EDIT_ALL


def can_edit_project(user: Any, project: dict | None) -> bool:
    """Edit a project and what hangs off it; ``project`` None means 'create a new one'."""
    if user is None:
        return False
    if user.role in EDIT_ALL:
        return True
    if user.role == "manager":
        return project is None or project.get("manager") == user.username
    return False
