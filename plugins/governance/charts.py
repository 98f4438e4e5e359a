"""Server-rendered SVG for the governance pages: the timeline of gate reviews and their
verdicts (one lane per project), and the attendance of recent meetings. ``Markup.format``
escapes every label; colours are classes plus presentation attributes (no ``style``); each
chart has a title and a text description, and the pages list the same facts as text.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from plugins.governance.domain import label
from plugins.kit import svg

COLOURS = {"go": "#14592a", "go_with_conditions": "#1f5fbf", "no_go": "#b3261e", "hold": "#8a5a00", "": "#5b6474"}
INK = "#1d2330"


def _day(review: dict[str, Any]) -> date:
    return review["decided_on"] or review["planned_on"]


def review_timeline(chart_id: str, reviews: list[dict[str, Any]], href: Callable[[str], str]) -> Markup | None:
    """Each review a marker on its project's lane at its date, coloured by verdict (a hollow
    marker: still open), linking to the review."""
    if not reviews:
        return None
    codes = sorted({r["project_code"] for r in reviews})[:20]
    shown = [r for r in reviews if r["project_code"] in codes]
    days = [_day(r) for r in shown]
    first, last = min(days) - timedelta(days=7), max(days) + timedelta(days=7)
    span = max((last - first).days, 1)
    left, right, top, lane = 110.0, 20.0, 12.0, 28.0
    width, height = 900.0, top + lane * len(codes) + 44
    x = lambda d: left + (width - left - right) * (d - first).days / span  # noqa: E731
    parts = []
    for i, code in enumerate(codes):
        y = top + lane * i + lane / 2
        parts.append(Markup('<text x="{x}" y="{y:.1f}" text-anchor="end" font-size="12" fill="{ink}">{code}</text>'
                            '<line x1="{l}" x2="{r}" y1="{y0:.1f}" y2="{y0:.1f}" stroke="#d8dde6"/>').format(
            x=left - 8, y=y + 4, ink=INK, code=code, l=left, r=width - right, y0=y))
    months = sorted({date(d.year, d.month, 1) for d in (first + timedelta(days=n) for n in range(0, span + 1, 14))
                     if date(d.year, d.month, 1) >= first})
    for m in months[:: max(1, len(months) // 8)]:
        parts.append(Markup('<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="#5b6474" text-anchor="middle">'
                            '{label}</text>').format(x=x(m), y=height - 20, label=m.strftime("%b %Y")))
    for r in sorted(shown, key=_day):
        y = top + lane * codes.index(r["project_code"]) + lane / 2
        colour = COLOURS.get(r["verdict"] or "", COLOURS[""])
        verdict = label(r["verdict"]) if r["verdict"] else "open"
        name = f"{r['project_code']}, gate to {r['to_stage']}: {verdict} ({_day(r)})"
        fill = colour if r["status"] == "decided" else "#ffffff"
        parts.append(Markup('<a href="{href}" class="review-mark verdict-{cls}"><title>{name}</title>'
                            '<circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="{fill}" stroke="{stroke}" '
                            'stroke-width="2"/></a>').format(
            href=href(f"/governance/reviews/{r['id']}"), cls=r["verdict"] or "open", name=name, cx=x(_day(r)),
            cy=y, fill=fill, stroke=colour))
    key_x = left
    for v in ("go", "go_with_conditions", "no_go", "hold"):
        parts.append(Markup('<circle cx="{x}" cy="{y}" r="5" fill="{c}"/><text x="{tx}" y="{ty}" font-size="11" '
                            'fill="{ink}">{t}</text>').format(x=key_x, y=height - 6, c=COLOURS[v], tx=key_x + 9,
                                                              ty=height - 2, ink=INK, t=label(v)))
        key_x += 150
    counts = {v: sum(r["verdict"] == v for r in shown) for v in ("go", "go_with_conditions", "no_go", "hold")}
    desc = (f"{len(shown)} gate reviews of {len(codes)} projects from {first + timedelta(days=7)} to "
            f"{last - timedelta(days=7)}: " + ", ".join(f"{n} {label(v).lower()}" for v, n in counts.items())
            + f", {sum(r['status'] == 'open' for r in shown)} open.")
    return svg(chart_id, "Gate reviews and their verdicts", desc, width, height, Markup("").join(parts),
               "review-timeline", role="group")


def attendance(chart_id: str, meetings: list[dict[str, Any]], href: Callable[[str], str]) -> Markup | None:
    """Bars: how many attended each meeting (oldest left), with the decisions and actions taken."""
    if not meetings:
        return None
    rows = sorted(meetings, key=lambda m: m["held_on"])
    most = max([len(m["attendees"]) for m in rows] + [1])
    left, top, bottom, width = 30.0, 12.0, 46.0, 900.0
    height = 200.0
    slot = (width - left - 10) / len(rows)
    bar = min(slot * 0.6, 48)
    scale = (height - top - bottom) / most
    parts = [Markup('<text x="4" y="{y}" font-size="11" fill="#5b6474">{n}</text>').format(y=top + 10, n=most)]
    for i, m in enumerate(rows):
        n = len(m["attendees"])
        cx = left + slot * i + slot / 2
        h = n * scale
        parts.append(Markup(
            '<a href="{href}"><title>{title} ({day}): {n} attended, {d} decisions, {a} actions</title>'
            '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#1f5fbf"/></a>'
            '<text x="{cx:.1f}" y="{ty:.1f}" font-size="11" text-anchor="middle" fill="{ink}">{n}</text>'
            '<text x="{cx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="middle" fill="#5b6474">{short}</text>'
        ).format(href=href(f"/governance/meetings/{m['id']}"), title=m["title"], day=m["held_on"], n=n,
                 d=m["decisions"], a=m["actions"], x=cx - bar / 2, y=height - bottom - h, w=bar, h=max(h, 1),
                 cx=cx, ty=height - bottom - h - 4, ink=INK, ly=height - bottom + 14,
                 short=m["held_on"].strftime("%d %b %y")))
    desc = "; ".join(f"{m['held_on']}: {len(m['attendees'])} attended" for m in rows)
    return svg(chart_id, "Attendance of recent meetings", desc, width, height, Markup("").join(parts),
               "meeting-attendance", role="group")
