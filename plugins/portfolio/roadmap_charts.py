"""Server-rendered SVG of the roadmap: the Gantt by programme and the value/risk bubbles.

Both read without colour: a bar's stage is written beside its code and drawn with its own
outline (dashed for ideas, dotted for proposals, hatched for cancelled), milestones are
diamonds (filled: achieved, hollow: open, with a "!" when slipping), and every bar and bubble
is a link to its project with a ``<title>``. Labels are escaped by ``Markup.format``.
"""
from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, Callable

from markupsafe import Markup

from plugins.kit import svg

STAGES = {  # fill, outline dash, text colour on the fill
    "idea": ("#dfe6f1", "4 3", "#1d2330"),
    "proposed": ("#a9c3e6", "1 3", "#1d2330"),
    "approved": ("#5b8fd0", "", "#ffffff"),
    "active": ("#1f4f8a", "", "#ffffff"),
    "closed": ("#8a929e", "", "#ffffff"),
    "cancelled": ("url(#{id}-hatch)", "6 2", "#1d2330"),
}
INK, MUTED, LATE, TODAY = "#1d2330", "#5a6372", "#b3261e", "#8a4b08"


def _defs(chart_id: str) -> Markup:
    """The hatching of cancelled projects, named after the chart (ids are unique on a page)."""
    return Markup('<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                  'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3d6d3"></rect>'
                  '<line x1="0" y1="0" x2="0" y2="6" stroke="#b3261e" stroke-width="2"></line></pattern></defs>'
                  ).format(chart_id)


def _style(stage: str, chart_id: str) -> tuple[str, str, str]:
    fill, dash, text = STAGES.get(stage, STAGES["idea"])
    return fill.format(id=chart_id), dash, text


def _legend(x: float, y: float, chart_id: str) -> Markup:
    parts = []
    for n, stage in enumerate(STAGES):
        fill, dash, _ = _style(stage, chart_id)
        lx = x + n * 112
        parts.append(Markup(
            '<g class="legend-item"><rect x="{x:g}" y="{y:g}" width="18" height="12" fill="{f}" stroke="{ink}" '
            'stroke-dasharray="{d}"></rect><text x="{tx:g}" y="{ty:g}" font-size="12" fill="{ink}">{s}</text></g>'
        ).format(x=lx, y=y, f=fill, ink=INK, d=dash or "none", tx=lx + 23, ty=y + 11, s=stage))
    mx = x + len(STAGES) * 112
    parts.append(Markup(
        '<g class="legend-item"><polygon points="{a}" fill="{ink}"></polygon><text x="{t1:g}" y="{ty:g}" font-size="12" '
        'fill="{ink}">met</text><polygon points="{b}" fill="#fff" stroke="{ink}"></polygon><text x="{t2:g}" y="{ty:g}" '
        'font-size="12" fill="{ink}">open</text></g>').format(
        a=_diamond(mx + 6, y + 6, 6), b=_diamond(mx + 50, y + 6, 6), t1=mx + 15, t2=mx + 59, ty=y + 11, ink=INK))
    return Markup("").join(parts)


def _diamond(cx: float, cy: float, r: float) -> str:
    return f"{cx:g},{cy - r:g} {cx + r:g},{cy:g} {cx:g},{cy + r:g} {cx - r:g},{cy:g}"


