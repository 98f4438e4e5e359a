"""Server-rendered SVG for the risk pages: the probability x impact heat map and a risk's
score trend. Same style as the core charts: ``Markup.format`` escapes every label, colours
are classes plus presentation attributes (no ``style``), each chart is an ``img`` with a
title and a text description, and pages show the numbers as text too.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from markupsafe import Markup

from plugins.kit import svg as _svg  # the shared chart wrapper (moved there from here)
from plugins.risk.domain import Scale

# Fill and text colour per level: the core palette's backgrounds, critical in full red.
FILL = {"low": ("#e3f3e8", "#14592a"), "medium": ("#fff0d4", "#6b4000"),
        "high": ("#f8c9a0", "#6b2a00"), "critical": ("#b3261e", "#ffffff")}


def heatmap(chart_id: str, title: str, scale: Scale, cells: dict[tuple[int, int], int],
            href: Callable[[int, int], str] | None = None) -> Markup:
    """Probability (rows, likeliest on top) x impact (columns); each cell shows its count, is
    coloured by its level and, with ``href``, links to the register filtered to that cell."""
    n_p, n_i = len(scale.probability), len(scale.impact)
    cell, left, top, bottom = 64.0, 120.0, 8.0, 56.0
    width, height = left + cell * n_i + 8, top + cell * n_p + bottom
    parts = []
    for row in range(n_p):
        p = n_p - row
        y = top + row * cell
        parts.append(Markup('<text class="label" x="{x:g}" y="{y:g}" text-anchor="end">{n} {label}</text>')
                     .format(x=left - 8, y=y + cell / 2 + 5, n=p, label=scale.probability[p - 1][:14]))
        for col in range(n_i):
            i = col + 1
            x = left + col * cell
            count = cells.get((p, i), 0)
            level = scale.level(p * i)
            fill, ink = FILL[level]
            what = "risk" if count == 1 else "risks"
            label = (f"Probability {p} ({scale.probability[p - 1]}) x impact {i} ({scale.impact[i - 1]}), "
                     f"score {p * i}, {level}: {count} {what}")
            body = Markup(
                '<rect class="cell level-{level}" x="{x:g}" y="{y:g}" width="{w:g}" height="{w:g}" '
                'fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
                '<text class="count" x="{cx:g}" y="{cy:g}" text-anchor="middle" fill="{ink}" '
                'font-size="{fs}" font-weight="{fw}">{text}</text>'
            ).format(level=level, x=x, y=y, w=cell, fill=fill, cx=x + cell / 2, cy=y + cell / 2 + 7,
                     ink=ink, fs=20 if count else 14, fw=700 if count else 400, text=count if count else "·")
            if href is not None:
                parts.append(Markup('<a href="{href}" class="cell-link"><title>{label}</title>{body}</a>').format(
                    href=href(p, i), label=label, body=body))
            else:
                parts.append(Markup('<g><title>{label}</title>{body}</g>').format(label=label, body=body))
    for col in range(n_i):
        x = left + col * cell + cell / 2
        parts.append(Markup('<text class="label" x="{x:g}" y="{y:g}" text-anchor="middle">{n}</text>'
                            '<text class="label small" x="{x:g}" y="{y2:g}" text-anchor="middle" '
                            'font-size="10">{label}</text>')
                     .format(x=x, y=top + n_p * cell + 18, y2=top + n_p * cell + 32, n=col + 1,
                             label=scale.impact[col][:12]))
    parts.append(Markup('<text class="label" x="{x:g}" y="{y:g}" text-anchor="middle">Impact →</text>')
                 .format(x=left + n_i * cell / 2, y=height - 4))
    desc = "; ".join(f"probability {p} x impact {i}: {n}" for (p, i), n in sorted(cells.items()) if n) or "no risks"
    return _svg(chart_id, title, desc, width, height, Markup("").join(parts), "risk-heatmap",
                role="img" if href is None else "group")


def score_trend(chart_id: str, title: str, scale: Scale, points: Sequence[tuple[date, str, int]]) -> Markup:
    """Score over time per basis: ``points`` are ``(assessed_on, basis, score)``, oldest first.

    Bands show the level thresholds; inherent is a dashed line, residual a solid one."""
    width, height, left, right, top, bottom = 900.0, 220.0, 48.0, 16.0, 12.0, 36.0
    peak = len(scale.probability) * len(scale.impact)
    days = [d for d, _, _ in points]
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    span = (last - first).days
    plot_h = height - top - bottom

    def y(score: float) -> float:
        return top + plot_h * (1 - score / peak)

    def x(day: date, n: int) -> float:
        if span == 0:  # all on one day: spread them out in the order they were made
            return left + (width - left - right) * (n + 1) / (len(points) + 1)
        return left + (width - left - right) * (day - first).days / span

    parts = []
    bands = [("low", 0, scale.medium), ("medium", scale.medium, scale.high), ("high", scale.high, scale.critical),
             ("critical", scale.critical, peak + 1)]
    for level, low, high in bands:
        y1, y2 = y(min(high - 0.5, peak)), y(max(low - 0.5, 0))
        parts.append(Markup('<rect class="band level-{l}" x="{x:g}" y="{y:.1f}" width="{w:g}" height="{h:.1f}" '
                            'fill="{fill}" opacity="0.45"/><text class="label" x="4" y="{ty:.1f}" '
                            'font-size="11">{name}</text>')
                     .format(l=level, x=left, y=y1, w=width - left - right, h=max(y2 - y1, 0),
                             fill=FILL[level][0], ty=(y1 + y2) / 2 + 4, name=level.title()))
    for basis, dash in (("inherent", "6 4"), ("residual", "")):
        series = [(x(d, n), y(s), d, s) for n, (d, b, s) in enumerate(points) if b == basis]
        if len(series) > 1:
            parts.append(Markup('<polyline class="trend trend-{b}" fill="none" stroke="#1d2330" stroke-width="2.5" '
                                'stroke-dasharray="{dash}" points="{p}"/>').format(
                b=basis, dash=dash or "none", p=" ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in series)))
        for px, py, d, s in series:
            parts.append(Markup('<circle class="point point-{b}" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{fill}" '
                                'stroke="#1d2330" stroke-width="2"><title>{d}: {b} score {s}</title></circle>')
                         .format(b=basis, x=px, y=py, fill="#ffffff" if basis == "inherent" else "#1d2330",
                                 d=d.isoformat(), s=s))
    if points:
        parts.append(Markup('<text class="label" x="{x:g}" y="{y:g}" font-size="12">{d}</text>').format(
            x=left, y=height - 10, d=first.isoformat()))
        if span:
            parts.append(Markup('<text class="label" x="{x:g}" y="{y:g}" text-anchor="end" font-size="12">{d}</text>')
                         .format(x=width - right, y=height - 10, d=last.isoformat()))
    desc = "; ".join(f"{d.isoformat()} {b}: {s}" for d, b, s in points) or "not assessed yet"
    return _svg(chart_id, title, desc, width, height, Markup("").join(parts), "risk-trend")
