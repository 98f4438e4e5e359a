"""Random PMO commands for the property tests, and a small model that knows which are valid.

A command names its service, its arguments, who runs it and why. Entities are referred to by
an index into those of their kind the sequence has created so far (counted round); -1, or
any index before the first one exists, names no entity, so the service must answer "not
found" (or refuse the reference). Valid values are drawn more often than invalid ones, so
that sequences build up some history to act on. The model (``World``) keeps just enough
state (stages, statuses, flags, current field values) to say whether the domain must
accept a command and how many events it must write, independently of the domain code.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from hypothesis import strategies as st

from core.services import logs, portfolio, projects, reporting

ACTORS = ("pia", "bo", "saga.b")
REASONS = ("", "steering committee 12", "weekly review ✓")
# "fresh": a code not used yet; "taken": one in use, in other letter case.
CODES = (("fresh",), ("taken", "", " ", "new", "bad code", "x" * 41))
NAMES = (("Alpha", "Beta <b>&amp;", "Ωmega ✓"), ("", "   "))
STAGES = ("idea", "proposed", "approved", "active", "closed", "cancelled", "bogus")
# "next": the stage after the project's current one (what a gate usually decides).
STAGE_CHOICES = (("next", "next", "next", "cancelled"), ("active", "idea", "bogus"))
NEXT_STAGE = {"idea": "proposed", "proposed": "approved", "approved": "active", "active": "closed"}
RAGS = ("green", "amber", "red", "purple")
PRIORITIES = ("low", "normal", "high", "urgent")
RESERVED = {"new", "edit"}
MISSING = uuid.UUID("00000000-0000-4000-8000-00000000dead")



def mostly(valid: tuple, invalid: tuple) -> st.SearchStrategy:
    """One of ``valid`` seven times in eight, else one of ``invalid``."""
    return st.sampled_from(tuple(valid) * 7 * len(invalid) + tuple(invalid) * len(valid))


codes = mostly(*CODES)
names = mostly(*NAMES)
# Free text: a few kinds rather than arbitrary strings (which would make each sequence's
# data large, and prove nothing more about order and replay).
texts = st.sampled_from(("", "on track", "Ωmega ✓ <b>&amp;", "two\nlines", "' OR 1=1 --", "🙂", " "))
dates = st.dates(date(2026, 1, 1), date(2026, 12, 31))
# Mostly after the start, sometimes before it (refused).
days = st.integers(-3, 60).map(lambda n: timedelta(days=n))
refs = mostly((0, 1, 2, 3), (-1,))
optional_refs = mostly((None, None, None, 0), (-1,))


@dataclass(frozen=True)
class Command:
    name: str
    args: dict[str, Any]
    actor: str
    reason: str

    def __repr__(self) -> str:
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.args.items())}) by {self.actor}"


def _command(service: str, /, **args: st.SearchStrategy) -> st.SearchStrategy[Command]:
    return st.builds(lambda a, actor, reason: Command(service, a, actor, reason),
                     st.fixed_dictionaries(args), st.sampled_from(ACTORS), st.sampled_from(REASONS))


def _some(**optional: st.SearchStrategy) -> st.SearchStrategy[dict[str, Any]]:
    """Changes for an edit: any subset of the fields."""
    return st.fixed_dictionaries({}, optional=optional)


rags = mostly(RAGS[:3], RAGS[3:])
report_fields = dict(period_start=dates, period_end=dates, overall=rags, schedule=rags,
                     cost=st.sampled_from(RAGS[:3]), scope=st.sampled_from(RAGS[:3]), summary=texts,
                     progress_pct=mostly(tuple(range(0, 101, 5)), (-1, 101)))


@st.composite
def new_report(draw) -> dict[str, Any]:
    """A report's fields: a period of a few weeks (sometimes ending before it starts)."""
    fields = draw(st.fixed_dictionaries(report_fields))
    fields["period_end"] = fields["period_start"] + draw(days)
    return fields


def span(draw, start_key: str = "start_date", end_key: str = "end_date") -> dict[str, Any]:
    start = draw(st.none() | dates)
    end = draw(st.none() | days.map(lambda d: (start or date(2026, 6, 1)) + d))
    return {start_key: start, end_key: end}


@st.composite
def new_project_dates(draw) -> dict[str, Any]:
    return span(draw)

