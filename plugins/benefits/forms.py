"""The HTML forms of the benefits pages, one class per command. Field names are the service's
arguments, except the links: ``enablers()`` turns the chosen projects and their output into
the service's ``enablers``. Reason and refusals come from ``plugins.kit.Form``.
"""
from __future__ import annotations

import uuid
from typing import Any

from wtforms.fields.choices import SelectChoice
from wtforms import DateField, FloatField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from plugins import kit
from plugins.benefits.domain import CATEGORIES, FREQUENCIES, KINDS, OUTCOMES, TYPES


def text(label: str, required: bool = False, max_len: int = 200, **kw: Any) -> StringField:
    validators = [DataRequired(), Length(max=max_len)] if required else [Optional(), Length(max=max_len)]
    return StringField(label, validators=validators, **kw)


def choices(values) -> list[SelectChoice]:
    return [SelectChoice(v, v.replace("_", " ").capitalize()) for v in values]


def as_uuid(value) -> uuid.UUID:
    """A chosen id: as posted (text) or as set by the page (a UUID)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def person(label: str, required: bool = True, **kw: Any) -> StringField:
    return text(label, required, 100, render_kw={"list": "people"}, **kw)


class ObjectiveForm(kit.Form):
    version = HiddenField()
    title = text("Title", required=True)
    owner = person("Owner")
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])
    period_start = DateField("Period from", validators=[InputRequired()])
    period_end = DateField("Period to", validators=[InputRequired()])


class BenefitEditForm(kit.Form):
    version = HiddenField()
    title = text("Title", required=True)
    owner = person("Owner", description="Who answers for the benefit in the business.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])
    category = SelectField("Category", choices=choices(CATEGORIES))
    benefit_type = SelectField("Type", choices=choices(TYPES))
    indicator = text("Indicator", required=True, description="What is measured, e.g. 'Average days to a permit'.")
    unit = text("Unit", required=True, max_len=40)
    baseline_value = FloatField("Baseline value", validators=[InputRequired()])
    baseline_date = DateField("Baseline date", validators=[InputRequired()])
    target_value = FloatField("Target value", validators=[InputRequired()])
    target_date = DateField("Target date", validators=[InputRequired()])
    frequency = SelectField("Measured", choices=choices(FREQUENCIES), default="quarterly")
    post_project_owner = person("Measured after the project by", required=False,
                                description="Named when the enabling projects close; empty: the owner.")
    objective_ids = SelectMultipleField("Serves objectives", coerce=as_uuid, validators=[Optional()])
    project_ids = SelectMultipleField("Enabled by projects", coerce=as_uuid, validators=[Optional()])
    output = text("Enabling output", max_len=500, description="The project output that enables it (kept with "
                                                              "each newly linked project).")

    def enablers(self, outputs: dict[uuid.UUID, str] | None = None) -> list[dict]:
        outputs = outputs or {}
        return [{"project_id": pid, "output": outputs.get(pid) or self.output.data or ""}
                for pid in self.project_ids.data or []]

    def command_values(self, outputs: dict[uuid.UUID, str] | None = None) -> dict[str, Any]:
        return {**self.values("project_ids", "output"), "enablers": self.enablers(outputs)}


class BenefitForm(BenefitEditForm):
    kind = SelectField("Benefit or dis-benefit", choices=choices(KINDS), default="benefit",
                       description="A dis-benefit is a consequence someone sees as negative; its target is "
                                   "the most that is accepted.")


class MeasureForm(kit.Form):
    version = HiddenField()
    measured_on = DateField("Measured on", validators=[Optional()], description="Empty: today.")
    value = FloatField("Value", validators=[InputRequired()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=20_000)])


class HandOverForm(kit.Form):
    version = HiddenField()
    measurement_owner = person("Measured from now on by")
    note = TextAreaField("Note", validators=[Optional(), Length(max=20_000)])


class CloseForm(kit.Form):
    version = HiddenField()
    outcome = SelectField("Outcome", choices=choices(OUTCOMES))
    note = TextAreaField("How it turned out", validators=[DataRequired(), Length(max=20_000)])
