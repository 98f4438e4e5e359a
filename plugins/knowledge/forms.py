"""The HTML forms of the knowledge pages, one class per command. Field names are the service's
arguments; a template's milestones, actions and checklists are typed one per line
(``parse_lines``). Reason and refusals come from ``plugins.kit.Form``.
"""
from __future__ import annotations

import uuid
from typing import Any

from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.domain.errors import ValidationError
from core.domain.project import STAGES
from plugins import kit
from plugins.knowledge.domain import CHECKLIST_STAGES, KINDS

KIND_LABELS = {"repeat": "Repeat: it worked", "avoid": "Avoid: it hurt"}


def opt_uuid(value: Any) -> uuid.UUID | None:
    if value in (None, "", "None"):
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def area(label: str, required: bool = False, **kw: Any) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired() if required else Optional(), Length(max=20_000)], **kw)


class LessonForm(kit.Form):
    version = HiddenField()
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    what_happened = area("What happened", required=True)
    kind = SelectField("Repeat or avoid", choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS])
    recommendation = area("What to repeat or avoid", required=True,
                          description="The advice for the next project, in one or two sentences.")
    category = StringField("Category", validators=[DataRequired(), Length(max=60)], render_kw={"list": "categories"},
                           description="Pick one of the PMO's categories, or type your own.")
    tags = StringField("Tags", validators=[Optional(), Length(max=900)],
                       description="Comma-separated, e.g. supplier, contract, go-live.")
    stage = SelectField("Stage", choices=[SelectChoice("", "Not tied to a stage"), *[SelectChoice(s, s.capitalize()) for s in STAGES]],
                        validators=[Optional()])
    project_id = SelectField("Project", coerce=opt_uuid, validate_choice=False)

    def command_values(self) -> dict[str, Any]:
        return self.values()


class EndorseForm(kit.Form):
    version = HiddenField()
    note = area("Note", description="Optional: why the PMO passes this lesson on.")


class RetireForm(kit.Form):
    version = HiddenField()
    note = area("Why it no longer holds", required=True)


class CategoriesForm(kit.Form):
    version = HiddenField()
    categories = area("Categories", required=True, description="One per line.")


class ProfileForm(kit.Form):
    version = HiddenField()
    category = StringField("Category", validators=[Optional(), Length(max=60)], render_kw={"list": "categories"})
    tags = StringField("Tags", validators=[Optional(), Length(max=900)], description="Comma-separated.")


def parse_lines(text: str, field: str, with_owner: bool = False) -> list[dict]:
    """``"30 | Requirements signed off"`` per line (and ``| owner`` for actions) -> dicts."""
    items = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0].isdigit() or (len(parts) > 2 and not with_owner) or len(parts) > 3:
            shape = "days | title | owner (optional)" if with_owner else "days | name"
            raise ValidationError(f"line {n}: write '{shape}', e.g. '30 | {'Draft the charter' if with_owner else 'Go-live'}'",
                                  field)
        item = {"offset_days": int(parts[0]), ("title" if with_owner else "name"): parts[1]}
        if with_owner:
            item["owner"] = parts[2] if len(parts) > 2 else ""
        items.append(item)
    return items


def format_lines(items: list[dict], with_owner: bool = False) -> str:
    if with_owner:
        return "\n".join(f"{a['offset_days']} | {a['title']}" + (f" | {a['owner']}" if a.get("owner") else "")
                         for a in items or [])
    return "\n".join(f"{m['offset_days']} | {m['name']}" for m in items or [])


class TemplateForm(kit.Form):
    version = HiddenField()
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = area("Description")
    category = StringField("Category", validators=[Optional(), Length(max=60)], render_kw={"list": "categories"},
                           description="Projects made from it get this category and the tags below: the "
                                       "lessons of their kind are suggested to them.")
    tags = StringField("Tags", validators=[Optional(), Length(max=900)], description="Comma-separated.")
    milestones = area("Milestones", description="One per line: days after the start date | name, "
                                                "e.g. '90 | Go-live'.")
    actions = area("Standard actions", description="One per line: days after the start | title | owner "
                                                   "(optional; empty: the project manager).")
    checklist_approved = area("Checklist to approve the project", description="One item per line.")
    checklist_active = area("Checklist to start the project", description="One item per line.")
    checklist_closed = area("Checklist to close the project", description="One item per line.")
    recommended_plugins = SelectMultipleField("Recommended plugins", validators=[Optional()])
    gate_reviews_required = BooleanField("Stage changes need a gate review",
                                         description="A project made from it changes stage only through a "
                                                     "'go' gate review (the governance plugin).")

    def fill(self, row: dict) -> None:
        """Show a template's content in the line-per-item fields."""
        self.name.data, self.description.data, self.category.data = row["name"], row["description"], row["category"]
        self.tags.data = ", ".join(row["tags"] or [])
        self.milestones.data = format_lines(row["milestones"])
        self.actions.data = format_lines(row["actions"], with_owner=True)
        for stage in CHECKLIST_STAGES:
            self[f"checklist_{stage}"].data = "\n".join((row["checklists"] or {}).get(stage) or [])
        self.recommended_plugins.data = list(row["recommended_plugins"] or [])
        self.gate_reviews_required.data = bool(row["gate_reviews_required"])
        self.version.data = str(row["version"])

    def command_values(self) -> dict[str, Any]:
        return {"name": self.name.data, "description": self.description.data or "",
                "category": self.category.data or "", "tags": self.tags.data or "",
                "milestones": parse_lines(self.milestones.data, "milestones"),
                "actions": parse_lines(self.actions.data, "actions", with_owner=True),
                "checklists": {s: [i for i in (self[f"checklist_{s}"].data or "").splitlines() if i.strip()]
                               for s in CHECKLIST_STAGES},
                "recommended_plugins": list(self.recommended_plugins.data or []),
                "gate_reviews_required": bool(self.gate_reviews_required.data)}


class ApplyForm(kit.Form):
    """New project from a template; ``version`` is the template version shown (409 if it moved)."""

    version = HiddenField()
    code = StringField("Code", validators=[DataRequired(), Length(max=40)])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    start_date = DateField("Start date", validators=[InputRequired()],
                           description="The template's milestones and actions are dated from it.")
    end_date = DateField("End date", validators=[Optional()])
    manager = StringField("Project manager", validators=[Optional(), Length(max=100)], render_kw={"list": "people"})
    sponsor = StringField("Sponsor", validators=[Optional(), Length(max=100)], render_kw={"list": "people"})
    description = area("Description", description="Empty: the template's description.")

    def command_values(self) -> dict[str, Any]:
        values = self.values()
        values["version"] = self.expected_version()
        values["end_date"] = values.get("end_date") or None
        return values
