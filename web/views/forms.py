"""The HTML forms, one class per command; field names match the service's arguments.

The base ``Form`` adds the optional reason (kept with the event in the ledger) and knows how
to show a refusal next to its field. CSRF is checked app-wide by ``CSRFProtect``, so forms
switch off Flask-WTF's own token and templates carry ``csrf_token()`` themselves.
"""
from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    DateField, HiddenField, IntegerField, PasswordField, RadioField, SelectField, StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.domain.errors import ConflictError, DomainError
from core.domain.rag import RAG
from core.domain.user import ROLES

RAG_CHOICES = [SelectChoice(r, r.title()) for r in RAG]
ROLE_CHOICES = [SelectChoice(r) for r in ROLES]
NOT_FORM_DATA = ("reason", "version")
TEXT_FIELDS = (StringField, TextAreaField)  # PasswordField is a StringField too
CODE_HINT = "Letters, digits, '-', '_' or '.'; it cannot change later."


def opt_uuid(value: Any) -> uuid.UUID | None:
    """Coerce a picked id; pickers skip WTForms' choice check (``validate_choice=False``):
    the service says whether the id exists, and the view whether the user may use it (403)."""
    if value in (None, ""):
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class Form(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST before the view runs

    reason = StringField("Reason", validators=[Optional(), Length(max=500)],
                         description="Optional. Why you make this change; kept with it in the ledger.")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.conflict: ConflictError | None = None
        self.changed: list[tuple[str, Any, Any]] = []

    @property
    def status(self) -> int:
        if self.conflict is not None:
            return 409
        if request.method == "POST":
            return 422
        return 200

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments: every field but the reason and the version. A text
        field left out of the post is empty text, as a browser would have sent it."""
        return {name: "" if field.data is None and isinstance(field, TEXT_FIELDS) else field.data
                for name, field in self._fields.items() if name not in NOT_FORM_DATA}

    def expected_version(self) -> int | None:
        """The version the form was read at (None: the form carries none, so no check)."""
        field = self._fields.get("version")
        return int(field.data) if field is not None and str(field.data or "").isdigit() else None

    def refuse(self, error: DomainError, field: str | None = None) -> None:
        """Show the domain's refusal next to its field, or above the form."""
        name = field or error.field
        if name in self._fields and name not in NOT_FORM_DATA:
            self._fields[name].errors = [*self._fields[name].errors, error.message]
        else:
            self.form_errors.append(error.message)

    def clash(self, error: ConflictError, current: dict | None, field: str | None = None) -> None:
        """A clash: a stale version keeps the input, lists what is different now and offers the
        current version; a clash without one (a code that is taken) is shown at ``field``."""
        self.conflict = error
        if error.current_version is None:
            self.refuse(error, field)
            return
        if current is not None:
            self.changed = [
                (f.label.text, current[name], f.data) for name, f in self._fields.items()
                if name in current and name not in NOT_FORM_DATA and not _same(current[name], f.data)
            ]
        if "version" in self._fields:
            self._fields["version"].data = str(error.current_version)


def _same(stored: Any, typed: Any) -> bool:
    return stored == typed or (stored in (None, "") and typed in (None, ""))


class Versioned(Form):
    version = HiddenField()


def _text(label: str, required: bool = False, max_len: int = 200, **kw: Any) -> StringField:
    validators = [DataRequired(), Length(max=max_len)] if required else [Optional(), Length(max=max_len)]
    return StringField(label, validators=validators, **kw)


def _area(label: str, required: bool = False, **kw: Any) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired()] if required else [Optional()], **kw)


def _date(label: str, required: bool = False, **kw: Any) -> DateField:
    return DateField(label, validators=[InputRequired()] if required else [Optional()], **kw)


# --- portfolio, programmes, projects -------------------------------------------------------

class PortfolioForm(Versioned):
    name = _text("Portfolio name", required=True)
    description = _area("Description")


class ProgrammeForm(Versioned):
    """Register a programme; the edit form drops the code (``del form.code``)."""
    code = _text("Code", required=True, max_len=40, description=CODE_HINT)
    name = _text("Name", required=True)
    description = _area("Description")
    sponsor = _text("Sponsor", max_len=100, render_kw={"list": "people"})
    manager = _text("Programme manager", max_len=100, render_kw={"list": "people"})