CREATING = st.one_of(
    _command("establish_portfolio", name=names),
    _command("register_programme", code=codes, name=names),
    _command("register_project", code=codes, name=names,
             dates=new_project_dates(), programme=optional_refs),
    _command("draft_status_report", project=refs, fields=new_report()),
    _command("submit_status_report", project=refs, fields=new_report()),
    _command("plan_milestone", project=refs, name=names, baseline_date=dates),
    _command("record_decision", title=names, decision=mostly(("go",), (" ",)),
             decided_on=dates, project=optional_refs),
    _command("assign_action", title=names, owner=mostly(("bo", "pia"), (" ",)),
             due_date=st.none() | dates, project=optional_refs, priority=mostly(PRIORITIES[:3], PRIORITIES[3:])),
)
CHANGING = st.one_of(
    _command("rename_portfolio", name=names, description=texts),
    _command("update_programme", ref=refs, name=names, manager=texts),
    _command("update_project", ref=refs, changes=_some(
        name=names, description=texts, manager=texts,
        start_date=st.none() | dates, end_date=st.none() | dates)),
    _command("move_project_to_stage", ref=refs, stage=mostly(*STAGE_CHOICES),
             gate_decision=mostly(("approved by the board",), (" ",))),
    _command("revise_status_report", ref=refs, changes=_some(**report_fields)),
    _command("publish_status_report", ref=refs),
    _command("reforecast_milestone", ref=refs, forecast_date=st.just("unchanged") | dates),
    _command("achieve_milestone", ref=refs, actual_date=dates),
    _command("supersede_decision", ref=refs, by=refs),
    _command("update_action", ref=refs, changes=_some(
        title=names, owner=mostly(("bo", "saga"), ("",)),
        due_date=st.none() | dates, description=texts)),
    _command("close_action", ref=refs, outcome=texts),
    _command("cancel_action", ref=refs, outcome=texts),
    _command("reopen_action", ref=refs),
)
# Entities are created about as often as they are changed: later commands need something
# to act on.
COMMANDS = st.one_of(CREATING, CHANGING)
# A sequence: projects first, then more of everything, then anything; so that most
# commands find something to act on.
SEQUENCES = st.builds(
    lambda projects_, setup, rest: projects_ + setup + rest,
    st.lists(_command("register_project", code=codes, name=names, dates=new_project_dates(),
                      programme=st.none()), min_size=1, max_size=3),
    st.lists(CREATING, min_size=3, max_size=8),
    st.lists(COMMANDS, min_size=10, max_size=35))


def valid_code(code: str) -> bool:
    code = code.strip()
    return (0 < len(code) <= 40 and all(c.isalnum() or c in "-_." for c in code)
            and code.lower() not in RESERVED)


def filled(text: str) -> bool:
    return bool(text.strip())


@dataclass
class World:
    """What the model knows: the entities created so far (in order) and their state."""

    portfolio: bool = False
    ids: dict[str, list[uuid.UUID]] = field(default_factory=lambda: {
        k: [] for k in ("programme", "project", "report", "milestone", "decision", "action")})
    state: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)  # programme and project codes, lower case
    live: dict[uuid.UUID, Any] = field(default_factory=dict)  # the aggregates the services returned

    def ref(self, kind: str, index: int | None) -> uuid.UUID | None:
        if index is None:
            return None
        ids = self.ids[kind]
        return ids[index % len(ids)] if index >= 0 and ids else MISSING

    def get(self, kind: str, index: int) -> dict[str, Any] | None:
        """The model state of the referenced entity, None if the index names none."""
        entity = self.ref(kind, index)
        return self.state.get(entity) if entity in self.ids[kind] else None

    def exists(self, kind: str, index: int | None) -> bool:
        return index is None or self.get(kind, index) is not None

    def add(self, kind: str, entity: uuid.UUID, **state: Any) -> None:
        self.ids[kind].append(entity)
        self.state[entity] = state


@dataclass
class Plan:
    """What the model expects of a command: valid or not, how many events, and the call."""

    valid: bool
    events: int
    call: Callable[[Any], Any]
    after: Callable[[Any], None] = lambda result: None  # update the model with the result


def plan(world: World, command: Command) -> Plan:
    """How the model expects ``command`` to go, and the service call that runs it."""
    return PLANNERS[command.name](world, **command.args)


def _dates_ok(start: date | None, end: date | None) -> bool:
    return not (start and end and end < start)


def _establish_portfolio(w: World, name: str) -> Plan:
    def after(_):
        w.portfolio = True
    return Plan(not w.portfolio and filled(name), 1, lambda pmo: portfolio.establish_portfolio(pmo, name), after)


def _rename_portfolio(w: World, name: str, description: str) -> Plan:
    return Plan(w.portfolio and filled(name), 1,
                lambda pmo: portfolio.rename_portfolio(pmo, name, description))


