"""The HTML forms of the risk pages, one class per command; field names are the service's
arguments, so ``form.values()`` is what the service takes. The reason (kept in the ledger)
and the refusal handling come from ``plugins.kit.Form``.
"""
from __future__ import annotations

import uuid
from typing import Any

from wtforms.fields.choices import SelectChoice
from wtforms import DateField, FileField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.domain.action import PRIORITIES as ACTION_PRIORITIES
from plugins import kit
from plugins.risk.domain import BASES, CATEGORIES, KINDS, PRIORITIES


def text(label: str, required: bool = False, max_len: int = 200, **kw: Any) -> StringField:
    validators = [DataRequired(), Length(max=max_len)] if required else [Optional(), Length(max=max_len)]
    return StringField(label, validators=validators, **kw)


def area(label: str, required: bool = False, **kw: Any) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired()] if required else [Optional()], **kw)


def date_field(label: str, required: bool = False, **kw: Any) -> DateField:
    return DateField(label, validators=[InputRequired()] if required else [Optional()], **kw)


def choices(values, labels: dict | None = None) -> list[SelectChoice]:
    return [SelectChoice(v, (labels or {}).get(v, v.replace("_", " ").capitalize())) for v in values]


class WhereForm(kit.Form):
    where = SelectField("Where", validators=[DataRequired()],
                        description="The project it belongs to; programme and portfolio items: pmo and admin.")

    def place(self) -> dict[str, Any]:
        scope, _, key = self.where.data.partition(":")
        return {"scope": scope, "project_id": uuid.UUID(key) if scope == "project" else None,
                "programme_id": uuid.UUID(key) if scope == "programme" else None}


class RiskForm(WhereForm):
    title = text("Title", required=True)
    kind = SelectField("Threat or opportunity", choices=choices(KINDS), default="threat")
    description = area("Description")
    cause = area("Cause", description="What could make it happen.")
    effect = area("Effect", description="What it would do to the objectives (positive for an opportunity).")
    category = SelectField("Category", choices=choices(CATEGORIES), default="other")
    owner = text("Owner", required=True, max_len=100, render_kw={"list": "people"})
    proximity = date_field("Proximity", description="When it could happen.")
    review_date = date_field("Review date")
    probability = IntegerField("Probability", validators=[Optional()],
                               description="Optional: assess the inherent risk at once (1 = lowest).")
    impact = IntegerField("Impact", validators=[Optional()])


class RiskEditForm(kit.Form):
    version = HiddenField()
    title = text("Title", required=True)
    description = area("Description")
    cause = area("Cause")
    effect = area("Effect")
    category = SelectField("Category", choices=choices(CATEGORIES))
    owner = text("Owner", required=True, max_len=100, render_kw={"list": "people"})
    proximity = date_field("Proximity")
    review_date = date_field("Review date")


class AssessForm(kit.Form):
    version = HiddenField()
    basis = SelectField("Assessment", choices=choices(BASES, {"inherent": "Inherent: before the response",
                                                              "residual": "Residual: after the response"}))
    probability = SelectField("Probability", coerce=int, validators=[InputRequired()])
    impact = SelectField("Impact", coerce=int, validators=[InputRequired()])
    assessed_on = date_field("Assessed on", description="Empty: today.")
    note = area("Note")


class ResponseForm(kit.Form):
    version = HiddenField()
    strategy = SelectField("Strategy", validators=[DataRequired()])
    response = area("Response", description="What is done about it.")


class MitigationForm(kit.Form):
    version = HiddenField()
    title = text("Action", required=True)
    owner = text("Owner", required=True, max_len=100, render_kw={"list": "people"})
    due_date = date_field("Due date")
    priority = SelectField("Priority", choices=choices(ACTION_PRIORITIES), default="normal")
    description = area("Description", description="Empty: 'Mitigates risk R-nnn: title'.")


class ReviewForm(kit.Form):
    version = HiddenField()
    next_review = date_field("Next review", description="Empty: no date set.")
    note = area("What the review found")


class CloseForm(kit.Form):
    version = HiddenField()
    closure = area("Why is the risk closed?", required=True)


class MaterialiseForm(kit.Form):
    version = HiddenField()
    priority = SelectField("Issue priority", choices=choices(PRIORITIES), default="high")
    owner = text("Issue owner", max_len=100, render_kw={"list": "people"}, description="Empty: the risk owner.")
    description = area("What happened")


class IssueForm(WhereForm):
    title = text("Title", required=True)
    priority = SelectField("Priority", choices=choices(PRIORITIES), default="medium")
    owner = text("Owner", required=True, max_len=100, render_kw={"list": "people"})
    description = area("Description")


class IssueEditForm(kit.Form):
    version = HiddenField()
    title = text("Title", required=True)
    priority = SelectField("Priority", choices=choices(PRIORITIES))
    owner = text("Owner", required=True, max_len=100, render_kw={"list": "people"})
    description = area("Description")


class EscalateForm(kit.Form):
    version = HiddenField()
    to = SelectField("Escalate to", choices=choices(["programme", "portfolio"], {
        "programme": "Programme board", "portfolio": "Portfolio board"}))
    note = area("What the board should decide")


class ResolveForm(kit.Form):
    version = HiddenField()
    resolution = area("Resolution", required=True)


class ImportForm(kit.Form):
    file = FileField("CSV or XLSX file", description="Columns title and owner (optional: ID, description, "
                                                     "probability, impact, response, status, project, programme, "
                                                     "category, kind, cause, effect, proximity, review_date). CSV "
                                                     "UTF-8 or an .xlsx workbook (its first sheet), at most 1 MB.")
    where = SelectField("Rows that name no project or programme go to")
    dry_run = SelectField("Mode", choices=choices(["yes", "no"], {"yes": "Dry run: check only", "no": "Import"}),
                          default="yes")


class ScalesForm(kit.Form):
    version = HiddenField()
    probability_labels = text("Probability scale", required=True, max_len=400,
                               description="Labels from lowest to highest, separated by commas (3-10).")
    impact_labels = text("Impact scale", required=True, max_len=400,
                          description="Labels from lowest to highest, separated by commas (3-10).")
    medium = IntegerField("Medium from score", validators=[InputRequired(), NumberRange(2)])
    high = IntegerField("High from score", validators=[InputRequired(), NumberRange(3)])
    critical = IntegerField("Critical from score", validators=[InputRequired(), NumberRange(4)])
