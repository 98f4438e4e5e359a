"""The governance panel on a project's page: its gate reviews and the meetings that discussed
it, as of the page's moment."""
from __future__ import annotations

from flask import has_request_context
from markupsafe import Markup

from core.pmo import PMO
from plugins import kit
from plugins.governance import queries
from plugins.governance.domain import label


def project_panel(pmo: PMO, project: dict, as_of: int | None) -> dict:
    reviews = queries.list_reviews(pmo, as_of, project_id=project["id"])
    meetings = queries.list_meetings(pmo, as_of, project_id=project["id"])[:5]
    items = [Markup('<li><a href="{href}">Gate to {stage}</a> <span class="meta">{verdict} · {day}</span></li>').format(
        href=kit.href(f"/governance/reviews/{r['id']}"), stage=r["to_stage"],
        verdict=label(r["verdict"]) if r["verdict"] else "open", day=r["decided_on"] or r["planned_on"])
        for r in reviews]
    items += [Markup('<li><a href="{href}">{title}</a> <span class="meta">meeting · {day}</span></li>').format(
        href=kit.href(f"/governance/meetings/{m['id']}"), title=m["title"], day=m["held_on"]) for m in meetings]
    body = (Markup('<ul class="item-list">{}</ul>').format(Markup("").join(items)) if items
            else Markup('<p class="empty">No gate reviews or governance meetings yet.</p>'))
    may_open = as_of is None and has_request_context() and queries.may_prepare(pmo, kit.user(), project)
    link = Markup('<p><a href="{}">Open a gate review</a></p>').format(
        kit.href(f"/governance/reviews/new?project={project['code']}")) if may_open else Markup("")
    return {"title": "Governance", "html": body + link}
