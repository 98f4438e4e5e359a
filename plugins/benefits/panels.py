"""What the benefits plugin shows on other pages, through the hooks: the project page's
closure panel and the dashboard widget. Built as ``Markup`` here, so they render wherever
the hook is called; every value is escaped; links keep the page's ``as_of``.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup

from core.pmo import PMO
from plugins.benefits import queries
from plugins.kit import href

STATE_RAG = {"not measured": "none", "on track": "green", "at risk": "red", "realised": "green"}


def badge(row: dict) -> Markup:
    if row["status"] == "closed":
        return Markup('<span class="rag rag-none benefit-state">Closed ({})</span>').format(
            (row["outcome"] or "").replace("_", " "))
    return Markup('<span class="rag rag-{rag} benefit-state state-{cls}">{label}</span>').format(
        rag=STATE_RAG[row["state"]], cls=row["state"].replace(" ", "-"), label=row["state"].capitalize())


def _value(v: float | None, unit: str) -> str:
    return "–" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


def project_panel(unit: PMO, project: dict, at: int | None, today: date) -> dict:
    """The benefits the project enables. Once the project is closed this is the closure list:
    each benefit stays open, with the named person who measures it after the project."""
    rows = queries.project_benefits(unit, project["id"], at, today)
    closed = project.get("stage") == "closed"
    parts = []
    if closed and rows:
        parts.append(Markup('<p class="notice benefits-closure" role="note">The project is closed. Its benefits '
                            'stay open and are measured after the project by the people named below.</p>'))
    if rows:
        body = Markup("").join(Markup(
            '<tr><th scope="row"><a href="{href}">{ref}</a> {title}</th><td>{badge}</td><td>{latest}</td>'
            '<td>{target} by {target_date}</td><td class="measured-by">{who}{handed}</td></tr>').format(
            href=href(f"/benefits/{b['id']}"), ref=b["ref"], title=b["title"], badge=badge(b),
            latest=_value(b["latest_value"], b["unit"]), target=_value(b["target_value"], b["unit"]),
            target_date=b["target_date"], who=b["measured_by"],
            handed=Markup(' <span class="meta">(after the project)</span>') if b["handed_over"] else "")
            for b in rows)
        caption = "Benefits to measure after closure" if closed else "Benefits this project enables"
        parts.append(Markup('<div class="table-wrap"><table class="compact benefits-panel"><caption>{c} ({n})</caption><thead><tr>'
                            '<th scope="col">Benefit</th><th scope="col">State</th><th scope="col">Latest</th>'
                            '<th scope="col">Target</th><th scope="col">Measured by</th></tr></thead>'
                            '<tbody>{body}</tbody></table></div>').format(c=caption, n=len(rows), body=body))
    else:
        parts.append(Markup('<p class="empty">No benefits are linked to this project.</p>'))
    parts.append(Markup('<p><a href="{a}">Benefits register</a> · <a href="{b}">Benefit map</a></p>').format(
        a=href(f"/benefits/?project={project.get('code', '')}"), b=href("/benefits/map")))
    return {"title": "Benefits" + (" after closure" if closed else ""), "html": Markup("").join(parts)}


def dashboard_widget(unit: PMO, at: int | None, today: date) -> Markup:
    """Open benefits by state, the ones at risk named."""
    rows = queries.list_benefits(unit, at, today, status="open")
    counts = {s: sum(r["state"] == s for r in rows) for s in STATE_RAG}
    at_risk = [r for r in rows if r["at_risk"]]
    items = Markup("").join(Markup('<li><a href="{href}">{n} {label}</a></li>').format(
        href=href(f"/benefits/?state={s.replace(' ', '+')}"), n=n, label=s) for s, n in counts.items())
    risky = Markup("").join(Markup('<li><a href="{href}">{ref} {title}</a></li>').format(
        href=href(f"/benefits/{r['id']}"), ref=r["ref"], title=r["title"]) for r in at_risk[:8])
    return Markup('<ul class="legend benefit-states">{items}</ul>{risky}<p class="meta"><a href="{o}">Overview '
                  'per objective</a> · <a href="{m}">Benefit map</a></p>').format(
        items=items, risky=Markup('<h3>At risk</h3><ul class="item-list">{}</ul>').format(risky) if risky else "",
        o=href("/benefits/overview"), m=href("/benefits/map"))