def _code(w: World, kind: str, choice: str) -> str:
    """The code a command uses: a literal, or one made fresh or taken from those in use."""
    taken = sorted(c.split(":", 1)[1] for c in w.codes if c.startswith(kind + ":"))
    if choice == "taken" and taken:
        return taken[0].upper() if taken[0].upper() != taken[0] else taken[0].lower()
    if choice in ("fresh", "taken"):
        return f"{kind[:3].upper()}-{len(taken) + 1}"
    return choice


def _register_programme(w: World, code: str, name: str) -> Plan:
    code = _code(w, "programme", code)

    def after(programme):
        w.codes.add("programme:" + code.strip().lower())
        w.add("programme", programme.id)
    valid = valid_code(code) and filled(name) and "programme:" + code.strip().lower() not in w.codes
    return Plan(valid, 1, lambda pmo: portfolio.register_programme(pmo, code, name), after)


def _update_programme(w: World, ref: int, name: str, manager: str) -> Plan:
    programme = w.ref("programme", ref)
    return Plan(w.exists("programme", ref) and filled(name), 1,
                lambda pmo: portfolio.update_programme(pmo, programme, name=name, manager=manager))


def _register_project(w: World, code: str, name: str, dates: dict, programme) -> Plan:
    programme_id = w.ref("programme", programme)
    code = _code(w, "project", code)
    start_date, end_date = dates["start_date"], dates["end_date"]

    def after(project):
        w.codes.add("project:" + code.strip().lower())
        w.add("project", project.id, stage="idea", name=name.strip(), description="", manager="",
              start_date=start_date, end_date=end_date)
    valid = (valid_code(code) and filled(name) and _dates_ok(start_date, end_date)
             and w.exists("programme", programme) and "project:" + code.strip().lower() not in w.codes)
    return Plan(valid, 1, lambda pmo: projects.register_project(
        pmo, code, name, start_date=start_date, end_date=end_date, programme_id=programme_id), after)


def _update_project(w: World, ref: int, changes: dict) -> Plan:
    project = w.get("project", ref)
    valid, events = False, 0
    if project is not None:
        merged = {**project, **changes}
        valid = (project["stage"] not in ("closed", "cancelled") and filled(merged["name"])
                 and _dates_ok(merged["start_date"], merged["end_date"]))
        events = int(merged != project)

    def after(_):
        project.update(changes)
    return Plan(valid, events, lambda pmo: projects.update_project(pmo, w.ref("project", ref), **changes), after)


def _move_project_to_stage(w: World, ref: int, stage: str, gate_decision: str) -> Plan:
    project = w.get("project", ref)
    if stage == "next":
        stage = NEXT_STAGE.get(project["stage"], "closed") if project else "proposed"
    valid = (project is not None and stage in STAGES[:6] and project["stage"] not in ("closed", "cancelled")
             and (stage == "cancelled" or NEXT_STAGE.get(project["stage"]) == stage) and filled(gate_decision))

    def after(_):
        project["stage"] = stage
    return Plan(valid, 1, lambda pmo: projects.move_project_to_stage(pmo, w.ref("project", ref), stage,
                                                                      gate_decision), after)


def _report_ok(fields: dict) -> bool:
    return (_dates_ok(fields["period_start"], fields["period_end"]) and 0 <= fields["progress_pct"] <= 100
            and all(fields[k] in RAGS[:3] for k in ("overall", "schedule", "cost", "scope")))


def _open_project(w: World, index: int) -> bool:
    project = w.get("project", index)
    return project is not None and project["stage"] not in ("closed", "cancelled")


def _draft(w: World, project: int, fields: dict, publish: bool) -> Plan:
    service = reporting.submit_status_report if publish else reporting.draft_status_report

    def after(report):
        w.add("report", report.id, published=publish, **fields)
    return Plan(_open_project(w, project) and _report_ok(fields), 2 if publish else 1,
                lambda pmo: service(pmo, w.ref("project", project), **fields), after)


def _draft_status_report(w: World, project: int, fields: dict) -> Plan:
    return _draft(w, project, fields, publish=False)


def _submit_status_report(w: World, project: int, fields: dict) -> Plan:
    return _draft(w, project, fields, publish=True)


def _revise_status_report(w: World, ref: int, changes: dict) -> Plan:
    report = w.get("report", ref)
    valid = report is not None and not report["published"] and _report_ok({**report, **changes})

    def after(_):
        report.update(changes)
    return Plan(valid, 1, lambda pmo: reporting.revise_status_report(pmo, w.ref("report", ref), **changes), after)


def _publish_status_report(w: World, ref: int) -> Plan:
    report = w.get("report", ref)

    def after(_):
        report["published"] = True
    return Plan(report is not None and not report["published"], 1,
                lambda pmo: reporting.publish_status_report(pmo, w.ref("report", ref)), after)


