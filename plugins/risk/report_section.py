"""The risk register's section of a printed status report (``report_sections`` hook): the
project's top open risks as a table for paper, levels as words (a greyscale copy still reads
them), and a line of counts. Built as escaped ``Markup``, with no links (it goes to a PDF).
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup

from core.pmo import PMO
from plugins.risk import queries
from plugins.risk.panels import badge

TOP = 5


def top_risks(unit: PMO, project: dict, at: int | None, today: date) -> dict:
    """``{"title", "html"}``: the project's highest-scored open risks as of ``at``."""
    s = queries.project_summary(unit, project["id"], at, today, top=TOP)
    if s["top"]:
        rows = Markup("").join(Markup(
            "<tr><td class=\"nowrap\">{ref}</td><th scope=\"row\">{title}</th><td>{level}</td><td class=\"num\">{score}</td>"
            "<td>{owner}</td><td>{response}</td><td class=\"nowrap\">{review}</td></tr>").format(
                ref=r["ref"], title=r["title"], level=badge(r["level"]), score=r["score"] or "–",
                owner=r["owner"] or "–", response=(r["strategy"] or "–").title(),
                review=Markup("<strong>overdue since {}</strong>").format(r["review_date"]) if r["review_due"]
                else (r["review_date"] or "–")) for r in s["top"])
        table = Markup(
            '<table class="risks"><thead><tr><th scope="col">Ref</th><th scope="col">Risk</th>'
            '<th scope="col">Level</th><th scope="col">Score</th><th scope="col">Owner</th>'
            '<th scope="col">Response</th><th scope="col">Review</th></tr></thead><tbody>{}</tbody></table>'
        ).format(rows)
    else:
        table = Markup('<p class="empty">No open risks.</p>')
    facts = Markup("<p class=\"meta\">{open} open risk(s), the {shown} highest-scored shown · {critical} critical · "
                   "{due} review(s) overdue · {mitigations} mitigation action(s) overdue · {issues} open issue(s)</p>"
                   ).format(open=s["open"], shown=min(s["open"], TOP), critical=len(s["critical"]),
                            due=len(s["review_due"]), mitigations=s["overdue_mitigations"], issues=len(s["issues"]))
    return {"title": "Top risks", "html": table + facts}
