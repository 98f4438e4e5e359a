"""Status reports and milestones: how a project is doing against its plan."""
from __future__ import annotations

import uuid
from datetime import date

from core.domain.milestone import Milestone
from core.domain.project import Project, ProjectClosedError
from core.domain.status_report import StatusReport
from core.domain.errors import ValidationError
from core.pmo import PMO


def _open_project(pmo: PMO, project_id: uuid.UUID) -> Project:
    project = pmo.get(Project, project_id)
    if not project.is_open:
        raise ProjectClosedError(f"project {project.code} is {project.stage}")
    return project


def draft_status_report(pmo: PMO, project_id: uuid.UUID, **fields) -> StatusReport:
    _open_project(pmo, project_id)
    report = StatusReport.draft(project_id=project_id, **fields)
    pmo.save(report)
    return report


def revise_status_report(pmo: PMO, report_id: uuid.UUID, expected_version: int | None = None,
                         **changes) -> StatusReport:
    report = pmo.get(StatusReport, report_id, expected_version)
    report.revise(**changes)
    pmo.save(report)
    return report


def publish_status_report(pmo: PMO, report_id: uuid.UUID, expected_version: int | None = None) -> StatusReport:
    report = pmo.get(StatusReport, report_id, expected_version)
    report.publish()
    pmo.save(report)
    return report


def submit_status_report(pmo: PMO, project_id: uuid.UUID, **fields) -> StatusReport:
    """Draft and publish in one step (one transaction), as most PMOs do each period."""
    _open_project(pmo, project_id)
    report = StatusReport.draft(project_id=project_id, **fields)
    report.publish()
    pmo.save(report)
    return report


def plan_milestone(pmo: PMO, project_id: uuid.UUID, name: str, baseline_date: date,
                   description: str = "") -> Milestone:
    milestone = new_milestone(pmo, project_id, name, baseline_date, description)
    pmo.save(milestone)
    return milestone


def new_milestone(pmo: PMO, project_id: uuid.UUID, name: str, baseline_date: date,
                  description: str = "") -> Milestone:
    """A milestone checked and built but not saved (a spreadsheet import saves many at once)."""
    _open_project(pmo, project_id)
    if not name.strip():
        raise ValidationError("a milestone needs a name", "name")
    return Milestone(project_id=project_id, name=name.strip(), baseline_date=baseline_date,
                     description=description)


def reforecast_milestone(pmo: PMO, milestone_id: uuid.UUID, forecast_date: date,
                         expected_version: int | None = None) -> Milestone:
    milestone = pmo.get(Milestone, milestone_id, expected_version)
    milestone.reforecast(forecast_date)
    pmo.save(milestone)
    return milestone


def achieve_milestone(pmo: PMO, milestone_id: uuid.UUID, actual_date: date,
                      expected_version: int | None = None) -> Milestone:
    milestone = pmo.get(Milestone, milestone_id, expected_version)
    milestone.achieve(actual_date)
    pmo.save(milestone)
    return milestone
