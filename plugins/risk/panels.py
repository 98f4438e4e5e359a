"""What the risk register shows on other pages, through the hooks: the project page's panel
(critical risks first, as an alert) and the dashboard widget. Built as ``Markup`` here, not
with templates, so they render wherever the hook is called; every value is escaped.
Links keep the page's ``as_of``.
"""
from __future__ import annotations

from datetime import date

from flask import url_for
from markupsafe import Markup

from core import queries as core_queries
from core.pmo import PMO
from plugins.kit import href as _href  # a link that keeps the page's moment
from plugins.risk import queries

LEVEL_RAG = {"low": "green", "medium": "amber", "high": "red", "critical": "red"}


def badge(level: str | None) -> Markup:
    if not level:
        return Markup('<span class="rag rag-none">Not assessed</span>')
    return Markup('<span class="rag rag-{rag} risk-level-{level}">{label}</span>').format(
        rag=LEVEL_RAG[level], level=level, label=level.title())


def project_panel(unit: PMO, project: dict, at: int | None, today: date, editable: bool = False) -> dict:
    """Top risks of a project; an open critical risk is shown first, as an alert, and marks the
    panel ``prominent`` (for a project page that can show such panels at the top)."""
    s = queries.project_summary(unit, project["id"], at, today)
    code = project.get("code") or (core_queries.get_project(unit, project["id"], at=at) or {}).get("code", "")
    parts = []
    if s["critical"]:
        items = Markup("").join(Markup('<li><a href="{href}">{ref} {title}</a> (score {score})</li>').format(
            href=_href(f"/risks/{r['id']}"), ref=r["ref"], title=r["title"], score=r["score"]) for r in s["critical"])
        parts.append(Markup('<div class="notice notice-error risk-flag" role="alert"><h3>Critical risk: '
                            '{code} is flagged</h3><ul>{items}</ul></div>').format(code=code, items=items))
    if s["top"]:
        rows = Markup("").join(Markup(
            '<tr><th scope="row"><a href="{href}">{ref}</a> {title}</th><td>{badge}</td><td>{score}</td>'
            '<td>{owner}</td><td>{review}</td></tr>').format(
                href=_href(f"/risks/{r['id']}"), ref=r["ref"], title=r["title"], badge=badge(r["level"]), score=r["score"] or "–",
                owner=r["owner"], review=Markup('<strong class="slip-late">review due</strong>')
                if r["review_due"] else (r["review_date"] or "–")) for r in s["top"])
        parts.append(Markup('<table class="compact"><caption>Top risks ({n} open)</caption><thead><tr>'
                            '<th scope="col">Risk</th><th scope="col">Level</th><th scope="col">Score</th>'
                            '<th scope="col">Owner</th><th scope="col">Review</th></tr></thead><tbody>{rows}'
                            '</tbody></table>').format(n=s["open"], rows=rows))
    else:
        parts.append(Markup('<p class="empty">No open risks.</p>'))
    facts = [f"{len(s['review_due'])} review(s) due", f"{s['overdue_mitigations']} mitigation action(s) overdue",
             f"{len(s['issues'])} open issue(s)"]
    parts.append(Markup('<p class="meta">{}</p>').format(" · ".join(facts)))
    parts.append(Markup('<p><a href="{a}">Risk register</a> · <a href="{b}">Heat map</a> · <a href="{c}">Issues</a>'
                        '{new}</p>').format(
        a=_href(f"/risks/?project={code}"), b=_href(f"/risks/heatmap?project={code}"),
        c=_href(f"/risks/issues/?project={code}"),
        new=Markup(' · <a href="{}">Identify a risk</a>').format(url_for("risk.new", project=code)) if editable else ""))
    return {"title": "Risks and issues", "html": Markup("").join(parts), "prominent": bool(s["critical"])}


def dashboard_widget(unit: PMO, at: int | None, today: date) -> Markup:
    """Open risks by level, critical ones named, reviews due, open issues: counted by the
    database, so the widget costs the same for forty risks or forty thousand."""
    s = queries.dashboard_counts(unit, at, today)
    items = Markup("").join(Markup('<li>{badge} <a href="{href}">{n} open</a></li>').format(
        badge=badge(level), href=_href(f"/risks/?level={level}"), n=n) for level, n in reversed(s["by_level"].items()))
    crit = Markup("").join(Markup('<li><a href="{href}">{where} {ref}: {title}</a></li>').format(
        href=_href(f"/risks/{r['id']}"), where=r["where"], ref=r["ref"], title=r["title"]) for r in s["critical"])
    more = s["by_level"]["critical"] - len(s["critical"])
    if more > 0:
        crit += Markup('<li><a href="{href}">{n} more critical</a></li>').format(
            href=_href("/risks/?level=critical"), n=more)
    return Markup(
        '<ul class="legend risk-levels">{items}</ul>{crit}<p class="meta">{due} review(s) due · {issues} open '
        'issue(s) · <a href="{map}">Portfolio heat map</a> · <a href="{due_href}">Reviews due</a></p>'
    ).format(map=_href("/risks/heatmap"), due_href=_href("/risks/review-due"), items=items,
             crit=Markup('<h3>Critical</h3><ul class="item-list">{}</ul>').format(crit) if crit else "",
             due=s["review_due"], issues=s["issues"])
