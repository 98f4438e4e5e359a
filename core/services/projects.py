"""Projects: register, update, pass lifecycle gates."""
from __future__ import annotations

import uuid
from datetime import date

from core.domain.errors import ConflictError, NotAllowedError, NotFoundError, ValidationError
from core.domain.portfolio import Programme
from core.domain.project import Project
from core.pmo import PMO
from core.services.portfolio import _check_code


def register_project(
    pmo: PMO, code: str, name: str, description: str = "", sponsor: str = "", manager: str = "",
    programme_id: uuid.UUID | None = None, start_date: date | None = None, end_date: date | None = None,
) -> Project:
    project = new_project(pmo, code, name, description, sponsor, manager, programme_id, start_date, end_date)
    pmo.save(project)
    return project


def new_project(
    pmo: PMO, code: str, name: str, description: str = "", sponsor: str = "", manager: str = "",
    programme_id: uuid.UUID | None = None, start_date: date | None = None, end_date: date | None = None,
) -> Project:
    """A project checked and built but not saved: ``register_project`` saves it alone, a
    spreadsheet import saves many in one transaction."""
    code = _check_code(code)
    if not name.strip():
        raise ValidationError("a project needs a name", "name")
    if start_date and end_date and end_date < start_date:
        raise ValidationError("end date is before start date", "end_date")
    _check_programme(pmo, programme_id)
    if pmo.exists(Project.create_id(code)):
        raise ConflictError(f"project code {code} is already taken")
    return Project(
        code=code, name=name.strip(), description=description, sponsor=sponsor, manager=manager,
        programme_id=programme_id, start_date=start_date, end_date=end_date,
    )


def update_project(pmo: PMO, project_id: uuid.UUID, expected_version: int | None = None, **changes) -> Project:
    project = pmo.get(Project, project_id, expected_version)
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationError("a project needs a name", "name")
    if "programme_id" in changes:
        _check_programme(pmo, changes["programme_id"])
    project.update(**changes)
    pmo.save(project)
    return project


class StageChangeRefusedError(NotAllowedError):
    """A plugin's ``stage_change_guard`` refused the stage change (its message says why)."""


def move_project_to_stage(
    pmo: PMO, project_id: uuid.UUID, stage: str, gate_decision: str, expected_version: int | None = None,
    via: str | None = None,
) -> Project:
    project = stage_project(pmo, project_id, stage, gate_decision, expected_version, via)
    pmo.save(project)
    return project


def stage_project(
    pmo: PMO, project_id: uuid.UUID, stage: str, gate_decision: str, expected_version: int | None = None,
    via: str | None = None,
) -> Project:
    """The project moved to ``stage`` but not saved: a plugin's process (a gate review) saves it
    with its own records in one transaction. The enabled plugins' ``stage_change_guard`` may
    refuse; ``via`` names the process asking (None: a plain stage change)."""
    project = pmo.get(Project, project_id, expected_version)
    refusals = pmo.hook("stage_change_guard")(pmo=pmo, project=project, to_stage=stage, via=via)
    refusal = next((r for r in refusals if r), None)
    if refusal:
        raise StageChangeRefusedError(refusal, "stage")
    project.move_to_stage(stage, gate_decision)
    return project


def _check_programme(pmo: PMO, programme_id: uuid.UUID | None) -> None:
    if programme_id is None:
        return
    try:
        pmo.get(Programme, programme_id)
    except NotFoundError:
        raise ValidationError("no such programme", "programme_id") from None
