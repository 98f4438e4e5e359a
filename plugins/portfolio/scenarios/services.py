"""Scenario commands, in the PMO's words: branch, change (drop, shift, cost, must-do, budget,
capacity), withdraw a change, rename, discard, commit.

Everything but ``commit_scenario`` writes to the scenario store only. ``commit_scenario``
writes the scenario's decisions to the live ledger as the core's and this plugin's own events,
by whoever runs the command, in one save (all or nothing), then marks the scenario committed:

    drop      core.Project.StageChanged to cancelled, the gate decision naming the scenario
    shift     core.Project.Updated (start and end moved), core.Milestone.Reforecast for each
              open milestone, and portfolio.Appraisal.Estimated when its demands move
    cost, must-do  portfolio.Appraisal.Estimated (Opened first if the project had none)
    budget, capacity  portfolio.Envelope.Set (Opened first if there was none)
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from core import queries as core_queries
from core.domain.errors import NotFoundError, ValidationError
from core.domain.milestone import Milestone
from core.domain.project import Project
from core.pmo import PMO
from events.context import because, current_context
from plugins.portfolio.domain import Appraisal, Envelope
from plugins.portfolio.queries import ENDED
from plugins.portfolio.scenarios.book import book
from plugins.portfolio.scenarios.domain import KINDS, Scenario, check_name
from plugins.portfolio.scenarios.evaluate import shift_period


def branch_scenario(pmo: PMO, name: str, description: str = "") -> Scenario:
    """Start a scenario from the live portfolio as it is now (the ledger's current position)."""
    scenario = Scenario(name=check_name(name), description=(description or "").strip(),
                        branch_position=pmo.ledger.max_position())
    book(pmo).keep(scenario)
    return scenario


def _open_project(pmo: PMO, project_id: Any) -> dict:
    project = core_queries.get_project(pmo, project_id)
    if project is None:
        raise ValidationError("no such project", "project_id")
    if project["stage"] in ENDED:
        raise ValidationError(f"project {project['code']} is {project['stage']}", "project_id")
    return project


def change_scenario(pmo: PMO, scenario_id: uuid.UUID, kind: str, expected_version: int | None = None,
                    project_id: Any = None, days: int | None = None, cost: float | None = None,
                    must_do: bool | None = None, budget: float | None = None, role: str | None = None,
                    period: str | None = None, amount: float | None = None) -> Scenario:
    """Record one hypothetical change; it replaces an earlier change of the same kind to the
    same project (or role and period)."""
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", "kind")
    scenario = book(pmo).scenario(scenario_id, expected_version)
    needs = {"shift": ("days", days), "cost": ("cost", cost), "must_do": ("must_do", must_do),
             "budget": ("budget", budget), "capacity": ("amount", amount)}
    if kind in needs and needs[kind][1] is None:
        raise ValidationError(f"a {kind.replace('_', '-')} change needs {needs[kind][0]}", needs[kind][0])
    if kind in ("drop", "shift", "cost", "must_do"):
        project = _open_project(pmo, project_id)
        pid, code = project["id"], project["code"]
        if kind == "drop":
            scenario.drop(pid, code)
        elif kind == "shift":
            scenario.shift(pid, code, days)
        elif kind == "cost":
            scenario.change_cost(pid, code, cost)
        else:
            scenario.set_must_do(pid, code, must_do)
    elif kind == "budget":
        scenario.change_budget(budget)
    else:
        scenario.change_capacity(role, period, amount)
    book(pmo).keep(scenario)
    return scenario


def withdraw_change(pmo: PMO, scenario_id: uuid.UUID, key: str, expected_version: int | None = None) -> Scenario:
    scenario = book(pmo).scenario(scenario_id, expected_version)
    scenario.withdraw(key)
    book(pmo).keep(scenario)
    return scenario


def rename_scenario(pmo: PMO, scenario_id: uuid.UUID, name: str, description: str | None = None,
                    expected_version: int | None = None) -> Scenario:
    scenario = book(pmo).scenario(scenario_id, expected_version)
    scenario.rename(name, scenario.description if description is None else description.strip())
    book(pmo).keep(scenario)
    return scenario


def discard_scenario(pmo: PMO, scenario_id: uuid.UUID, expected_version: int | None = None) -> Scenario:
    """Give the scenario up; it stays readable, and the live ledger never heard of it."""
    scenario = book(pmo).scenario(scenario_id, expected_version)
    scenario.discard()
    book(pmo).keep(scenario)
    return scenario


class _Loaded:
    """The live aggregates a commit changes, each loaded once."""

    def __init__(self, pmo: PMO):
        self.pmo, self.found = pmo, {}

    def get(self, cls, aggregate_id, new=None):
        if aggregate_id not in self.found:
            try:
                self.found[aggregate_id] = self.pmo.get(cls, aggregate_id)
            except NotFoundError:
                if new is None:
                    raise
                self.found[aggregate_id] = new()
        return self.found[aggregate_id]


def decisions(scenario: Scenario) -> dict[str, Any]:
    """The scenario's changes grouped as the live ledger will take them."""
    per_project: dict[uuid.UUID, dict] = {}
    envelope: dict[str, Any] = {}
    for c in scenario.changes.values():
        if c["kind"] in ("budget", "capacity"):
            envelope.setdefault("capacities", {})
            if c["kind"] == "budget":
                envelope["budget"] = c["budget"]
            else:
                envelope["capacities"][(c["role"].lower(), c["period"])] = c
        else:
            per_project.setdefault(c["project_id"], {"code": c["code"]})[c["kind"]] = c
    return {"projects": per_project, "envelope": envelope}


def commit_scenario(pmo: PMO, scenario_id: uuid.UUID, expected_version: int | None = None) -> Scenario:
    """Write the scenario's decisions to the live ledger (one save) and mark it committed."""
    scenario = book(pmo).scenario(scenario_id, expected_version)
    scenario.require_open()
    if not scenario.changes:
        raise ValidationError("the scenario has no changes to commit", "changes")
    given = current_context().reason
    why = f"Scenario '{scenario.name}'"
    # Events take their reason when they are triggered: the whole plan runs under it.
    with because(f"{why}: {given}" if given else why):
        changed, count = _apply(pmo, scenario, why)
        pmo.save(*changed)
    scenario.mark_committed(pmo.ledger.max_position(), count)
    book(pmo).keep(scenario)
    return scenario



def _apply(pmo: PMO, scenario: Scenario, why: str) -> tuple[list, int]:
    """Load the live aggregates the scenario changes and call their commands (not saved)."""
    plan, live = decisions(scenario), _Loaded(pmo)
    for pid, c in plan["projects"].items():
        project = live.get(Project, pid)
        if "drop" in c:
            project.move_to_stage("cancelled", f"{why}: dropped from the portfolio")
            continue
        appraisal = live.get(Appraisal, Appraisal.create_id(pid), lambda pid=pid: Appraisal(project_id=pid))
        cost = c["cost"]["cost"] if "cost" in c else appraisal.cost
        must_do = c["must_do"]["must_do"] if "must_do" in c else appraisal.must_do
        demands = appraisal.demands
        if "shift" in c:
            days = c["shift"]["days"]
            moved = {f: getattr(project, f) for f in ("start_date", "end_date") if getattr(project, f)}
            project.update(**{f: d + _days(days) for f, d in moved.items()})
            for m in core_queries.list_milestones(pmo, pid):
                if m["actual_date"] is None:
                    live.get(Milestone, m["id"]).reforecast(m["forecast_date"] + _days(days))
            demands = [{**d, "period": shift_period(d["period"], days)} for d in demands]
        if {"cost", "must_do"} & set(c) or demands != appraisal.demands:
            if cost is None:
                raise ValidationError(f"{c['code']} has no cost estimate: give it a cost in the scenario", "changes")
            appraisal.estimate(cost, must_do, demands)
        elif appraisal.version == 1 and appraisal.pending_events:
            del live.found[appraisal.id]  # opened here for nothing: a shift of a project never appraised
    if plan["envelope"]:
        envelope = live.get(Envelope, Envelope.create_id(), Envelope)
        budget = plan["envelope"].get("budget", envelope.budget)
        if budget is None:
            raise ValidationError("the live portfolio has no budget: give the scenario one", "changes")
        kept = {(c["role"].lower(), c["period"]): c for c in envelope.capacities}
        kept.update({k: {"role": c["role"], "period": c["period"], "amount": c["amount"]}
                     for k, c in plan["envelope"]["capacities"].items()})
        envelope.set(budget, list(kept.values()))
    changed = [a for a in live.found.values() if a.pending_events]
    return changed, sum(len(a.pending_events) for a in changed)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def as_row(scenario: Scenario) -> dict[str, Any]:
    """A scenario as pages and the API show it; each change with its key (to withdraw it)."""
    return {"id": scenario.id, "version": scenario.version, "name": scenario.name,
            "description": scenario.description, "state": scenario.state,
            "branch_position": scenario.branch_position, "branched_at": scenario.created_on,
            "updated_at": scenario.modified_on, "committed_position": scenario.committed_position,
            "committed_events": scenario.committed_events,
            "changes": [{"key": key, **change} for key, change in scenario.changes.items()]}


def describe(change: dict[str, Any]) -> str:
    """'Drop DIG-02', 'Shift DIG-03 by +30 days', 'Budget 1,200,000' ..."""
    kind = change["kind"]
    if kind == "drop":
        return f"Drop {change['code']}"
    if kind == "shift":
        return f"Shift {change['code']} by {change['days']:+d} days"
    if kind == "cost":
        return f"Cost of {change['code']}: {change['cost']:,.0f}"
    if kind == "must_do":
        return f"{change['code']} {'becomes' if change['must_do'] else 'is no longer'} a must-do"
    if kind == "budget":
        return f"Budget {change['budget']:,.0f}"
    return f"{change['role']} capacity in {change['period']}: {change['amount']:,.0f}"
