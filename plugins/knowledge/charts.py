"""Server-rendered SVG for the knowledge pages: lessons per category, endorsed and not.

``Markup.format`` escapes every label; each bar links to the list filtered by its category
(so the chart is a ``group``, not an ``img``), and the page shows the numbers as a table too.
"""
from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from plugins.kit import svg

ENDORSED, PROPOSED = "#1f5fbf", "#9cb8e6"


def per_category(chart_id: str, counts: list[tuple[str, int, int]], link: Callable[[str], str]) -> Markup:
    """Horizontal bars, one per category: endorsed lessons (dark) and proposed ones (light)."""
    row, left, right, top = 30.0, 170.0, 60.0, 8.0
    width = 720.0
    height = top * 2 + row * max(len(counts), 1) + 24
    most = max((n for _, n, _ in counts), default=1) or 1
    scale = (width - left - right) / most
    parts = []
    for i, (category, n, endorsed) in enumerate(counts):
        y = top + i * row
        parts.append(Markup(
            '<a href="{href}"><text class="label" x="{lx}" y="{ty:.1f}" text-anchor="end">{cat}</text>'
            '<rect class="bar-endorsed" x="{x}" y="{y:.1f}" width="{we:.1f}" height="{h}" fill="{ce}"/>'
            '<rect class="bar-proposed" x="{xp:.1f}" y="{y:.1f}" width="{wp:.1f}" height="{h}" fill="{cp}"/>'
            '<text class="value" x="{vx:.1f}" y="{ty:.1f}">{n}</text>'
            '<title>{cat}: {n} lessons, {e} endorsed</title></a>').format(
            href=link(category), lx=left - 8, ty=y + row * 0.62, cat=category, x=left, y=y + 4, we=endorsed * scale,
            h=row - 8, ce=ENDORSED, xp=left + endorsed * scale, wp=(n - endorsed) * scale, cp=PROPOSED,
            vx=left + n * scale + 6, n=n, e=endorsed))
    legend_y = top + row * max(len(counts), 1) + 14
    parts.append(Markup(
        '<rect x="{x}" y="{y}" width="12" height="12" fill="{ce}"/><text class="label" x="{x2}" y="{ty}">endorsed</text>'
        '<rect x="{x3}" y="{y}" width="12" height="12" fill="{cp}"/><text class="label" x="{x4}" y="{ty}">proposed</text>'
    ).format(x=left, y=legend_y - 10, x2=left + 18, ty=legend_y, ce=ENDORSED, cp=PROPOSED, x3=left + 110,
             x4=left + 128))
    total = sum(n for _, n, _ in counts)
    desc = "; ".join(f"{c}: {n} ({e} endorsed)" for c, n, e in counts) or "no lessons"
    return svg(chart_id, "Lessons per category", f"{total} lessons that are not retired. {desc}.", width, height,
               Markup("").join(parts), "bar-chart lessons-chart", role="group")
