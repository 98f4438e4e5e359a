"""A small PMO with everything a URL can point at, and the URLs of every rule filled in.

``build_world`` makes an app (built-in plugins and the sample plugin enabled) with one user per
role, a target user for the admin pages, and, for each "side" a URL can stand on, the things
that hang off a project:

own    P-OWN, managed by the manager
other  P-OTHER, managed by manager2
none   portfolio-wide items (decisions and actions of no project)

``text`` chooses every free-text value, so the escaping tests can fill them with markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

from events.context import command_context
from tests import sample_plugin
from tests.conftest import PASSWORD, ROLES, close_app, csrf_token_from, make_app

TODAY = date.today()
PARAM = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
TARGET_USER = "target-user"


@dataclass
class World:
    app: Any
    pmo: Any
    people: dict[str, dict]          # role -> username, password, token, id (+ manager2)
    sides: dict[str, dict[str, Any]]  # own/other/none -> project, code, report, milestone, ...
    programme: dict[str, Any]
    tokens: dict[str, str]           # label -> token id of the target user
    plugin: str = "notes"
    clients: dict[str, Any] = field(default_factory=dict)  # role -> signed-in UI test client
    csrf: dict[str, str] = field(default_factory=dict)     # role -> that session's CSRF token

    def head(self) -> int:
        return self.pmo.ledger.max_position()

    def ui(self, role: str):
        """A test client signed in through the form as ``role`` ("anonymous": signed out)."""
        if role not in self.clients:
            self.sign_in(role)
        return self.clients[role]

    def sign_in(self, role: str) -> None:
        client = self.app.test_client()
        if role != "anonymous":
            person = self.people[role]
            page = client.get("/login")
            answer = client.post("/login", data={"username": person["username"], "password": person["password"],
                                                 "csrf_token": csrf_token_from(page.get_data(as_text=True))})
            assert answer.status_code == 302, answer.get_data(as_text=True)
        self.clients[role] = client
        self.csrf[role] = csrf_token_from(client.get("/login").get_data(as_text=True))

    def ensure_plugins(self) -> None:
        """Enable every installed plugin (again, after a test switched one off)."""
        from core.services.plugins import enable_plugin

        with self.app.app_context(), command_context("setup", "test fixture"):
            pending = [n for n in self.pmo.plugins if n not in self.pmo.enabled_plugins()]
            for _round in range(len(pending) + 1):
                for name in list(pending):
                    if all(dep in self.pmo.enabled_plugins() for dep in self.pmo.plugins[name].depends):
                        enable_plugin(self.pmo, name)
                        pending.remove(name)
            assert not pending, f"cannot enable plugins {pending}"

    def close(self) -> None:
        close_app(self.app)


def build_world(text: Callable[[str], str] = lambda s: s, **config: Any) -> World:
    """The app and its data; ``text(default)`` gives each free-text value."""
    from core import queries
    from core.services import logs, portfolio, projects, reporting, users
    from web.tenancy import current_pmo

    from tests.security.matrix import matrix_plugins  # installed example plugins, with their matrices

    app = make_app(PMO_EXTRA_PLUGINS=[sample_plugin, *matrix_plugins()], **config)
    people: dict[str, dict] = {}
    sides: dict[str, dict[str, Any]] = {}
    with app.app_context():
        pmo = current_pmo()
        with command_context("setup", text("test fixture"), "setup-correlation"):
            for role in (*ROLES, "manager2"):
                username = f"{role}-user"
                password = PASSWORD.format(role=role)
                user = users.create_user(pmo, username, password, "manager" if role == "manager2" else role,
                                         display_name=text(f"{role.title()} User"), email=text(f"{role}@example.org"))
                _token_id, token = users.issue_token(pmo, user.id, text("tests"))
                people[role] = {"username": username, "password": password, "token": token, "id": user.id}
            target = users.create_user(pmo, TARGET_USER, "correct-horse-target", "viewer",
                                       display_name=text("Target User"), email=text("target@example.org"))
            tokens = {label: users.issue_token(pmo, target.id, text(label))[0]
                      for label in ("keep", "revoke-api", "revoke-ui")}

        with command_context("pia", text("seeding the PMO"), "seed-correlation"):
            portfolio.establish_portfolio(pmo, text("Change portfolio"), text("Everything we change this year"))
            programme = portfolio.register_programme(pmo, "DIGI", text("Digital services"), text("Programme goals"),
                                                     sponsor=text("cfo"), manager=text("pia"))
            managers = {"own": people["manager"]["username"], "other": people["manager2"]["username"]}
            for side, code in (("own", "P-OWN"), ("other", "P-OTHER")):
                project = projects.register_project(
                    pmo, code, text(f"{code} project"), description=text(f"What {code} is for"),
                    sponsor=text("cfo"), manager=managers[side], programme_id=programme.id,
                    start_date=TODAY - timedelta(days=90), end_date=TODAY + timedelta(days=200))
                for stage in ("proposed", "approved", "active"):
                    projects.move_project_to_stage(pmo, project.id, stage, text(f"Gate to {stage} passed"))
                ratings = dict(overall="amber", schedule="green", cost="green", scope="amber")
                reporting.submit_status_report(
                    pmo, project.id, period_start=TODAY - timedelta(days=30), period_end=TODAY - timedelta(days=1),
                    progress_pct=35, summary=text("Supplier late"), **ratings)
                draft = reporting.draft_status_report(
                    pmo, project.id, period_start=TODAY, period_end=TODAY + timedelta(days=29), progress_pct=40,
                    summary=text("Work in progress"), **ratings)
                milestone = reporting.plan_milestone(pmo, project.id, text("Pilot live"), TODAY + timedelta(days=10),
                                                     description=text("The pilot users are live"))
                sides[side] = {"project": project.id, "code": code, "report": draft.id, "milestone": milestone.id}
            for side in ("own", "other", "none"):
                project_id = sides[side]["project"] if side != "none" else None
                first = logs.record_decision(pmo, text("Go with supplier B"), text("Contract supplier B"),
                                             text("steering group"), TODAY - timedelta(days=20),
                                             rationale=text("Cheaper"), project_id=project_id)
                later = logs.record_decision(pmo, text("Go with supplier C"), text("Contract supplier C"),
                                             text("steering group"), TODAY - timedelta(days=2),
                                             rationale=text("B folded"), project_id=project_id)
                action = logs.assign_action(pmo, text("Chase supplier"), text("pia"), TODAY + timedelta(days=5),
                                            project_id=project_id, description=text("Call them daily"))
                done = logs.assign_action(pmo, text("Sign contract"), text("pia"), TODAY - timedelta(days=5),
                                          project_id=project_id, description=text("Legal reviewed"))
                logs.close_action(pmo, done.id, text("Signed"))
                sides.setdefault(side, {"project": None, "code": None})
                sides[side].update(decision=first.id, decision2=later.id, action=action.id, done_action=done.id)
            sample_plugin.write_note(pmo, sides["own"]["project"], text("Kick-off held"))

    world = World(app=app, pmo=pmo, people=people, sides=sides,
                  programme={"id": programme.id, "code": "DIGI"}, tokens=tokens)
    world.ensure_plugins()
    from tests.security.matrix import plugin_matrices

    for matrix in plugin_matrices():
        if hasattr(matrix, "seed"):
            with app.app_context(), command_context("pia", text("plugin workshop"), "plugin-correlation"):
                matrix.seed(pmo, sides, text)
    with app.app_context():
        assert queries.get_project(pmo, "P-OWN") is not None
    return world


# --- URLs --------------------------------------------------------------------------------------

def param_value(world: World, rule: str, name: str, side: str, overrides: dict[str, Any]) -> Any:
    """The value for URL parameter ``name`` of ``rule`` on ``side`` (own, other, none)."""
    if name in overrides:
        value = overrides[name]
        return value(world, side) if callable(value) else value
    ids = world.sides[side]
    if name in ("code", "key") and rule.startswith(("/projects/", "/api/projects/")):
        return ids["code"]
    if name == "code" and rule.startswith("/programmes/"):
        return world.programme["code"]
    if name == "key" and rule.startswith("/api/users/"):
        return TARGET_USER
    if name == "username":
        return TARGET_USER
    if name == "token_id":
        return world.tokens["keep"]
    if name == "name" and "/plugins/" in rule:
        return world.plugin
    if name == "programme_id":
        return world.programme["id"]
    if name.endswith("_id") and name[:-3] in ids:  # report_id, risk_id, ... (plugins seed their own)
        return ids[name[:-3]]
    if name == "entity_id":
        return world.sides["own"]["project"]
    if name == "filename":
        return static_file(world, rule)
    if name == "kind" and rule.startswith(("/imports/", "/api/imports/")):
        return "risks"  # a plugin's kind: the core's are served by the same views
    raise LookupError(f"no test value for <{name}> in {rule}: add one to tests/security/world.py")


def static_file(world: World, pattern: str) -> str:
    """A file the static route ``pattern`` serves: the app's, Swagger UI's, or a plugin's."""
    if pattern.startswith("/api/docs/"):
        return "swagger-ui.css"
    rule = next(r for r in world.app.url_map.iter_rules() if r.rule == pattern)
    blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
    folder = Path(world.app.blueprints[blueprint].static_folder if blueprint else world.app.static_folder)
    return sorted(p for p in folder.rglob("*") if p.is_file())[0].relative_to(folder).as_posix()