class ProjectForm(Versioned):
    """Register a project; the edit form drops the code (``del form.code``)."""
    code = _text("Code", required=True, max_len=40, description=CODE_HINT)
    name = _text("Name", required=True)
    description = _area("Description")
    sponsor = _text("Sponsor", max_len=100, render_kw={"list": "people"})
    manager = _text("Project manager", max_len=100, render_kw={"list": "people"})
    programme_id = SelectField("Programme", coerce=opt_uuid, validate_choice=False)
    start_date = _date("Start date")
    end_date = _date("End date")


class StageForm(Versioned):
    stage = SelectField("Move to stage", validators=[DataRequired()])
    gate_decision = _area("Gate decision", required=True,
                          description="What the steering group decided at this gate, and on what grounds.")


# --- status reports and milestones ---------------------------------------------------------

class StatusReportForm(Versioned):
    period_start = _date("Period start", required=True)
    period_end = _date("Period end", required=True)
    overall = RadioField("Overall", choices=RAG_CHOICES, validators=[InputRequired()])
    schedule = RadioField("Schedule", choices=RAG_CHOICES, validators=[InputRequired()])
    cost = RadioField("Cost", choices=RAG_CHOICES, validators=[InputRequired()])
    scope = RadioField("Scope", choices=RAG_CHOICES, validators=[InputRequired()])
    progress_pct = IntegerField("Progress (%)", validators=[InputRequired(), NumberRange(0, 100)],
                                render_kw={"min": 0, "max": 100, "inputmode": "numeric"})
    summary = _area("Summary", description="Progress this period, what comes next, what needs attention.",
                    render_kw={"rows": 6})


class MilestoneForm(Form):
    name = _text("Milestone", required=True)
    baseline_date = _date("Baseline date", required=True, description="The date promised in the plan.")
    description = _area("Description")


class ReforecastForm(Versioned):
    forecast_date = _date("New forecast date", required=True)


class AchieveForm(Versioned):
    actual_date = _date("Achieved on", required=True)


# --- decisions and actions -----------------------------------------------------------------

class DecisionForm(Form):
    project_id = SelectField("Project", coerce=opt_uuid, validate_choice=False)
    title = _text("Title", required=True)
    decision = _area("Decision", required=True, description="What was decided, in one or two sentences.")
    rationale = _area("Rationale")
    decided_by = _text("Decided by", required=True, max_len=100, render_kw={"list": "people"},
                       description="A person or a body, e.g. the steering group.")
    decided_on = _date("Decided on", required=True)


class SupersedeForm(Versioned):
    by = SelectField("Superseded by", coerce=opt_uuid, validators=[InputRequired()],
                     description="The later decision that replaces this one.")


class ActionForm(Versioned):
    """Assign an action; the edit form drops the project (``del form.project_id``)."""
    project_id = SelectField("Project", coerce=opt_uuid, validate_choice=False)
    title = _text("Title", required=True)
    owner = _text("Owner", required=True, max_len=100, render_kw={"list": "people"})
    due_date = _date("Due date")
    description = _area("Description")


class OutcomeForm(Versioned):
    outcome = _area("Outcome", description="What came of it (optional).")


# --- administration ------------------------------------------------------------------------

class UserForm(Form):
    username = _text("Username", required=True, max_len=40, render_kw={"autocomplete": "off"})
    display_name = _text("Display name")
    email = StringField("Email", validators=[Optional(), Length(max=200)], render_kw={"type": "email"})
    role = SelectField("Role", choices=ROLE_CHOICES, default="viewer")
    password = PasswordField("Initial password", validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"}, description="At least 8 characters.")


class RoleForm(Versioned):
    role = SelectField("Role", choices=ROLE_CHOICES)


class PasswordForm(Form):
    password = PasswordField("New password", validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"}, description="At least 8 characters.")


class TokenForm(Form):
    label = _text("Label", description="What the token is for, e.g. 'reporting script'.")


class PluginForm(Form):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)],
                         description="Required. Why the plugin is switched; kept in the ledger.")
