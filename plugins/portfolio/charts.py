"""Server-rendered SVG of the portfolio pages: the ranking as horizontal bars of weighted
score (0-5), must-do projects marked. Labels are escaped by ``Markup.format``; the page shows
the numbers as a table too.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from plugins.kit import svg

BAR, MUST = "#2f5d9a", "#8a4b08"


def ranking(chart_id: str, rows: list[dict[str, Any]]) -> Markup:
    """One bar per project, best first, its length the weighted score on a 0-5 scale."""
    left, right, row_h, top = 170.0, 60.0, 22.0, 8.0
    width = 760.0
    height = top * 2 + row_h * max(len(rows), 1)
    scale = (width - left - right) / 5
    parts = []
    for n, r in enumerate(rows):
        y = top + n * row_h
        colour, mark = (MUST, " (must do)") if r["must_do"] else (BAR, "")
        parts.append(Markup(
            '<g class="bar"><text x="{lx:g}" y="{ty:g}" text-anchor="end" font-size="12" fill="#1d2330">{label}</text>'
            '<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{c}"></rect>'
            '<text x="{vx:g}" y="{ty:g}" font-size="12" fill="#1d2330">{value:.2f}{mark}</text></g>'
        ).format(lx=left - 6, ty=y + row_h * 0.65, label=f"{r['rank']}. {r['code']}", x=left, y=y + 3,
                 w=max(r["weighted"] * scale, 1), h=row_h - 6, c=colour, vx=left + r["weighted"] * scale + 4,
                 value=r["weighted"], mark=mark))
    desc = "; ".join(f"{r['rank']}. {r['code']} {r['weighted']:.2f}" for r in rows) or "No projects to rank."
    return svg(chart_id, "Projects by weighted score (0 to 5)", desc, width, height, Markup("").join(parts),
               "portfolio-ranking")
