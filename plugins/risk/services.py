"""Commands on the risk and issue registers, in the PMO's words.

Each command loads what it changes, calls the aggregate, and saves once (one transaction).
Permissions are the caller's business (pages, API, CLI); these functions trust their caller
and check only what the domain needs. Business dates (``identified_on``, ``assessed_on`` ...)
default to the day of the command context's time, so the demo's backdated commands and a
user's command today both get the right day.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from core.domain.action import Action
from core.domain.errors import ConflictError, NotFoundError, ValidationError
from core.domain.portfolio import Programme
from core.domain.project import Project
from core.pmo import PMO
from core.services import logs
from events.context import current_context
from events.temporal import visible
from plugins.risk import projections as tables
from plugins.risk.domain import (
    CATEGORIES, KINDS, PRIORITIES, SCOPES, DEFAULT_SCALE, Issue, Risk, RiskSettings, Scale, check_scale,
    one_of,
)

REF_CHARS = "-_."


def business_day() -> date:
    """The day of the command: its backdated time in the demo, today otherwise."""
    moment = current_context().occurred_at
    return moment.date() if moment is not None else date.today()


# --- scales ---------------------------------------------------------------------------------

def scale(pmo: PMO) -> Scale:
    """The scales in force now (the defaults until an admin configures them)."""
    settings_id = RiskSettings.create_id()
    return pmo.get(RiskSettings, settings_id).scale if pmo.exists(settings_id) else DEFAULT_SCALE


def configure_scales(pmo: PMO, probability_labels: list[str], impact_labels: list[str], medium: int,
                     high: int, critical: int, expected_version: int | None = None) -> RiskSettings:
    """Set the probability and impact scales and the level thresholds (admin)."""
    new = check_scale(probability_labels, impact_labels, medium, high, critical)
    settings_id = RiskSettings.create_id()
    if pmo.exists(settings_id):
        if expected_version == 0:  # the ETag of the scales as shipped: someone has set them since
            current = pmo.get(RiskSettings, settings_id).version
            raise ConflictError("the scales were set since you read them", current_version=current)
        settings = pmo.get(RiskSettings, settings_id, expected_version)
        settings.change(new)
    else:
        settings = RiskSettings(**new.as_dict())
    pmo.save(settings)
    return settings


# --- where a risk or issue belongs ----------------------------------------------------------

def _scope(pmo: PMO, scope: str, project_id: uuid.UUID | None, programme_id: uuid.UUID | None
           ) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    one_of(scope, SCOPES, "scope")
    if scope == "project":
        if project_id is None:
            raise ValidationError("a project risk needs its project", "project_id")
        try:
            pmo.get(Project, project_id)
        except NotFoundError:
            raise ValidationError("no such project", "project_id") from None
        return project_id, None
    if scope == "programme":
        if programme_id is None:
            raise ValidationError("a programme risk needs its programme", "programme_id")
        try:
            pmo.get(Programme, programme_id)
        except NotFoundError:
            raise ValidationError("no such programme", "programme_id") from None
        return None, programme_id
    return None, None


def check_ref(ref: str, field: str = "ref") -> str:
    ref = (ref or "").strip()
    if not ref or len(ref) > 40 or not all(c.isalnum() or c in REF_CHARS for c in ref):
        raise ValidationError("use 1-40 letters, digits, '-', '_' or '.'", field)
    return ref


def next_ref(pmo: PMO, prefix: str, scope: str, project_id: uuid.UUID | None,
             programme_id: uuid.UUID | None, taken: set[str] = frozenset()) -> str:
    """The next free reference in a scope: R-001, R-002 ... (I-001 for issues)."""
    table, cls = (tables.risks, Risk) if prefix == "R" else (tables.issues, Issue)
    stmt = sa.select(sa.func.count()).select_from(table).where(
        visible(table), table.c.scope == scope, table.c.project_id == project_id if project_id else sa.true(),
        table.c.programme_id == programme_id if programme_id else sa.true())
    with pmo.read() as conn:
        n = conn.execute(stmt).scalar_one() + 1
    while True:
        ref = f"{prefix}-{n:03d}"
        if ref.lower() not in taken and not pmo.exists(cls.create_id(ref, scope, project_id, programme_id)):
            return ref
        n += 1


# --- risks ----------------------------------------------------------------------------------

def new_risk(pmo: PMO, title: str, owner: str, scope: str = "project", project_id: uuid.UUID | None = None,
             programme_id: uuid.UUID | None = None, description: str = "", cause: str = "", effect: str = "",
             category: str = "other", kind: str = "threat", proximity: date | None = None,
             review_date: date | None = None, identified_on: date | None = None, ref: str | None = None,
             probability: int | None = None, impact: int | None = None, taken: set[str] = frozenset()) -> Risk:
    """A new risk, validated and (with probability and impact) assessed, but not yet saved."""
    if not (title or "").strip():
        raise ValidationError("a risk needs a title", "title")
    if not (owner or "").strip():
        raise ValidationError("a risk needs an owner", "owner")
    one_of(category, CATEGORIES, "category")
    one_of(kind, KINDS, "kind")
    project_id, programme_id = _scope(pmo, scope, project_id, programme_id)
    day = identified_on or business_day()
    ref = check_ref(ref) if ref else next_ref(pmo, "R", scope, project_id, programme_id, taken)
    if pmo.exists(Risk.create_id(ref, scope, project_id, programme_id)):
        raise ConflictError(f"risk {ref} already exists there")
    risk = Risk(ref=ref, title=title.strip(), description=description or "", cause=cause or "",
                effect=effect or "", category=category, owner=owner.strip(), kind=kind, scope=scope,
                project_id=project_id, programme_id=programme_id, proximity=proximity,
                review_date=review_date, identified_on=day)
    if (probability is None) != (impact is None):
        raise ValidationError("give both probability and impact, or neither",
                              "impact" if impact is None else "probability")
    if probability is not None:
        risk.assess("inherent", probability, impact, scale(pmo), day)
    return risk


def identify_risk(pmo: PMO, title: str, owner: str, **details: Any) -> Risk:
    """Identify a risk (threat or opportunity); with probability and impact, assess it too."""
    risk = new_risk(pmo, title, owner, **details)
    pmo.save(risk)
    return risk


def update_risk(pmo: PMO, risk_id: uuid.UUID, expected_version: int | None = None, **changes: Any) -> Risk:
    """Change a risk's description, owner, dates or category."""
    risk = pmo.get(Risk, risk_id, expected_version)
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationError("a risk needs a title", "title")
    if "owner" in changes and not (changes["owner"] or "").strip():
        raise ValidationError("a risk needs an owner", "owner")
    if "category" in changes:
        one_of(changes["category"], CATEGORIES, "category")
    risk.update(**changes)
    pmo.save(risk)
    return risk


