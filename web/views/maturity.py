"""The maturity page (/maturity) and the self-assessment form (/maturity/assess, admins).

The page shows the profile over time (an SVG line per domain), where each domain stands and
what its next level would add, the plugins by level, and what to enable next with the
reasons. Like every page it honours ``?as_of=``: the profile, history and enabled plugins are
those of that moment.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, render_template, url_for
from markupsafe import Markup
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from core import queries
from core.maturity import DOMAIN_TITLES, DOMAINS, LEVEL_BY_NUMBER, LEVELS, QUESTIONS
from core.permissions import can_administer, can_read
from core.services import maturity as service
from web.auth import require
from web.views.asof import at
from web.views.common import bind, form_page, pmo
from web.views.forms import Form

bp = Blueprint("maturity", __name__)

SKIP = ""


class AssessmentForm(Form):
    """One radio group per question (named by its key); "Skip" leaves a question unanswered."""


for _question in QUESTIONS:
    setattr(AssessmentForm, _question.key, RadioField(
        _question.text, default=SKIP,
        choices=[SelectChoice(o.key, o.label) for o in _question.options] + [SelectChoice(SKIP, "Skip this question")]))


def _answers(form: AssessmentForm) -> dict[str, str]:
    return {q.key: form[q.key].data for q in QUESTIONS if form[q.key].data not in (None, SKIP)}


# --- the chart: one line per domain, level 1 at the bottom, 5 at the top --------------------

def level_history_chart(history: Sequence[dict]) -> Markup:
    """The profile over time: a point per assessment and domain, joined by a line per domain.

    Built with ``Markup.format`` (every label escaped) and coloured by CSS class, like
    ``web.charts``."""
    width, height, left, right, top, row = 900.0, 250.0, 120.0, 24.0, 16.0, 40.0
    step = (width - left - right) / max(len(history) - 1, 1)

    def x(i: int) -> float:
        return left + i * step if len(history) > 1 else (left + width - right) / 2

    def y(level: int) -> float:
        return top + (5 - level) * row

    parts = []
    for level in LEVELS:
        parts.append(Markup('<line class="grid" x1="{l}" y1="{y}" x2="{r}" y2="{y}"/>'
                            '<text class="label" x="0" y="{ty}">{n} {name}</text>').format(
            l=left, r=width - right, y=y(level.number), ty=y(level.number) + 5, n=level.number, name=level.name))
    for offset, domain in enumerate(DOMAINS):
        # Domains at the same level would hide each other: each line is nudged a little.
        points = [(x(i), y(row_["levels"][domain]) + (offset - 1) * 5, row_)
                  for i, row_ in enumerate(history) if row_["levels"].get(domain)]
        if len(points) > 1:
            parts.append(Markup('<polyline class="series series-{d}" fill="none" points="{p}"/>').format(
                d=domain, p=" ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)))
        for px, py, row_ in points:
            parts.append(Markup('<circle class="point series-{d}" cx="{x:.1f}" cy="{y:.1f}" r="6">'
                                '<title>{when}: {title} level {level}</title></circle>').format(
                d=domain, x=px, y=py, when=row_["occurred_at"].date().isoformat(), title=DOMAIN_TITLES[domain],
                level=row_["levels"][domain]))
    if history:
        axis_y = y(1) + 30
        parts.append(Markup('<text class="label" x="{x}" y="{y}">{d}</text>').format(
            x=left, y=axis_y, d=history[0]["occurred_at"].date().isoformat()))
        if len(history) > 1:
            parts.append(Markup('<text class="label" x="{x}" y="{y}" text-anchor="end">{d}</text>').format(
                x=width - right, y=axis_y, d=history[-1]["occurred_at"].date().isoformat()))
    desc = "; ".join(
        f"{row_['occurred_at'].date().isoformat()}: "
        + ", ".join(f"{d} {row_['levels'].get(d) or 'not assessed'}" for d in DOMAINS)
        for row_ in history) or "no self-assessment recorded"
    return Markup(
        '<svg class="chart level-history" viewBox="0 0 {w:g} {h:g}" role="img" '
        'aria-labelledby="maturity-chart-title maturity-chart-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="maturity-chart-title">Maturity level per domain over time</title>'
        '<desc id="maturity-chart-desc">{desc}</desc>{body}</svg>'
    ).format(w=width, h=height, desc=desc, body=Markup("").join(parts))


# --- pages ---------------------------------------------------------------------------------

@bp.route("/maturity")
@require(can_read)
def show():
    unit, when = pmo(), at()
    history = service.maturity_history(unit, when)
    return render_template(
        "maturity/show.html", history=history, latest=history[-1] if history else None,
        chart=level_history_chart(history), steps=service.next_steps(unit, when),
        grid=service.plugins_by_level(unit, when), recommendations=service.recommendations(unit, when),
        levels=LEVELS, level_by_number=LEVEL_BY_NUMBER, domains=DOMAINS, domain_titles=DOMAIN_TITLES,
        portfolio=queries.portfolio(unit, at=when), plugins=unit.plugins,
    )


@bp.route("/maturity/assess", methods=["GET", "POST"])
@require(can_administer)
def assess():
    unit = pmo()
    latest = service.current_profile(unit)
    form = bind(AssessmentForm, latest["answers"] if latest else None)

    def message(profile) -> str:
        levels = ", ".join(f"{d} {profile.levels.get(d) or 'not assessed'}" for d in DOMAINS)
        return f"Maturity profile recorded: {levels}."

    return form_page(
        form, "maturity/assess.html", lambda u: service.assess_maturity(u, _answers(form)),
        success=url_for(".show"), message=message, latest=latest, portfolio=queries.portfolio(unit),
        sections=[(DOMAIN_TITLES[d], [form[q.key] for q in QUESTIONS if q.domain == d]) for d in DOMAINS],
        title="Self-assessment", cancel=url_for(".show"),
    )
