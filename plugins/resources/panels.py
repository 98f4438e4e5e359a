"""What the resources plugin shows on other pages, through the hooks: the project page's
"Team" panel and the dashboard widget. Built as ``Markup`` here, not with templates, so they
render wherever the hook is called; every value is escaped; links keep the page's ``as_of``.
"""
from __future__ import annotations

from datetime import date

from flask import url_for
from markupsafe import Markup

from core.pmo import PMO
from plugins.kit import href
from plugins.resources import capacity as cap
from plugins.resources import queries, workload

SOON = 3  # months ahead the panel and the widget look for over-allocation


def amount(row: dict) -> str:
    return f"{row['percent']}%" if row["percent"] is not None else f"{row['hours_per_month']:g} h/month"


def project_panel(unit: PMO, project: dict, at: int | None, today: date, editable: bool = False) -> dict:
    """Who works on the project (current and coming allocations), what it still asks for, and
    team members booked beyond their capacity in the coming months."""
    code = project.get("code", "")
    team = [a for a in queries.list_allocations(unit, at, project_id=project["id"]) if a["end_date"] >= today]
    wanted = queries.list_demands(unit, at, project_id=project["id"])
    parts = []
    if team:
        rows = Markup("").join(Markup(
            '<tr><th scope="row"><a href="{person}">{name}</a></th><td>{amount}</td><td>{start} – {end}</td></tr>')
            .format(person=href(f"/resources/people/{a['person_id']}"), name=a["person_name"], amount=amount(a),
                    start=a["start_date"], end=a["end_date"]) for a in team)
        parts.append(Markup('<table class="compact resources-team"><caption>Team ({n})</caption><thead><tr>'
                            '<th scope="col">Person</th><th scope="col">Allocation</th><th scope="col">Period</th>'
                            '</tr></thead><tbody>{rows}</tbody></table>').format(n=len(team), rows=rows))
    else:
        parts.append(Markup('<p class="empty">Nobody is allocated to this project now or later.</p>'))
    if wanted:
        items = Markup("").join(Markup('<li>{fte:g} FTE {role}, {start} – {end}</li>').format(
            fte=d["open_fte"], role=d["role"], start=d["start_date"], end=d["end_date"]) for d in wanted)
        parts.append(Markup('<h3>Unfilled demand</h3><ul class="item-list resources-unfilled">{}</ul>').format(items))
    members = {a["person_id"] for a in team}
    months = cap.months(today, SOON)
    over = workload.over_allocations(unit, at, months, members) if members else []
    if over:
        items = Markup("").join(Markup("<li>{}</li>").format(workload.describe(w)) for w in over)
        parts.append(Markup('<div class="notice notice-warning resources-over" role="note"><p>Team members booked '
                            'beyond their capacity:</p><ul>{}</ul></div>').format(items))
    links = [Markup('<a href="{}">Capacity heat map</a>').format(href("/resources/heatmap"))]
    if editable:
        links += [Markup('<a href="{}">Allocate someone</a>').format(url_for("resources.new_allocation", project=code)),
                  Markup('<a href="{}">Ask for a role</a>').format(url_for("resources.new_demand", project=code))]
    parts.append(Markup("<p>{}</p>").format(Markup(" · ").join(links)))
    return {"title": "Team", "html": Markup("").join(parts)}


def dashboard_widget(unit: PMO, at: int | None, today: date) -> Markup:
    """Over-allocations in the coming months and unfilled demand, with links."""
    over = workload.over_allocations(unit, at, cap.months(today, SOON))
    wanted = queries.list_demands(unit, at)
    people = sorted({w["person_name"] for w in over}, key=str.lower)
    named = Markup(", ").join(Markup("{}").format(n) for n in people[:8]) + ("…" if len(people) > 8 else "")
    return Markup(
        '<p><strong>{n_over}</strong> over-allocated person-month{s} in the next {soon} months{who}.</p>'
        '<p><strong>{fte:g}</strong> FTE of demand unfilled ({n_demand} request{s2}).</p>'
        '<p class="meta"><a href="{map}">Heat map</a> · <a href="{warn}">Over-allocations</a> · '
        '<a href="{dem}">Unfilled demand</a></p>'
    ).format(n_over=len(over), s="" if len(over) == 1 else "s", soon=SOON,
             who=Markup(": {}").format(named) if people else "", fte=round(sum(d["open_fte"] for d in wanted), 2),
             n_demand=len(wanted), s2="" if len(wanted) == 1 else "s", map=href("/resources/heatmap"),
             warn=href("/resources/warnings"), dem=href("/resources/demand/"))
