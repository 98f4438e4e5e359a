"""The HTML forms of the portfolio pages, one class per command. Field names are the service's
arguments; demands and capacities are typed one per line as ``role period amount``.
"""
from __future__ import annotations

from typing import Any

from wtforms import BooleanField, FloatField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from plugins import kit
from plugins.portfolio.domain import MAX_AMOUNT, MAX_WEIGHT


def parse_loads(text: str) -> list[dict[str, Any]]:
    """``"Developer 2026-Q1 120"`` per line -> ``[{"role", "period", "amount"}]``; the role
    may hold spaces (the last two words are the period and the amount)."""
    loads = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        words = line.split()
        try:
            loads.append({"role": " ".join(words[:-2]), "period": words[-2], "amount": float(words[-1])})
        except (IndexError, ValueError):
            raise ValidationError(f"line {n}: write 'role period amount', like 'Developer 2026-Q1 120'") from None
    return loads


def show_loads(loads: list[dict]) -> str:
    return "\n".join(f"{d['role']} {d['period']} {d['amount']:g}" for d in loads or [])


class LoadsField(TextAreaField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        try:
            self.loads = parse_loads(self.data)
        except ValidationError as error:
            self.loads = None
            self.process_errors.append(str(error))


class CriterionForm(kit.Form):
    ref = StringField("Reference", validators=[DataRequired(), Length(max=40)], description="Short, e.g. VALUE.")
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("How to score it", validators=[Optional(), Length(max=20_000)])
    weight = FloatField("Weight", validators=[InputRequired(), NumberRange(0, MAX_WEIGHT)])
    objective_id = SelectField("Strategic objective", choices=[], validate_choice=False,
                               description="Optional. Scores alignment with a benefits objective.")


class CriterionEditForm(kit.Form):
    version = HiddenField()
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("How to score it", validators=[Optional(), Length(max=20_000)])
    weight = FloatField("Weight", validators=[InputRequired(), NumberRange(0, MAX_WEIGHT)],
                        description="A new weight re-ranks every project; say why below.")


class ScoreForm(kit.Form):
    criterion_id = SelectField("Criterion", choices=[], validate_choice=False)
    score = IntegerField("Score (0-5, 5 best for the portfolio)", validators=[InputRequired(), NumberRange(0, 5)])
    rationale = TextAreaField("Rationale", validators=[DataRequired(), Length(max=2000)])


class EstimateForm(kit.Form):
    cost = FloatField("Cost", validators=[InputRequired(), NumberRange(0, MAX_AMOUNT)])
    must_do = BooleanField("Must do (a legal duty or a commitment: always selected)")
    demands = LoadsField("Demands", validators=[Optional(), Length(max=20_000)],
                         description="One per line: role, period (2026-03 or 2026-Q1), amount. E.g. 'Developer 2026-Q1 120'.")


class EnvelopeForm(kit.Form):
    budget = FloatField("Budget", validators=[InputRequired(), NumberRange(0, MAX_AMOUNT)])
    capacities = LoadsField("Capacities", validators=[Optional(), Length(max=20_000)],
                            description="One per line: role, period, amount available. E.g. 'Developer 2026-Q1 400'.")