def assess_risk(pmo: PMO, risk_id: uuid.UUID, basis: str, probability: int, impact: int,
                assessed_on: date | None = None, note: str = "", expected_version: int | None = None) -> Risk:
    """Assess a risk inherent (before the response) or residual (after it); score and level
    come from the scales in force."""
    risk = pmo.get(Risk, risk_id, expected_version)
    risk.assess(basis, probability, impact, scale(pmo), assessed_on or business_day(), note or "")
    pmo.save(risk)
    return risk


def plan_response(pmo: PMO, risk_id: uuid.UUID, strategy: str, response: str = "",
                  expected_version: int | None = None) -> Risk:
    """Choose the response: avoid, reduce, transfer or accept a threat; exploit, enhance,
    share or accept an opportunity."""
    risk = pmo.get(Risk, risk_id, expected_version)
    risk.plan_response(strategy, response or "")
    pmo.save(risk)
    return risk


def add_mitigation(pmo: PMO, risk_id: uuid.UUID, title: str, owner: str, due_date: date | None = None,
                   description: str = "", priority: str = "normal",
                   expected_version: int | None = None) -> Action:
    """Assign a core action that mitigates the risk (on the risk's project) and link it.

    The risk is checked first, so a refused link writes no action; the action and the link
    are two saves (the action is the core's), a moment apart.
    """
    risk = pmo.get(Risk, risk_id, expected_version)
    risk._require_open()
    action = logs.assign_action(pmo, title, owner, due_date, risk.project_id,
                                description or f"Mitigates risk {risk.ref}: {risk.title}", priority)
    risk.link_mitigation(action.id)
    pmo.save(risk)
    return action


def link_mitigation(pmo: PMO, risk_id: uuid.UUID, action_id: uuid.UUID,
                    expected_version: int | None = None) -> Risk:
    """Link an existing core action of the same project as a mitigation."""
    risk = pmo.get(Risk, risk_id, expected_version)
    try:
        action = pmo.get(Action, action_id)
    except NotFoundError:
        raise ValidationError("no such action", "action_id") from None
    if action.project_id != risk.project_id:
        raise ValidationError("the action belongs to another project", "action_id")
    risk.link_mitigation(action_id)
    pmo.save(risk)
    return risk


