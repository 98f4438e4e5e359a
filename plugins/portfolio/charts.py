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


RAG_FILL = {"red": "#b3261e", "amber": "#e0a526", "green": "#2e7d46", "none": "#c3c9d3"}
RAG_INK = {"red": "#ffffff", "amber": "#1d2330", "green": "#ffffff", "none": "#1d2330"}
RAG_LETTER = {"red": "R", "amber": "A", "green": "G", "none": "–"}


def rag_by_programme(chart_id: str, rows: list[dict[str, Any]]) -> Markup:
    """One stacked bar per programme: its open projects by the RAG of their latest published
    report. Each segment carries its letter and count (R 2), so it reads without colour."""
    left, right, row_h, top = 190.0, 30.0, 30.0, 34.0
    width = 760.0
    height = top + row_h * max(len(rows), 1) + 8
    most = max((r["projects"] for r in rows), default=1) or 1
    scale = (width - left - right) / most
    parts = []
    for n, rag in enumerate(("red", "amber", "green", "none")):
        parts.append(Markup('<rect x="{x:g}" y="6" width="14" height="14" fill="{f}"></rect>'
                            '<text x="{tx:g}" y="18" font-size="12" fill="#1d2330">{letter} {label}</text>').format(
            x=left + n * 130, f=RAG_FILL[rag], tx=left + n * 130 + 19, letter=RAG_LETTER[rag],
            label="no report" if rag == "none" else rag))
    for i, r in enumerate(rows):
        y, x = top + i * row_h, left
        parts.append(Markup('<text x="{lx:g}" y="{ty:g}" text-anchor="end" font-size="12" fill="#1d2330">{label}</text>')
                     .format(lx=left - 6, ty=y + row_h * 0.6, label=f"{r['code'] or '–'} {r['name']}"[:28]))
        for rag in ("red", "amber", "green", "none"):
            count = r["rag"][rag]
            if not count:
                continue
            w = count * scale
            parts.append(Markup(
                '<g class="segment rag-{rag}"><title>{title}</title><rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" '
                'fill="{f}" stroke="#ffffff"></rect><text x="{tx:g}" y="{ty:g}" text-anchor="middle" font-size="12" '
                'fill="{ink}">{letter} {count}</text></g>').format(
                rag=rag, title=f"{r['name']}: {count} {rag}", x=x, y=y + 4, w=w, h=row_h - 8, f=RAG_FILL[rag],
                tx=x + w / 2, ty=y + row_h * 0.6, ink=RAG_INK[rag], letter=RAG_LETTER[rag], count=count))
            x += w
    desc = "; ".join(f"{r['code'] or 'no programme'}: " + ", ".join(f"{r['rag'][k]} {k}" for k in RAG_FILL)
                     for r in rows) or "No open projects."
    return svg(chart_id, "Open projects by RAG status, per programme", desc, width, height,
               Markup("").join(parts), "portfolio-rollup")


def compare_months(chart_id: str, months: list[dict[str, Any]]) -> Markup:
    """Cost per month of the live selection (solid) and the scenario's (hatched outline)."""
    left, bottom, top, right = 70.0, 46.0, 30.0, 16.0
    width, height = 760.0, 260.0
    pw, ph = width - left - right, height - top - bottom
    biggest = max((max(m["live_cost"], m["scenario_cost"]) for m in months), default=0.0) or 1.0
    slot = pw / max(len(months), 1)
    bar = max(min(slot * 0.38, 28.0), 2.0)
    parts = [Markup('<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f6e7d2"></rect><line x1="0" y1="0" '
                    'x2="0" y2="6" stroke="#8a4b08" stroke-width="2"></line></pattern></defs>'
                    '<rect x="{l:g}" y="6" width="14" height="14" fill="{bar}"></rect><text x="{l2:g}" y="18" '
                    'font-size="12" fill="#1d2330">live (solid)</text><rect x="{l3:g}" y="6" width="14" height="14" '
                    'fill="url(#{id}-hatch)" stroke="#8a4b08"></rect><text x="{l4:g}" y="18" font-size="12" '
                    'fill="#1d2330">scenario (hatched)</text>').format(
        id=chart_id, l=left, l2=left + 19, l3=left + 130, l4=left + 149, bar=BAR)]
    parts.append(Markup('<line x1="{l:g}" y1="{b:g}" x2="{r:g}" y2="{b:g}" stroke="#9aa3b2"></line>'
                        '<text x="{lx:g}" y="{ty:g}" text-anchor="end" font-size="11" fill="#5a6372">{top}</text>').format(
        l=left, r=left + pw, b=top + ph, lx=left - 4, ty=top + 8, top=f"{biggest:,.0f}"))
    for n, m in enumerate(months):
        x = left + n * slot + (slot - 2 * bar) / 2
        for k, (key, fill) in enumerate((("live_cost", BAR), ("scenario_cost", f"url(#{chart_id}-hatch)"))):
            h = ph * m[key] / biggest
            parts.append(Markup('<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{f}" stroke="{s}">'
                                '<title>{t}</title></rect>').format(
                x=x + k * bar, y=top + ph - h, w=bar, h=max(h, 0.5), f=fill, s="#8a4b08" if k else BAR,
                t=f"{m['month']} {'scenario' if k else 'live'}: {m[key]:,.0f}"))
        if len(months) <= 18 or n % 3 == 0:
            parts.append(Markup('<text x="{x:g}" y="{y:g}" text-anchor="middle" font-size="10" fill="#5a6372">{m}</text>')
                         .format(x=left + n * slot + slot / 2, y=top + ph + 14, m=m["month"]))
    desc = "; ".join(f"{m['month']} live {m['live_cost']:,.0f}, scenario {m['scenario_cost']:,.0f}" for m in months) \
        or "No selected project has both a start and an end date."
    return svg(chart_id, "Cost per month, live against the scenario", desc, width, height, Markup("").join(parts),
               "portfolio-compare")