def _ticks(first: date, last: date, most: int = 12) -> list[date]:
    """Month starts every 1, 2, 3, 6 or 12 months: the smallest step that gives at most
    ``most`` labels, so they never run into each other."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6) if months / s <= most), 12)
    m = date(first.year, ((first.month - 1) // step) * step + 1, 1)
    ticks = []
    while m <= last:
        ticks.append(m)
        n = m.month - 1 + step
        m = date(m.year + n // 12, n % 12 + 1, 1)
    return ticks


def gantt(chart_id: str, data: dict[str, Any], today: date, href: Callable[[str], str]) -> Markup:
    """One row per project, grouped under its programme, from start to end (and on to the
    latest milestone forecast when that is later); milestones as diamonds; a today line."""
    width, left, right, top, row_h = 1000.0, 230.0, 20.0, 58.0, 26.0
    rows = sum(1 + len(g["projects"]) for g in data["programmes"])
    height = top + row_h * max(rows, 1) + 12
    if data["first"] is None:
        desc = "No project has dates or milestones yet."
        return svg(chart_id, "Portfolio roadmap", desc, width, 80, Markup(
            '<text x="20" y="40" font-size="14" fill="{}">{}</text>').format(INK, desc), "portfolio-roadmap")
    first = min(data["first"], today) - timedelta(days=7)
    last = max(data["last"], today) + timedelta(days=7)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    parts = [_defs(chart_id), _legend(left, 6, chart_id)]
    shown = [tick for tick in _ticks(first, last) if tick >= first]
    for i, tick in enumerate(shown):
        # The year only where it changes: "Nov 2026 Dec Jan 2027 Feb" reads at a glance.
        label = tick.strftime("%b %Y") if i == 0 or tick.month <= shown[i - 1].month else tick.strftime("%b")
        parts.append(Markup('<g class="tick"><line x1="{x:g}" y1="{y1:g}" x2="{x:g}" y2="{y2:g}" stroke="#d8dde6">'
                            '</line><text x="{tx:g}" y="{ty:g}" font-size="11" fill="{m}">{label}</text></g>').format(
            x=x(tick), y1=top - 8, y2=height - 6, tx=x(tick) + 2, ty=top - 12, m=MUTED, label=label))
    y = top
    said = []
    for group in data["programmes"]:
        parts.append(Markup('<text class="programme" x="8" y="{y:g}" font-size="13" font-weight="700" fill="{ink}">'
                            '{code}{sep}{name}</text>').format(y=y + row_h * 0.7, ink=INK, code=group["code"],
                                                                sep=" · " if group["code"] else "", name=group["name"]))
        y += row_h
        for p in group["projects"]:
            fill, dash, _ = _style(p["stage"], chart_id)
            bx, bw = x(p["start"]), max(x(p["end"]) - x(p["start"]), 3)
            extra = Markup("")
            title = f"{p['code']} {p['name']}: {p['stage']}, {p['start']:%d %b %Y} to {p['end']:%d %b %Y}"
            if p["forecast_end"]:
                title += f", forecast to {p['forecast_end']:%d %b %Y}"
                extra = Markup('<rect class="forecast" x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="none" '
                               'stroke="{late}" stroke-dasharray="3 2"></rect>').format(
                    x=bx + bw, y=y + 6, w=max(x(p["forecast_end"]) - bx - bw, 1), h=row_h - 12, late=LATE)
            marks = Markup("").join(Markup(
                '<g class="milestone"><title>{t}</title><polygon points="{pts}" fill="{f}" stroke="{s}" '
                'stroke-width="1.5"></polygon>{warn}</g>').format(
                t=f"{m['name']}: {'met' if m['achieved'] else 'forecast'} {m['date']:%d %b %Y}"
                  + (f" (baseline {m['baseline']:%d %b %Y})" if m["slipping"] else ""),
                pts=_diamond(x(m["date"]), y + row_h / 2, 6), f=INK if m["achieved"] else "#ffffff",
                s=LATE if m["slipping"] else INK,
                warn=Markup('<text x="{:g}" y="{:g}" font-size="12" font-weight="700" fill="{}">!</text>').format(
                    x(m["date"]) + 7, y + row_h / 2 - 3, LATE) if m["slipping"] else "")
                for m in p["milestones"])
            parts.append(Markup(
                '<a href="{href}" class="bar" data-code="{code}"><title>{title}</title>'
                '<text x="{lx:g}" y="{ty:g}" font-size="12" fill="{ink}">{code} ({stage})</text>'
                '<rect x="{bx:g}" y="{by:g}" width="{bw:g}" height="{bh:g}" rx="2" fill="{fill}" stroke="{ink}" '
                'stroke-dasharray="{dash}"></rect>{extra}</a>{marks}').format(
                href=href(p["code"]), code=p["code"], title=title, lx=18, ty=y + row_h * 0.68, ink=INK,
                stage=p["stage"], bx=bx, by=y + 5, bw=bw, bh=row_h - 10, fill=fill, dash=dash or "none",
                extra=extra, marks=marks))
            said.append(f"{p['code']} {p['stage']} {p['start']:%b %Y}-{(p['forecast_end'] or p['end']):%b %Y}")
            y += row_h
    tx = x(today)
    parts.append(Markup('<g class="today"><line x1="{x:g}" y1="{y1:g}" x2="{x:g}" y2="{y2:g}" stroke="{c}" '
                        'stroke-width="2" stroke-dasharray="5 3"></line><text x="{tx:g}" y="{ty:g}" font-size="11" '
                        'font-weight="700" fill="{c}">{label}</text></g>').format(
        x=tx, y1=top - 6, y2=height - 6, c=TODAY, tx=tx + 3, ty=height - 8, label=f"today {today:%d %b %Y}"))
    desc = (f"Projects by programme from {first:%b %Y} to {last:%b %Y}, today {today:%d %b %Y}: " + "; ".join(said)
            + (f". Undated: {', '.join(u['code'] for u in data['undated'])}" if data["undated"] else ""))
    return svg(chart_id, "Portfolio roadmap by programme", desc, width, height, Markup("").join(parts),
               "portfolio-roadmap", role="group")


def bubble(chart_id: str, data: dict[str, Any], href: Callable[[str], str]) -> Markup:
    """Weighted score (x, 0-5) against risk (y, 0-5, riskier higher); area grows with cost."""
    width, height, left, bottom, top, right = 760.0, 460.0, 60.0, 50.0, 20.0, 30.0
    pw, ph = width - left - right, height - top - bottom
    costs = [p["cost"] for p in data["points"] if p["cost"]]
    biggest = max(costs, default=1.0) or 1.0
    parts = [_defs(chart_id)]
    for n in range(6):
        gx, gy = left + pw * n / 5, top + ph - ph * n / 5
        parts.append(Markup('<line x1="{gx:g}" y1="{t:g}" x2="{gx:g}" y2="{b:g}" stroke="#e3e7ee"></line>'
                            '<line x1="{l:g}" y1="{gy:g}" x2="{r:g}" y2="{gy:g}" stroke="#e3e7ee"></line>'
                            '<text x="{gx:g}" y="{ly:g}" font-size="11" text-anchor="middle" fill="{m}">{n}</text>'
                            '<text x="{lx:g}" y="{gy2:g}" font-size="11" text-anchor="end" fill="{m}">{n}</text>').format(
            gx=gx, t=top, b=top + ph, l=left, r=left + pw, gy=gy, ly=top + ph + 16, lx=left - 6, gy2=gy + 4, m=MUTED, n=n))
    parts.append(Markup('<text x="{x:g}" y="{y:g}" font-size="12" text-anchor="middle" fill="{ink}">Value: weighted '
                        'score (0-5, higher is better)</text><text x="14" y="{my:g}" font-size="12" text-anchor="middle" '
                        'fill="{ink}" transform="rotate(-90 14 {my:g})">Risk (0-5, higher is riskier)</text>').format(
        x=left + pw / 2, y=height - 10, my=top + ph / 2, ink=INK))
    # Big bubbles first, so small ones stay on top and clickable.
    for p in sorted(data["points"], key=lambda p: -(p["cost"] or 0)):
        r = 6 + 28 * math.sqrt((p["cost"] or 0) / biggest)
        fill, dash, _ = _style(p["stage"], chart_id)
        cx, cy = left + pw * p["value"] / 5, top + ph - ph * min(p["risk"], 5) / 5
        cost = f"{p['cost']:,.0f}" if p["cost"] is not None else "not estimated"
        parts.append(Markup(
            '<a href="{href}" class="bubble" data-code="{code}"><title>{title}</title>'
            '<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="{fill}" fill-opacity="0.75" stroke="{ink}" '
            'stroke-dasharray="{dash}"></circle><text x="{tx:g}" y="{ty:g}" font-size="11" text-anchor="{anchor}" '
            'fill="{ink}">{code}</text></a>'
        ).format(href=href(p["code"]), code=p["code"], cx=cx, cy=cy, r=r, fill=fill, ink=INK, dash=dash or "none",
                 # Labels of bubbles in the right-hand part go on their left, inside the chart.
                 tx=cx - r - 2 if p["value"] > 3.5 else cx + r + 2, anchor="end" if p["value"] > 3.5 else "start",
                 ty=cy + 4,
                 title=f"{p['code']} {p['name']} ({p['stage']}): value {p['value']:.2f}, risk {p['risk']:.1f}, cost {cost}"))
    desc = (f"Risk read from {data['source']}. " + "; ".join(
        f"{p['code']} value {p['value']:.2f} risk {p['risk']:.1f} cost {p['cost'] or 0:,.0f}" for p in data["points"])
        or "No project has both a value and a risk yet.")
    return svg(chart_id, "Value against risk, bubble size is cost", desc, width, height, Markup("").join(parts),
               "portfolio-bubbles", role="group")
