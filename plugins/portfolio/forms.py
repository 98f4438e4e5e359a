"""The HTML forms of the portfolio pages, one class per command. Field names are the service's
arguments; demands and capacities are typed one per line as ``role period amount``.
"""
from __future__ import annotations

from typing import Any

from wtforms.fields.choices import SelectChoice
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


# --- scenarios: one small form per kind of change ---------------------------------------------

class ScenarioForm(kit.Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], description="E.g. 'Without DIG-03'.")
    description = TextAreaField("What it tries", validators=[Optional(), Length(max=20_000)])


class ScenarioActForm(kit.Form):
    """Commit, discard or withdraw: the version read, and a reason."""
    version = HiddenField()


class _ProjectChange(ScenarioActForm):
    project_id = SelectField("Project", choices=[], validate_choice=False)


class DropForm(_ProjectChange):
    pass


class ShiftForm(_ProjectChange):
    days = IntegerField("Shift by days", validators=[InputRequired(), NumberRange(-3650, 3650)],
                        description="Positive: later; negative: earlier. Dates, open milestones and demands move.")


class CostForm(_ProjectChange):
    cost = FloatField("New cost", validators=[InputRequired(), NumberRange(0, MAX_AMOUNT)])


class MustDoForm(_ProjectChange):
    must_do = SelectField("Must do", choices=[SelectChoice("yes", "Yes: always selected"),
                                              SelectChoice("no", "No: weighed like any other")])


class BudgetForm(ScenarioActForm):
    budget = FloatField("Budget", validators=[InputRequired(), NumberRange(0, MAX_AMOUNT)])


class CapacityForm(ScenarioActForm):
    role = StringField("Role", validators=[DataRequired(), Length(max=100)])
    period = StringField("Period", validators=[DataRequired(), Length(max=7)], description="2026-03 or 2026-Q2.")
    amount = FloatField("Capacity", validators=[InputRequired(), NumberRange(0, MAX_AMOUNT)])


CHANGE_FORMS = {"drop": (DropForm, "Drop a project"), "shift": (ShiftForm, "Shift a project's dates"),
                "cost": (CostForm, "Change a project's cost"), "must_do": (MustDoForm, "Make a project a must-do or not"),
                "budget": (BudgetForm, "Change the budget"), "capacity": (CapacityForm, "Change a capacity")}
