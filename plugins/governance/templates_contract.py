"""The one thing governance reads from the knowledge plugin: which template (and version) a
project was made from, and that version's checklists and whether it asks for gate reviews.

``plugins.knowledge.queries.project_template(pmo, project_id, at)`` is the contract; it answers
None for a project not made from a template, else ``{"template_id", "template_name", "version",
"gate_reviews_required", "checklists": {"approved": [...], "active": [...], "closed": [...]}}``.
Imported when asked, not at start-up: the knowledge plugin's modules load after this one's.
"""
from __future__ import annotations

import uuid
from typing import Any

from core.pmo import PMO


def project_template(pmo: PMO, project_id: uuid.UUID, at: int | None = None) -> dict[str, Any] | None:
    from plugins.knowledge import queries as knowledge

    return knowledge.project_template(pmo, project_id, at)
