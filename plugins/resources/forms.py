"""The HTML forms of the resources pages, one class per command; field names are the service's
arguments, so ``form.values()`` is what the service takes. The reason (kept in the ledger)
and the refusal handling come from ``plugins.kit.Form``; the choices of people and projects
are filled in by the views.
"""
from __future__ import annotations

from typing import Any

from wtforms import DateField, FileField, FloatField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from plugins import kit
from plugins.resources.domain import CAPACITY_KINDS, DEVELOPMENT_KINDS, LEVEL_NAMES


def text(label: str, required: bool = False, max_len: int = 200, **kw: Any) -> StringField:
    validators = [DataRequired(), Length(max=max_len)] if required else [Optional(), Length(max=max_len)]
    return StringField(label, validators=validators, **kw)


def day(label: str, required: bool = False, **kw: Any) -> DateField:
    return DateField(label, validators=[InputRequired()] if required else [Optional()], **kw)


def choices(values, labels: dict | None = None) -> list[SelectChoice]:
    return [SelectChoice(v, (labels or {}).get(v, str(v).replace("_", " ").capitalize())) for v in values]


LEVEL_CHOICES = [SelectChoice(n, f"{n} · {name}") for n, name in LEVEL_NAMES.items()]


class PersonForm(kit.Form):
    name = text("Name", required=True, description="Personal: sealed with this person's own key.")
    email = text("Email", required=True, description="Personal, like the name; one per person.")
    role = text("Role", required=True, max_len=100, render_kw={"list": "roles"},
                description="For example business analyst, developer, project manager.")
    department = text("Department", max_len=100, render_kw={"list": "departments"})
    hours_per_week = FloatField("Hours per week", default=40.0, validators=[InputRequired(), NumberRange(1, 80)],
                                description="Contracted hours; 40 is one full-time equivalent (FTE).")


class PersonEditForm(kit.Form):
    version = HiddenField()
    name = text("Name", required=True)
    email = text("Email", required=True)
    role = text("Role", required=True, max_len=100, render_kw={"list": "roles"})
    department = text("Department", max_len=100, render_kw={"list": "departments"})


class CapacityForm(kit.Form):
    version = HiddenField()
    kind = SelectField("Kind", choices=choices(CAPACITY_KINDS, {
        "contract": "New contract (from the first day on)", "part_time": "Part-time for a period",
        "leave": "Leave for a period"}))
    start_date = day("First day", required=True)
    end_date = day("Last day", description="Empty only for a new contract.")
    hours_per_week = FloatField("Hours per week", default=0.0, validators=[InputRequired(), NumberRange(0, 80)],
                                description="0 on leave.")
    note = text("Note", max_len=2000, description="Personal: sealed with this person's key.")


class SkillForm(kit.Form):
    version = HiddenField()
    skill = text("Skill", required=True, max_len=80, render_kw={"list": "skills"})
    level = SelectField("Competence level", coerce=int, choices=[*LEVEL_CHOICES, SelectChoice(0, "Remove this skill")],
                        default=3)


class DevelopmentForm(kit.Form):
    version = HiddenField()
    kind = SelectField("Kind", choices=choices(DEVELOPMENT_KINDS))
    title = text("Title", required=True, description="For example 'PRINCE2 Practitioner'. Personal: sealed.")
    recorded_on = day("Date", description="Empty: today.")
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])


class ForgetForm(kit.Form):
    version = HiddenField()
    reason = StringField("Why", validators=[DataRequired(), Length(max=500)],
                         description="Required, kept in the ledger: for example the erasure request's reference. "
                                     "Do not write the person's name here.")


class AllocationForm(kit.Form):
    person_id = SelectField("Person", validators=[DataRequired()])
    project_id = SelectField("Project", validators=[DataRequired()])
    start_date = day("From", required=True)
    end_date = day("Until", required=True)
    percent = IntegerField("Percent of a full-time week", validators=[Optional(), NumberRange(1, 100)],
                           description="Or give hours per month instead.")
    hours_per_month = FloatField("Hours per month", validators=[Optional(), NumberRange(0.5, 250)])


class AllocationEditForm(kit.Form):
    version = HiddenField()
    start_date = day("From", required=True)
    end_date = day("Until", required=True)
    percent = IntegerField("Percent of a full-time week", validators=[Optional(), NumberRange(1, 100)])
    hours_per_month = FloatField("Hours per month", validators=[Optional(), NumberRange(0.5, 250)],
                                 description="Fill in one of the two.")


class ConfirmForm(kit.Form):
    version = HiddenField()


class DemandForm(kit.Form):
    project_id = SelectField("Project", validators=[DataRequired()])
    role = text("Role", required=True, max_len=100, render_kw={"list": "roles"})
    fte = FloatField("FTE", validators=[InputRequired(), NumberRange(0.05, 50)],
                     description="Full-time people asked for: 2, or 0.5 for half a person.")
    start_date = day("From", required=True)
    end_date = day("Until", required=True)
    note = text("Note", max_len=2000)


class FillForm(kit.Form):
    version = HiddenField()
    person_id = SelectField("Person", validators=[DataRequired()])
    fte = FloatField("FTE this person takes", validators=[Optional(), NumberRange(0.01, 1)],
                     description="Empty: all that is open, at most one full-time person.")


class ImportForm(kit.Form):
    kind = SelectField("What the file holds", choices=choices(["people", "allocations"], {
        "people": "A people list", "allocations": "An allocation sheet"}))
    file = FileField("CSV or XLSX file", description="At most 1 MB. The first row names the columns.")
    dry_run = SelectField("Mode", choices=choices(["yes", "no"], {"yes": "Dry run: check only", "no": "Import"}),
                          default="yes")
