"""Server-rendered SVG for the resources pages: the capacity heat map (rows x months).

Same style as the core charts: ``Markup.format`` escapes every label, colours are classes plus
presentation attributes (no ``style``), the chart is an ``img`` with a title and a text
description, and the page shows the same numbers as a table too. Each cell carries its hours
(``data-capacity``, ``data-demand``) so that what it shows can be checked against the plan.
"""
from __future__ import annotations

from markupsafe import Markup

# Fill and text colour per status: pale (room left), green (fully allocated), red (over).
FILL = {"none": ("#f4f5f7", "#5b6478"), "under": ("#dfe9f7", "#1d3b66"), "full": ("#cfe9d6", "#14592a"),
        "over": ("#b3261e", "#ffffff")}
LABELS = {"none": "no capacity", "under": "room left", "full": "fully allocated", "over": "over-allocated"}


def _cell_label(row_label: str, cell: dict) -> str:
    projects = ", ".join(f"{p['code']} {p['hours']} h" for p in cell["projects"])
    unfilled = f" + {cell['unfilled']} h unfilled demand" if cell["unfilled"] else ""
    load = f" ({cell['load_pct']}%)" if cell["load_pct"] is not None else ""
    return (f"{row_label}, {cell['month']}: {cell['allocated']} h allocated{unfilled} of {cell['capacity']} h "
            f"capacity{load}, {LABELS[cell['status']]}" + (f"; {projects}" if projects else ""))


def heatmap(chart_id: str, title: str, data: dict) -> Markup:
    """``data`` is ``workload.heatmap``'s answer: rows of cells, one per month. An image, so no
    links inside (nested controls); the table beside it links each row."""
    months, rows = data["months"], data["rows"]
    left, top, cell_w, cell_h = 210.0, 44.0, 58.0, 30.0
    width, height = left + cell_w * len(months) + 8, top + cell_h * max(len(rows), 1) + 8
    parts = []
    for col, month in enumerate(months):
        x = left + col * cell_w + cell_w / 2
        parts.append(Markup('<text class="label" x="{x:g}" y="18" text-anchor="middle" font-size="11">{y}</text>'
                            '<text class="label" x="{x:g}" y="34" text-anchor="middle" font-size="12">{m}</text>')
                     .format(x=x, y=month[:4], m=month[5:]))
    for n, row in enumerate(rows):
        y = top + n * cell_h
        name = row["label"] if len(row["label"]) <= 28 else row["label"][:27] + "…"
        parts.append(Markup('<text class="label" x="{x:g}" y="{y:g}" text-anchor="end" font-size="12">{name}</text>')
                     .format(x=left - 8, y=y + cell_h / 2 + 4, name=name))
        for col, cell in enumerate(row["cells"]):
            fill, ink = FILL[cell["status"]]
            x = left + col * cell_w
            shown = f"{cell['load_pct']}%" if cell["load_pct"] is not None else ("·" if not cell["demand"] else "!")
            parts.append(Markup(
                '<g class="cell status-{status}" data-row="{key}" data-month="{month}" data-capacity="{capacity}" '
                'data-demand="{demand}"><title>{tip}</title>'
                '<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>'
                '<text class="load" x="{tx:g}" y="{ty:g}" text-anchor="middle" fill="{ink}" font-size="12" '
                'font-weight="{weight}">{shown}</text></g>'
            ).format(status=cell["status"], key=row["key"], month=cell["month"], capacity=cell["capacity"],
                     demand=cell["demand"], tip=_cell_label(row["label"], cell), x=x, y=y, w=cell_w, h=cell_h,
                     fill=fill, tx=x + cell_w / 2, ty=y + cell_h / 2 + 4, ink=ink,
                     weight=700 if cell["status"] == "over" else 400, shown=shown))
    over = sum(c["status"] == "over" for r in rows for c in r["cells"])
    desc = (f"{len(rows)} rows by {data['by']} over {len(months)} months from {months[0]}; "
            f"{over} over-allocated cell{'s' if over != 1 else ''}") if months else "no months"
    return Markup(
        '<svg class="chart resources-heatmap" viewBox="0 0 {w:g} {h:g}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(w=width, h=height, id=chart_id, title=title, desc=desc, body=Markup("").join(parts))


def legend() -> Markup:
    items = Markup("").join(Markup('<li><span class="swatch" data-status="{s}"><svg width="14" height="14" '
                                   'aria-hidden="true"><rect width="14" height="14" fill="{fill}"/></svg></span> '
                                   '{label}</li>').format(s=s, fill=FILL[s][0], label=LABELS[s])
                            for s in ("under", "full", "over", "none"))
    return Markup('<ul class="legend resources-legend">{}</ul>').format(items)