def review_risk(pmo: PMO, risk_id: uuid.UUID, next_review: date | None, note: str = "",
                reviewed_on: date | None = None, expected_version: int | None = None) -> Risk:
    """Record a review of the risk and when it is due again."""
    risk = pmo.get(Risk, risk_id, expected_version)
    risk.review(reviewed_on or business_day(), next_review, note or "")
    pmo.save(risk)
    return risk


def close_risk(pmo: PMO, risk_id: uuid.UUID, closure: str, closed_on: date | None = None,
               expected_version: int | None = None) -> Risk:
    """Close a risk that can no longer happen (or was accepted and passed), saying why."""
    risk = pmo.get(Risk, risk_id, expected_version)
    risk.close(closure or "", closed_on or business_day())
    pmo.save(risk)
    return risk


def materialise_risk(pmo: PMO, risk_id: uuid.UUID, priority: str = "high", owner: str | None = None,
                     description: str | None = None, raised_on: date | None = None,
                     expected_version: int | None = None) -> Issue:
    """The risk happened: raise an issue from it; the risk ends, linked to the issue."""
    risk = pmo.get(Risk, risk_id, expected_version)
    risk._require_open()
    one_of(priority, PRIORITIES, "priority")
    day = raised_on or business_day()
    ref = next_ref(pmo, "I", risk.scope, risk.project_id, risk.programme_id)
    issue = Issue(ref=ref, title=risk.title, description=description if description is not None else (
        f"Risk {risk.ref} materialised. {risk.effect}".strip()), priority=priority,
        owner=(owner or risk.owner).strip(), scope=risk.scope, project_id=risk.project_id,
        programme_id=risk.programme_id, raised_on=day, risk_id=risk.id)
    risk.materialise(issue.id, day)
    pmo.save(risk, issue)
    return issue


# --- issues ---------------------------------------------------------------------------------

def raise_issue(pmo: PMO, title: str, owner: str, priority: str = "medium", scope: str = "project",
                project_id: uuid.UUID | None = None, programme_id: uuid.UUID | None = None,
                description: str = "", raised_on: date | None = None, ref: str | None = None) -> Issue:
    """Raise an issue that no risk foresaw."""
    if not (title or "").strip():
        raise ValidationError("an issue needs a title", "title")
    if not (owner or "").strip():
        raise ValidationError("an issue needs an owner", "owner")
    one_of(priority, PRIORITIES, "priority")
    project_id, programme_id = _scope(pmo, scope, project_id, programme_id)
    ref = check_ref(ref) if ref else next_ref(pmo, "I", scope, project_id, programme_id)
    if pmo.exists(Issue.create_id(ref, scope, project_id, programme_id)):
        raise ConflictError(f"issue {ref} already exists there")
    issue = Issue(ref=ref, title=title.strip(), description=description or "", priority=priority,
                  owner=owner.strip(), scope=scope, project_id=project_id, programme_id=programme_id,
                  raised_on=raised_on or business_day(), risk_id=None)
    pmo.save(issue)
    return issue


def update_issue(pmo: PMO, issue_id: uuid.UUID, expected_version: int | None = None, **changes: Any) -> Issue:
    issue = pmo.get(Issue, issue_id, expected_version)
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationError("an issue needs a title", "title")
    if "owner" in changes and not (changes["owner"] or "").strip():
        raise ValidationError("an issue needs an owner", "owner")
    issue.update(**changes)
    pmo.save(issue)
    return issue


def escalate_issue(pmo: PMO, issue_id: uuid.UUID, to: str, note: str = "",
                   expected_version: int | None = None) -> Issue:
    """Hand an issue up to the programme board or the portfolio board."""
    issue = pmo.get(Issue, issue_id, expected_version)
    has_programme = issue.programme_id is not None
    if issue.project_id is not None:
        has_programme = pmo.get(Project, issue.project_id).programme_id is not None
    issue.escalate(to, note or "", has_programme)
    pmo.save(issue)
    return issue


def resolve_issue(pmo: PMO, issue_id: uuid.UUID, resolution: str, resolved_on: date | None = None,
                  expected_version: int | None = None) -> Issue:
    """Resolve an issue, saying how."""
    issue = pmo.get(Issue, issue_id, expected_version)
    issue.resolve(resolution or "", resolved_on or business_day())
    pmo.save(issue)
    return issue

