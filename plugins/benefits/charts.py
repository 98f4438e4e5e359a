"""Server-rendered SVG for the benefits pages: a benefit's realisation curve and the benefit
map. ``Markup.format`` escapes every label; colours are classes plus presentation attributes
(no ``style``); each chart has a title and a text description, and the pages show the numbers
as text too.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from markupsafe import Markup

from plugins.kit import svg
from plugins.benefits.realisation import planned_at, state

INK, PLAN, GOOD, BAD = "#1d2330", "#5b6474", "#14592a", "#b3261e"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def curve(chart_id: str, benefit: dict[str, Any], points: list[dict[str, Any]], today: date) -> Markup:
    """The planned trajectory (baseline -> target, dashed) and the actual measurements (solid,
    dots; a red dot is behind the plan by more than the tolerance, by the at-risk rule)."""
    width, height, left, right, top, bottom = 900.0, 260.0, 72.0, 16.0, 16.0, 40.0
    days = [benefit["baseline_date"], benefit["target_date"], *(p["measured_on"] for p in points)]
    first, last = min(days), max(days)
    values = [benefit["baseline_value"], benefit["target_value"], *(p["value"] for p in points)]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - (value - low) / (high - low))

    plan = [(d, planned_at(benefit, d)) for d in sorted({first, benefit["baseline_date"], benefit["target_date"], last})]
    parts = [Markup('<line class="axis" x1="{l}" y1="{b:.1f}" x2="{r:.1f}" y2="{b:.1f}" stroke="{c}"/>').format(
        l=left, b=height - bottom, r=width - right, c=PLAN)]
    for value in (benefit["baseline_value"], benefit["target_value"]):
        parts.append(Markup('<text class="label" x="{x}" y="{y:.1f}" text-anchor="end" font-size="11">{v:g}</text>')
                     .format(x=left - 6, y=y(value) + 4, v=value))
    parts.append(Markup('<polyline class="curve-planned" fill="none" stroke="{c}" stroke-width="2" '
                        'stroke-dasharray="6 4" points="{p}"><title>Planned: {b:g} on {bd} to {t:g} on {td}</title>'
                        '</polyline>').format(
        c=PLAN, p=" ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in plan), b=benefit["baseline_value"],
        bd=benefit["baseline_date"].isoformat(), t=benefit["target_value"], td=benefit["target_date"].isoformat()))
    if points:
        parts.append(Markup('<polyline class="curve-actual" fill="none" stroke="{c}" stroke-width="2.5" points="{p}"/>')
                     .format(c=INK, p=" ".join(f"{x(p['measured_on']):.1f},{y(p['value']):.1f}" for p in points)))
    for p in points:
        behind = state(benefit, (p["measured_on"], p["value"])) == "at risk"
        parts.append(Markup('<circle class="point{cls}" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{ink}" '
                            'stroke-width="1.5"><title>{d}: {v:g} {u} (planned {pl:g}){why}</title></circle>').format(
            cls=" point-behind" if behind else "", x=x(p["measured_on"]), y=y(p["value"]),
            fill=BAD if behind else GOOD, ink=INK, d=p["measured_on"].isoformat(), v=p["value"], u=benefit["unit"],
            pl=round(p["planned"], 2), why=", behind the plan" if behind else ""))
    if first <= today <= last:
        parts.append(Markup('<line class="today" x1="{x:.1f}" y1="{t}" x2="{x:.1f}" y2="{b:.1f}" stroke="{c}" '
                            'stroke-dasharray="2 3"/>').format(x=x(today), t=top, b=height - bottom, c=PLAN))
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(Markup('<text class="label" x="{x:.1f}" y="{y:g}" text-anchor="{a}" font-size="12">{d}</text>')
                     .format(x=x(day), y=height - 14, a=anchor, d=day.isoformat()))
    desc = (f"Planned from {benefit['baseline_value']:g} on {benefit['baseline_date']} to {benefit['target_value']:g} "
            f"{benefit['unit']} on {benefit['target_date']}. Actual: "
            + ("; ".join(f"{p['measured_on']} {p['value']:g}" for p in points) or "no measurements yet") + ".")
    return svg(chart_id, f"Realisation of {benefit['ref']}: planned and actual {benefit['indicator']}", desc,
               width, height, Markup("").join(parts), "benefit-curve")


def benefit_map(chart_id: str, title: str, data: dict[str, Any], href: Callable[[str, Any], str]) -> Markup:
    """Three columns: objectives -> benefits -> enabling projects. Every edge is a link that
    exists (``data["edges"]``), and nothing else is drawn. Dis-benefits are dashed and red."""
    columns = [("objective", data["objectives"]), ("benefit", data["benefits"]), ("project", data["projects"])]
    node_w, node_h, gap, col_x = 250.0, 40.0, 14.0, (10.0, 330.0, 650.0)
    rows = max([len(nodes) for _, nodes in columns] + [1])
    width, height = col_x[2] + node_w + 10, 36 + rows * (node_h + gap)
    where: dict[tuple[str, Any], tuple[float, float]] = {}
    parts = []
    for n, (label, x0) in enumerate(zip(("Objectives", "Benefits", "Enabling projects"), col_x)):
        parts.append(Markup('<text class="label heading" x="{x:g}" y="18" font-size="13" font-weight="700">{t}</text>')
                     .format(x=x0, t=label))
    for (kind, nodes), x0 in zip(columns, col_x):
        for i, node in enumerate(nodes):
            y0 = 30 + i * (node_h + gap)
            key = node["id"] if kind != "project" else node["project_id"]
            where[(kind, key)] = (x0, y0 + node_h / 2)
            dis = kind == "benefit" and node["kind"] == "dis-benefit"
            name = (f"{node['ref']} {node['title']}" if kind != "project" else f"{node['code']} {node['name']}")
            text = ("▼ " if dis else "") + name
            full = f"{'Dis-benefit' if dis else kind.title()} {name}"
            parts.append(Markup(
                '<a href="{href}" class="node node-{kind}{dis}" data-id="{id}"><title>{full}</title>'
                '<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="6" fill="{fill}" stroke="{stroke}" '
                'stroke-width="1.5" stroke-dasharray="{dash}"/>'
                '<text x="{tx:g}" y="{ty:g}" font-size="12" fill="{ink}">{text}</text></a>').format(
                href=href(kind, key), kind=kind, dis=" dis-benefit" if dis else "", id=key, full=full, x=x0, y=y0,
                w=node_w, h=node_h, fill="#fde8e6" if dis else {"objective": "#e6eefb", "benefit": "#e3f3e8",
                                                                "project": "#f1f1f4"}[kind],
                stroke=BAD if dis else INK, dash="5 3" if dis else "none", tx=x0 + 8, ty=y0 + node_h / 2 + 4,
                ink=INK, text=_short(text, 36)))
    for kind, source, target in data["edges"]:
        a, b = ((("objective", source), ("benefit", target)) if kind == "objective"
                else (("benefit", source), ("project", target)))
        (x1, y1), (x2, y2) = where[a], where[b]
        parts.insert(0, Markup('<line class="edge edge-{k}" data-from="{s}" data-to="{t}" x1="{x1:g}" y1="{y1:g}" '
                               'x2="{x2:g}" y2="{y2:g}" stroke="{c}" stroke-width="1.5"/>').format(
            k=kind, s=source, t=target, x1=x1 + node_w, y1=y1, x2=x2, y2=y2, c=PLAN))
    desc = (f"{len(data['objectives'])} objectives, {len(data['benefits'])} benefits, "
            f"{len(data['projects'])} enabling projects, {len(data['edges'])} links")
    return svg(chart_id, title, desc, width, height, Markup("").join(parts), "benefit-map", role="group")
