"""Server-rendered SVG charts: no JavaScript, readable on a projector, a laptop and a phone.

Every chart is a ``markupsafe.Markup`` string built with ``Markup.format``, so each label
and title is escaped. Colours come from CSS classes (``rag-green``, ``bar``...) in
``static/pmo.css``; nothing here writes a ``style`` attribute, so a strict CSP holds.
Each chart is an ``img`` for assistive technology, with a title and a text description;
pages show the same numbers as text next to it.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

RAG_LEVEL = {"green": 0, "amber": 1, "red": 2}


def _svg(chart_id: str, title: str, desc: str, width: float, height: float, body: Markup,
         css: str) -> Markup:
    return Markup(
        '<svg class="chart {css}" viewBox="0 0 {w:g} {h:g}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(css=css, w=width, h=height, id=chart_id, title=title, desc=desc, body=body)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(chart_id: str, title: str, data: Sequence[tuple[str, int]],
              classes: Sequence[str] | None = None) -> Markup:
    """Vertical bars, one per ``(label, value)``, value printed above each bar."""
    width, height, top, bottom, gap = 600.0, 260.0, 28.0, 44.0, 14.0
    peak = max((value for _, value in data), default=0) or 1
    slot = (width - gap) / max(len(data), 1)
    plot = height - top - bottom
    parts = [Markup('<line class="axis" x1="0" y1="{y:g}" x2="{w:g}" y2="{y:g}"/>').format(
        y=height - bottom, w=width)]
    for i, (label, value) in enumerate(data):
        bar_h = plot * value / peak
        x = gap + i * slot
        y = height - bottom - bar_h
        css = classes[i] if classes else "bar"
        parts.append(Markup(
            '<g><title>{label}: {value}</title>'
            '<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="3"/>'
            '<text class="value" x="{cx:.1f}" y="{ty:.1f}" text-anchor="middle">{value}</text>'
            '<text class="label" x="{cx:.1f}" y="{ly:.1f}" text-anchor="middle">{short}</text></g>'
        ).format(label=label, value=value, css=css, x=x, y=y, bw=slot - gap, bh=bar_h,
                 cx=x + (slot - gap) / 2, ty=y - 8, ly=height - bottom + 24, short=_short(label, 12)))
    desc = ", ".join(f"{label}: {value}" for label, value in data)
    return _svg(chart_id, title, desc, width, height, Markup("").join(parts), "bar-chart")


def donut(chart_id: str, title: str, segments: Sequence[tuple[str, int, str]], centre: str = "") -> Markup:
    """A ring split into ``(label, value, css class)`` segments, the total in the middle."""
    total = sum(value for _, value, _ in segments)
    radius = 15.91549  # circumference 100: dash lengths are percentages
    parts = [Markup('<circle class="donut-hole" cx="21" cy="21" r="{r}" fill="none" stroke-width="6"/>')
             .format(r=radius)]
    offset = 25.0  # start at twelve o'clock
    for label, value, css in segments:
        if not value:
            continue
        share = 100.0 * value / total
        parts.append(Markup(
            '<circle class="{css}" cx="21" cy="21" r="{r}" fill="none" stroke-width="6" '
            'stroke-dasharray="{a:.3f} {b:.3f}" stroke-dashoffset="{o:.3f}"><title>{label}: {value}</title></circle>'
        ).format(css=css, r=radius, a=share, b=100 - share, o=offset, label=label, value=value))
        offset -= share
    parts.append(Markup('<text class="donut-total" x="21" y="22" text-anchor="middle" '
                        'dominant-baseline="middle">{total}</text>').format(total=total))
    if centre:
        parts.append(Markup('<text class="donut-caption" x="21" y="28" text-anchor="middle">{c}</text>')
                     .format(c=centre))
    desc = ", ".join(f"{label}: {value}" for label, value, _ in segments) or "no data"
    return _svg(chart_id, title, desc, 42, 42, Markup("").join(parts), "donut")


def rag_trend(chart_id: str, title: str, points: Sequence[tuple[date, str]]) -> Markup:
    """Overall RAG per reporting period, oldest first: green on top, red at the bottom."""
    width, height, left, right, top = 900.0, 150.0, 64.0, 16.0, 16.0
    row = 36.0
    step = (width - left - right) / max(len(points) - 1, 1)
    parts = []
    for rag, level in RAG_LEVEL.items():
        y = top + level * row
        parts.append(Markup('<line class="grid" x1="{l}" y1="{y}" x2="{r}" y2="{y}"/>'
                            '<text class="label" x="0" y="{ty}">{name}</text>')
                     .format(l=left, r=width - right, y=y, ty=y + 5, name=rag.title()))
    xy = [(left + i * step if len(points) > 1 else (left + width - right) / 2,
           top + RAG_LEVEL.get(rag, 1) * row) for i, (_, rag) in enumerate(points)]
    if len(xy) > 1:
        parts.append(Markup('<polyline class="trend" fill="none" points="{p}"/>').format(
            p=" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)))
    for (x, y), (period_end, rag) in zip(xy, points):
        parts.append(Markup('<circle class="rag-{rag}" cx="{x:.1f}" cy="{y:.1f}" r="7">'
                            '<title>{d}: {name}</title></circle>')
                     .format(rag=rag, x=x, y=y, d=period_end.isoformat(), name=rag.title()))
    if points:
        axis_y = top + 2 * row + 30
        parts.append(Markup('<text class="label" x="{x}" y="{y}">{d}</text>').format(
            x=left, y=axis_y, d=points[0][0].isoformat()))
        if len(points) > 1:
            parts.append(Markup('<text class="label" x="{x}" y="{y}" text-anchor="end">{d}</text>').format(
                x=width - right, y=axis_y, d=points[-1][0].isoformat()))
    desc = "; ".join(f"{d.isoformat()}: {rag}" for d, rag in points) or "no published reports"
    return _svg(chart_id, title, desc, width, height, Markup("").join(parts), "rag-trend")


def milestone_timeline(chart_id: str, title: str, milestones: Sequence[dict], today: date,
                       today_label: str = "today") -> Markup:
    """One row per milestone: baseline (open diamond), forecast or actual (dot), slip as a bar.

    ``milestones`` are read-model rows with ``name``, ``baseline_date``, ``forecast_date``,
    ``actual_date`` and ``slippage_days``. ``today`` draws the 'now' line; an as-of page
    passes its day and labels the line 'then'.
    """
    width, left, right, top, row = 900.0, 230.0, 16.0, 24.0, 30.0
    height = top + row * max(len(milestones), 1) + 24
    days = [d for m in milestones for d in (m["baseline_date"], m["forecast_date"]) if d] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(d: date) -> float:
        return left + (width - left - right) * (d - first).days / span

    parts = [Markup('<line class="today" x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{y:.1f}"/>'
                    '<text class="label" x="{x:.1f}" y="{ty:.1f}" text-anchor="middle">{label}</text>')
             .format(x=x(today), y=height - 18, ty=height - 4, label=today_label)]
    for i, m in enumerate(milestones):
        y = top + i * row
        slip = m["slippage_days"]
        # Late: behind its baseline, or its forecast has passed without it being achieved.
        if m["actual_date"]:
            state = "met"
        else:
            state = "late" if slip > 0 or m["forecast_date"] < today else "on-track"
        parts.append(Markup('<text class="label" x="0" y="{ty:.1f}">{name}</text>').format(
            ty=y + 5, name=_short(m["name"], 30)))
        if slip:
            x1, x2 = sorted((x(m["baseline_date"]), x(m["forecast_date"])))
            parts.append(Markup('<rect class="slip slip-{s}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="6"/>')
                         .format(s="late" if slip > 0 else "early", x=x1, y=y - 3, w=max(x2 - x1, 1)))
        bx = x(m["baseline_date"])
        parts.append(Markup(
            '<path class="baseline" d="M{a:.1f} {y:.1f} l6 6 l-6 6 l-6 -6 z"><title>{name}: baseline {d}</title></path>'
        ).format(a=bx, y=y - 6, name=m["name"], d=m["baseline_date"].isoformat()))
        what = "achieved" if m["actual_date"] else "forecast"
        parts.append(Markup(
            '<circle class="ms-{state}" cx="{x:.1f}" cy="{y:.1f}" r="6">'
            '<title>{name}: {what} {d} ({slip:+d} days)</title></circle>'
        ).format(state=state, x=x(m["forecast_date"]), y=y, name=m["name"], what=what,
                 d=m["forecast_date"].isoformat(), slip=slip))
    desc = "; ".join(
        f"{m['name']}: baseline {m['baseline_date'].isoformat()}, "
        f"{'achieved' if m['actual_date'] else 'forecast'} {m['forecast_date'].isoformat()}, "
        f"slippage {m['slippage_days']} days" for m in milestones) or "no milestones"
    return _svg(chart_id, title, desc, width, height, Markup("").join(parts), "timeline")

