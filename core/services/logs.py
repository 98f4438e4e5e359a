"""The decision log and the action list."""
from __future__ import annotations

import uuid
from datetime import date

from core.domain.action import Action, check_priority
from core.domain.decision import Decision
from core.domain.errors import NotFoundError, ValidationError
from core.domain.project import Project
from core.pmo import PMO


def _check_project(pmo: PMO, project_id: uuid.UUID | None) -> None:
    if project_id is None:
        return
    try:
        pmo.get(Project, project_id)
    except NotFoundError:
        raise ValidationError("no such project", "project_id") from None


def record_decision(pmo: PMO, title: str, decision: str, decided_by: str, decided_on: date,
                    rationale: str = "", project_id: uuid.UUID | None = None) -> Decision:
    if not title.strip():
        raise ValidationError("a decision needs a title", "title")
    if not decision.strip():
        raise ValidationError("say what was decided", "decision")
    _check_project(pmo, project_id)
    record = Decision(title=title.strip(), decision=decision, rationale=rationale,
                      decided_by=decided_by, decided_on=decided_on, project_id=project_id)
    pmo.save(record)
    return record


def supersede_decision(pmo: PMO, decision_id: uuid.UUID, by: uuid.UUID,
                       expected_version: int | None = None) -> Decision:
    old = pmo.get(Decision, decision_id, expected_version)
    pmo.get(Decision, by)
    old.supersede(by)
    pmo.save(old)
    return old


def assign_action(pmo: PMO, title: str, owner: str, due_date: date | None = None,
                  project_id: uuid.UUID | None = None, description: str = "",
                  priority: str = "normal") -> Action:
    action = new_action(pmo, title, owner, due_date, project_id, description, priority)
    pmo.save(action)
    return action


def new_action(pmo: PMO, title: str, owner: str, due_date: date | None = None,
               project_id: uuid.UUID | None = None, description: str = "",
               priority: str = "normal") -> Action:
    """An action checked and built but not saved (a spreadsheet import saves many at once)."""
    if not title.strip():
        raise ValidationError("an action needs a title", "title")
    if not owner.strip():
        raise ValidationError("an action needs an owner", "owner")
    _check_project(pmo, project_id)
    check_priority(priority)
    return Action(title=title.strip(), owner=owner.strip(), due_date=due_date,
                  project_id=project_id, description=description, priority=priority)


def update_action(pmo: PMO, action_id: uuid.UUID, expected_version: int | None = None, **changes) -> Action:
    action = pmo.get(Action, action_id, expected_version)
    # The same rule as when it was assigned: an action has a title and an owner.
    for name, message in (("title", "an action needs a title"), ("owner", "an action needs an owner")):
        if name in changes and not (changes[name] or "").strip():
            raise ValidationError(message, name)
    action.update(**changes)
    pmo.save(action)
    return action


def close_action(pmo: PMO, action_id: uuid.UUID, outcome: str = "",
                 expected_version: int | None = None) -> Action:
    action = pmo.get(Action, action_id, expected_version)
    action.close(outcome)
    pmo.save(action)
    return action


def cancel_action(pmo: PMO, action_id: uuid.UUID, outcome: str = "",
                  expected_version: int | None = None) -> Action:
    action = pmo.get(Action, action_id, expected_version)
    action.cancel(outcome)
    pmo.save(action)
    return action


def reopen_action(pmo: PMO, action_id: uuid.UUID, expected_version: int | None = None) -> Action:
    action = pmo.get(Action, action_id, expected_version)
    action.reopen()
    pmo.save(action)
    return action
