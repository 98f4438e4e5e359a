"""The HTML forms of the governance pages, one class per command. Field names are the
service's arguments where they can be; a review's checklist answers are fields built for its
items (``review_form``), agenda lines and name lists are parsed here. Reason and refusals come
from ``plugins.kit.Form``.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.domain.action import PRIORITIES
from plugins import kit
from plugins.governance.domain import ANSWERS, CADENCES, SERIES_KINDS, VERDICTS, label

CONDITION_ROWS = 3


def text(label_: str, required: bool = False, max_len: int = 200, **kw: Any) -> StringField:
    validators = [DataRequired(), Length(max=max_len)] if required else [Optional(), Length(max=max_len)]
    return StringField(label_, validators=validators, **kw)


def person(label_: str, required: bool = True, **kw: Any) -> StringField:
    return text(label_, required, 100, render_kw={"list": "people"}, **kw)


def choices(values) -> list[SelectChoice]:
    return [SelectChoice(v, label(v)) for v in values]


def lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def names(value: str | None) -> list[str]:
    """People given one per line or separated by commas."""
    return [n.strip() for line in lines(value) for n in line.split(",") if n.strip()]


def optional_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID) or value is None:
        return value
    return uuid.UUID(value) if value else None


# --- checklists and reviews -------------------------------------------------------------------

class ChecklistForm(kit.Form):
    items = TextAreaField("Checklist items", validators=[DataRequired(), Length(max=12_000)],
                          description="One item per line, each a question the gate answers met, not met or n/a.")


class OpenReviewForm(kit.Form):
    project_id = SelectField("Project", coerce=optional_uuid, validators=[InputRequired()])
    chair = person("Chair", description="Who chairs the review; the decision is recorded as theirs.")
    planned_on = DateField("Review date", validators=[Optional()], description="Empty: today.")


def review_form(checklist: list[str], deciding: bool) -> type[kit.Form]:
    """A form for one review: an answer and evidence per checklist item; for the verdict also
    the verdict, a summary and up to three conditions (each becomes an action)."""
    attrs: dict[str, Any] = {"version": HiddenField()}
    for n, item in enumerate(checklist):
        attrs[f"answer_{n}"] = RadioField(f"{n + 1}. {item}", choices=[SelectChoice(a, label(a)) for a in ANSWERS],
                                          validate_choice=False,
                                          validators=[InputRequired(message="Answer this item.")] if deciding
                                          else [Optional()])
        attrs[f"evidence_{n}"] = StringField(f"Evidence for item {n + 1}", validators=[Optional(), Length(max=2000)])
    if deciding:
        attrs["verdict"] = RadioField("Verdict", choices=[SelectChoice(v, label(v)) for v in VERDICTS], validate_choice=False,
                                      validators=[InputRequired(message="Choose a verdict.")],
                                      description="Go and go with conditions move the project; no-go and hold "
                                                  "keep its stage.")
        attrs["summary"] = TextAreaField("Summary", validators=[Optional(), Length(max=20_000)],
                                         description="Why; required for no-go and hold.")
        attrs["decided_on"] = DateField("Decided on", validators=[Optional()], description="Empty: today.")
        for n in range(1, CONDITION_ROWS + 1):
            attrs[f"condition_{n}_title"] = text(f"Condition {n}", description="Becomes an action on the project."
                                                 if n == 1 else None)
            attrs[f"condition_{n}_owner"] = person(f"Condition {n}: owner", required=False)
            attrs[f"condition_{n}_due"] = DateField(f"Condition {n}: due", validators=[Optional()])
    return type("ReviewForm", (kit.Form,), attrs)


def answers_of(form: kit.Form, checklist: list[str]) -> list[dict]:
    return [{"answer": form[f"answer_{n}"].data or "", "evidence": form[f"evidence_{n}"].data or ""}
            for n in range(len(checklist))]


def conditions_of(form: kit.Form) -> list[dict]:
    return [{"title": form[f"condition_{n}_title"].data or "", "owner": form[f"condition_{n}_owner"].data or "",
             "due_date": form[f"condition_{n}_due"].data} for n in range(1, CONDITION_ROWS + 1)]


def fill_answers(form: kit.Form, answers: list[dict]) -> None:
    for n, a in enumerate(answers):
        if form[f"answer_{n}"].data is None and a.get("answer"):
            form[f"answer_{n}"].data = a["answer"]
        if not form[f"evidence_{n}"].data and a.get("evidence"):
            form[f"evidence_{n}"].data = a["evidence"]


# --- meetings ---------------------------------------------------------------------------------

class SeriesForm(kit.Form):
    version = HiddenField()
    name = text("Name", required=True, max_len=100, description="E.g. 'Steering committee Digital'; decisions "
                                                                "taken in its meetings are recorded as its.")
    kind = SelectField("Kind", choices=choices(SERIES_KINDS))
    cadence = SelectField("Meets", choices=choices(CADENCES), default="monthly")
    chair = person("Chair")
    members = TextAreaField("Members", validators=[Optional(), Length(max=10_000)],
                            description="One per line, or separated by commas.")
    description = TextAreaField("Remit", validators=[Optional(), Length(max=20_000)])


class MeetingForm(kit.Form):
    version = HiddenField()
    title = text("Title", description="Empty: the series' name and the date.")
    held_on = DateField("Date", validators=[InputRequired()])
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=20_000)],
                           description="One item per line; start a line with a project code and a colon "
                                       "(DIG-01: ...) to put that project's status in the papers.")
    attendees = TextAreaField("Attendees", validators=[Optional(), Length(max=10_000)],
                              description="One per line, or separated by commas.")
    minutes = TextAreaField("Minutes", validators=[Optional(), Length(max=20_000)])


def agenda_of(value: str | None, codes: dict[str, uuid.UUID]) -> list[dict]:
    """Agenda lines; a leading known project code and a colon links the item to the project."""
    items = []
    for line in lines(value):
        head, sep, rest = line.partition(":")
        pid = codes.get(head.strip().lower()) if sep else None
        items.append({"title": line, "project_id": pid})
    return items


def agenda_text(items: list[dict]) -> str:
    return "\n".join(i["title"] for i in items)


class MeetingDecisionForm(kit.Form):
    version = HiddenField()
    title = text("Title", required=True)
    decision = TextAreaField("Decision", validators=[DataRequired(), Length(max=20_000)])
    rationale = TextAreaField("Rationale", validators=[Optional(), Length(max=20_000)])
    project_id = SelectField("Project", coerce=optional_uuid, validators=[Optional()])


class MeetingActionForm(kit.Form):
    version = HiddenField()
    title = text("Title", required=True)
    owner = person("Owner")
    due_date = DateField("Due", validators=[Optional()])
    priority = SelectField("Priority", choices=[SelectChoice(p, p.capitalize()) for p in PRIORITIES],
                           default="normal")
    project_id = SelectField("Project", coerce=optional_uuid, validators=[Optional()])
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])


class CloseMeetingForm(kit.Form):
    version = HiddenField()
    note = TextAreaField("Closing note", validators=[Optional(), Length(max=20_000)],
                         description="Closing archives the record: agenda, attendees, minutes, decisions and "
                                     "actions can no longer be changed.")


def today() -> date:
    return date.today()