def _plan_milestone(w: World, project: int, name: str, baseline_date: date) -> Plan:
    def after(milestone):
        w.add("milestone", milestone.id, achieved=False, forecast=baseline_date)
    return Plan(_open_project(w, project) and filled(name), 1,
                lambda pmo: reporting.plan_milestone(pmo, w.ref("project", project), name, baseline_date), after)


def _reforecast_milestone(w: World, ref: int, forecast_date) -> Plan:
    milestone = w.get("milestone", ref)
    if forecast_date == "unchanged":  # the forecast it has: nothing to write
        forecast_date = milestone["forecast"] if milestone else date(2026, 6, 1)
    valid = milestone is not None and not milestone["achieved"]

    def after(_):
        milestone["forecast"] = forecast_date
    return Plan(valid, int(valid and milestone["forecast"] != forecast_date),
                lambda pmo: reporting.reforecast_milestone(pmo, w.ref("milestone", ref), forecast_date), after)


def _achieve_milestone(w: World, ref: int, actual_date: date) -> Plan:
    milestone = w.get("milestone", ref)

    def after(_):
        milestone.update(achieved=True, forecast=actual_date)
    return Plan(milestone is not None and not milestone["achieved"], 1,
                lambda pmo: reporting.achieve_milestone(pmo, w.ref("milestone", ref), actual_date), after)


def _record_decision(w: World, title: str, decision: str, decided_on: date, project) -> Plan:
    def after(record):
        w.add("decision", record.id, superseded=False)
    return Plan(filled(title) and filled(decision) and w.exists("project", project), 1,
                lambda pmo: logs.record_decision(pmo, title, decision, "board", decided_on,
                                                 project_id=w.ref("project", project)), after)


def _supersede_decision(w: World, ref: int, by: int) -> Plan:
    old = w.get("decision", ref)
    valid = (old is not None and w.exists("decision", by) and not old["superseded"]
             and w.ref("decision", ref) != w.ref("decision", by))

    def after(_):
        old["superseded"] = True
    return Plan(valid, 1, lambda pmo: logs.supersede_decision(pmo, w.ref("decision", ref), w.ref("decision", by)),
                after)


def _assign_action(w: World, title: str, owner: str, due_date, project, priority: str) -> Plan:
    def after(action):
        w.add("action", action.id, status="open", title=title.strip(), owner=owner.strip(), due_date=due_date,
              description="")
    valid = filled(title) and filled(owner) and w.exists("project", project) and priority in PRIORITIES[:3]
    return Plan(valid, 1, lambda pmo: logs.assign_action(pmo, title, owner, due_date, w.ref("project", project),
                                                         priority=priority), after)


def _update_action(w: World, ref: int, changes: dict) -> Plan:
    action = w.get("action", ref)
    valid, events = False, 0
    if action is not None:
        merged = {**action, **changes}
        valid = action["status"] == "open" and filled(merged["title"]) and filled(merged["owner"])
        events = int(merged != action)

    def after(_):
        action.update(changes)
    return Plan(valid, events, lambda pmo: logs.update_action(pmo, w.ref("action", ref), **changes), after)


def _finish_action(status: str, service) -> Callable[..., Plan]:
    def planner(w: World, ref: int, outcome: str) -> Plan:
        action = w.get("action", ref)

        def after(_):
            action["status"] = status
        return Plan(action is not None and action["status"] == "open", 1,
                    lambda pmo: service(pmo, w.ref("action", ref), outcome), after)
    return planner


def _reopen_action(w: World, ref: int) -> Plan:
    action = w.get("action", ref)

    def after(_):
        action["status"] = "open"
    return Plan(action is not None and action["status"] != "open", 1,
                lambda pmo: logs.reopen_action(pmo, w.ref("action", ref)), after)


PLANNERS: dict[str, Callable[..., Plan]] = {
    "establish_portfolio": _establish_portfolio,
    "rename_portfolio": _rename_portfolio,
    "register_programme": _register_programme,
    "update_programme": _update_programme,
    "register_project": _register_project,
    "update_project": _update_project,
    "move_project_to_stage": _move_project_to_stage,
    "draft_status_report": _draft_status_report,
    "submit_status_report": _submit_status_report,
    "revise_status_report": _revise_status_report,
    "publish_status_report": _publish_status_report,
    "plan_milestone": _plan_milestone,
    "reforecast_milestone": _reforecast_milestone,
    "achieve_milestone": _achieve_milestone,
    "record_decision": _record_decision,
    "supersede_decision": _supersede_decision,
    "assign_action": _assign_action,
    "update_action": _update_action,
    "close_action": _finish_action("done", logs.close_action),
    "cancel_action": _finish_action("cancelled", logs.cancel_action),
    "reopen_action": _reopen_action,
}