def any_options(rule: str) -> dict[str, list[str]]:
    """The choices of each ``<any(a, b):name>`` parameter."""
    return {m["name"]: [a.strip() for a in m["args"].split(",")]
            for m in PARAM.finditer(rule) if m["conv"] == "any"}


def plugin_params(rule: str) -> dict[str, Any]:
    from tests.security.matrix import plugin_matrices

    for matrix in plugin_matrices():
        entry = getattr(matrix, "TABLE", {}).get(rule, {})
        for method in sorted(entry, key=lambda m: m != "GET"):
            params = getattr(entry[method], "params", None)
            if params:
                return params
    return {}


def urls(world: World, rule: str, side: str = "own", overrides: dict[str, Any] | None = None) -> list[str]:
    """Every URL of ``rule`` (one per choice of its ``any()`` parameters), filled for ``side``.

    Without ``overrides``, a plugin matrix's own parameter values for the rule are used (its
    GET entry's first), so every suite walking the URL map fills plugin parameters alike."""
    overrides = overrides if overrides is not None else plugin_params(rule)
    variants: list[dict[str, str]] = [{}]
    for name, options in any_options(rule).items():
        variants = [{**v, name: option} for v in variants for option in options]

    def fill(chosen: dict[str, str]) -> str:
        def one(m: re.Match) -> str:
            if m["name"] in chosen:
                return chosen[m["name"]]
            return str(param_value(world, rule, m["name"], side, overrides))
        return PARAM.sub(one, rule)

    return [fill(v) for v in variants]


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def is_static(rule) -> bool:
    """A route that serves files (the app's, Swagger UI's or a plugin's static folder)."""
    return rule.endpoint in ("static", "swagger_assets") or rule.endpoint.endswith(".static")


def ui_rule(rule: str) -> bool:
    return not rule.startswith("/api/") and rule != "/api"
