"""Who may call what: every rule of the URL map, every method, every role.

``TABLE`` below says, for each rule and method, which callers are let through. A rule missing
from it fails the suite (a new route cannot escape the matrix), and so does an entry that no
longer matches a rule. Callers:

anonymous     signed out: pages redirect to /login, the API answers 401
viewer, pmo, auditor, admin
manager       the manager of P-OWN; on rules about a project (a project code, or a report,
              milestone, decision or action id, or a body naming a project) the manager is
              called on each side: "manager@own" (P-OWN), "manager@other" (P-OTHER, managed by
              manager2) and, for decisions and actions, "manager@none" (portfolio-wide items).
              The other roles are called on P-OWN.

"Let through" means 2xx/3xx (a redirect that is not to the sign-in page), or, for a write,
400/404/409/422: the request got past the permission checks to the input or domain checks.
Refused means 403 for signed-in callers, and nothing written to the ledger.

Pages are called with a signed-in session and its CSRF token, the API with bearer tokens.
Writes send a valid body where the API checks a project's rights only after the body (a
manager's write to another's project must reach that check to be refused by it).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from tests.conftest import auth
from tests.security.world import World, methods_of, ui_rule, urls

ANONYMOUS = "anonymous"
ROLES = ("viewer", "manager", "pmo", "auditor", "admin")

EVERYONE = frozenset({ANONYMOUS, *ROLES})
READ = frozenset(ROLES)                                 # any signed-in user
WRITE = frozenset({"manager", "pmo", "admin"})          # roles that write at all
EDIT = frozenset({"manager@own", "pmo", "admin"})       # a project and what hangs off it
PORTFOLIO = frozenset({"pmo", "admin"})                 # programmes, portfolio, items of no project
ADMIN = frozenset({"admin"})
AUDIT = frozenset({"auditor", "admin"})

PROJECT_SIDES = ("own", "other")
ITEM_SIDES = ("own", "other", "none")                   # decisions and actions may have no project
SIDED_PARAMS = {"report_id": PROJECT_SIDES, "milestone_id": PROJECT_SIDES, "decision_id": ITEM_SIDES,
                "action_id": ITEM_SIDES, "risk_id": ITEM_SIDES, "issue_id": ITEM_SIDES}
LET_THROUGH_WRITE = {400, 404, 409, 422}


@dataclass
class Call:
    world: World
    role: str
    side: str

    @property
    def ids(self) -> dict[str, Any]:
        return self.world.sides[self.side]

    def project_id(self) -> str | None:
        pid = self.ids["project"]
        return str(pid) if pid else None


Body = Callable[[Call], dict]


@dataclass(frozen=True)
class X:
    """What one method of one rule expects."""
    allowed: frozenset
    body: Body | None = None
    sides: tuple[str, ...] | None = None       # None: from the rule's parameters
    params: dict[str, Any] = field(default_factory=dict)
    status: int | None = None                  # the one status every caller gets (sign-in, sign-out)
    restore: Callable[[Call], None] | None = None  # undo what an allowed call changed


def with_project(**extra: Any) -> Body:
    """A body naming the caller's side's project (left out on the "none" side)."""
    def body(call: Call) -> dict:
        pid = call.project_id()
        return {**extra, **({"project_id": pid} if pid else {})}
    return body


def const(**values: Any) -> Body:
    return lambda call: dict(values)


def form_project(call: Call) -> dict:
    return {"project_id": call.project_id() or ""}


def risk_place(call: Call) -> dict:
    """Where a new risk or issue goes: the side's project, or (none) the whole portfolio."""
    pid = call.project_id()
    return {"scope": "project", "project_id": pid} if pid else {"scope": "portfolio"}


def risk_form_place(call: Call) -> dict:
    pid = call.project_id()
    return {"where": f"project:{pid}" if pid else "portfolio"}


def spare(name: str) -> dict[str, Callable]:
    """Use the side's ``name`` (a risk or issue kept for ending) for ``<risk_id>``/``<issue_id>``."""
    key = "risk_id" if name.startswith("risk") else "issue_id"
    return {key: lambda w, side: w.sides[side][name]}


def reenable_plugins(call: Call) -> None:
    call.world.ensure_plugins()


def sign_in_again(call: Call) -> None:
    call.world.sign_in(call.role)


REPORT = dict(period_start="2031-01-01", period_end="2031-01-31", overall="green", schedule="green",
              cost="green", scope="green")

TABLE: dict[str, dict[str, X | frozenset]] = {
    # --- files, docs, sign-in ----------------------------------------------------------------
    "/static/<path:filename>": {"GET": EVERYONE},
    "/api/openapi.json": {"GET": EVERYONE},
    "/api/docs": {"GET": EVERYONE},
    "/api/docs/assets/<path:filename>": {"GET": EVERYONE},
    "/login": {"GET": EVERYONE,
               "POST": X(EVERYONE, status=401,
                         body=lambda c: {"username": f"nobody-{c.role}", "password": "not-the-password"})},
    "/logout": {"POST": X(EVERYONE, status=302, restore=sign_in_again)},

    # --- pages -------------------------------------------------------------------------------
    "/": {"GET": READ},
    "/projects": {"GET": READ},
    "/projects/new": {"GET": WRITE, "POST": WRITE},
    "/projects/<code>": {"GET": READ},
    "/projects/<code>/edit": {"GET": EDIT, "POST": EDIT},
    "/projects/<code>/stage": {"GET": EDIT, "POST": EDIT},
    "/projects/<code>/reports/new": {"GET": EDIT, "POST": EDIT},
    "/projects/<code>/milestones/new": {"GET": EDIT, "POST": EDIT},
    "/reports/<uuid:report_id>": {"GET": READ},
    "/reports/<uuid:report_id>/edit": {"GET": EDIT, "POST": EDIT},
    "/reports/<uuid:report_id>/publish": {"GET": EDIT, "POST": EDIT},
    "/milestones/<uuid:milestone_id>/reforecast": {"GET": EDIT, "POST": EDIT},
    "/milestones/<uuid:milestone_id>/achieve": {"GET": EDIT, "POST": EDIT},
    "/decisions": {"GET": READ},
    "/decisions/new": {"GET": WRITE, "POST": X(EDIT, body=form_project, sides=ITEM_SIDES)},
    "/decisions/<uuid:decision_id>": {"GET": READ},
    "/decisions/<uuid:decision_id>/supersede": {"GET": EDIT, "POST": EDIT},
    "/actions": {"GET": READ},
    "/actions/new": {"GET": WRITE, "POST": X(EDIT, body=form_project, sides=ITEM_SIDES)},
    "/actions/<uuid:action_id>": {"GET": READ},
    "/actions/<uuid:action_id>/edit": {"GET": EDIT, "POST": EDIT},
    "/actions/<uuid:action_id>/<any(close, cancel, reopen):transition>": {"GET": EDIT, "POST": EDIT},
    "/programmes": {"GET": READ},
    "/programmes/new": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    "/programmes/<code>": {"GET": READ},
    "/programmes/<code>/edit": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    "/portfolio": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    "/admin/": {"GET": ADMIN},
    "/admin/users": {"GET": ADMIN},
    "/admin/users/new": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<username>": {"GET": ADMIN},
    "/admin/users/<username>/role": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<username>/<any(deactivate, reactivate):change>": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<username>/password": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<username>/tokens": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<username>/tokens/<token_id>/revoke": {
        "GET": ADMIN, "POST": X(ADMIN, params={"token_id": lambda w, s: w.tokens["revoke-ui"]})},
    "/admin/plugins": {"GET": ADMIN},
    "/admin/plugins/<name>/<any(enable, disable):change>": {
        "GET": ADMIN, "POST": X(ADMIN, body=const(reason="matrix"), restore=reenable_plugins)},
    "/ledger": {"GET": AUDIT},
    "/ledger/entities/<uuid:entity_id>": {"GET": AUDIT},
    "/audit": {"GET": AUDIT},
    "/audit/verify": {"GET": AUDIT},
    "/audit/export": {"GET": AUDIT},

    # --- API ---------------------------------------------------------------------------------
    "/api/me": {"GET": READ},
    "/api/portfolio": {"GET": READ, "POST": X(PORTFOLIO, body=const(name="Portfolio")),
                       "PUT": X(PORTFOLIO, body=const(name="Change portfolio"))},
    "/api/programmes": {"GET": READ, "POST": X(PORTFOLIO, body=const(code="PR-NEW", name="New"))},
    "/api/programmes/<uuid:programme_id>": {"GET": READ, "PATCH": X(PORTFOLIO, body=const(name="Digital"))},
    "/api/projects": {"GET": READ, "POST": X(WRITE, body=const(code="P-NEW", name="New project"))},
    "/api/projects/<key>": {"GET": READ, "PATCH": X(EDIT, body=const(name="Renamed"))},
    # active -> proposed is refused by the domain (422), after the rights check
    "/api/projects/<key>/stage": {"POST": X(EDIT, body=const(stage="proposed", gate_decision="back"))},
    "/api/projects/<key>/stage-history": {"GET": READ},
    "/api/status-reports": {"GET": READ, "POST": X(EDIT, body=with_project(**REPORT), sides=PROJECT_SIDES)},
    "/api/status-reports/<uuid:report_id>": {"GET": READ, "PATCH": X(EDIT, body=const(summary="Better"))},
    "/api/status-reports/<uuid:report_id>/publish": {"POST": X(EDIT, body=const())},
    "/api/milestones": {"GET": READ, "POST": X(EDIT, body=with_project(name="M", baseline_date="2031-01-01"),
                                                 sides=PROJECT_SIDES)},
    "/api/milestones/<uuid:milestone_id>": {"GET": READ},
    "/api/milestones/<uuid:milestone_id>/reforecast": {"POST": X(EDIT, body=const(forecast_date="2031-02-01"))},
    "/api/milestones/<uuid:milestone_id>/achieve": {"POST": X(EDIT, body=const(actual_date="2031-01-15"))},
    "/api/decisions": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=with_project(
        title="T", decision="D", decided_by="board", decided_on="2030-01-01"))},
    "/api/decisions/<uuid:decision_id>": {"GET": READ},
    "/api/decisions/<uuid:decision_id>/supersede": {
        "POST": X(EDIT, body=lambda c: {"by": str(c.ids["decision2"])})},
    "/api/actions": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=with_project(title="T", owner="pia"))},
    "/api/actions/<uuid:action_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Chase harder"))},
    "/api/actions/<uuid:action_id>/close": {"POST": X(EDIT, body=const(outcome="done"))},
    "/api/actions/<uuid:action_id>/cancel": {"POST": X(EDIT, body=const(outcome="moot"))},
    "/api/actions/<uuid:action_id>/reopen": {"POST": X(EDIT, body=const())},
    "/api/users": {"GET": ADMIN, "POST": X(ADMIN, body=const(username="new-user", password="long-enough-1",
                                                               role="viewer"))},
    "/api/users/<key>": {"GET": ADMIN, "PATCH": X(ADMIN, body=const(role="viewer"))},
    "/api/users/<key>/tokens": {"GET": ADMIN, "POST": X(ADMIN, body=const(label="script"))},
    "/api/users/<key>/tokens/<token_id>": {
        "GET": ADMIN, "DELETE": X(ADMIN, params={"token_id": lambda w, s: w.tokens["revoke-api"]})},
    "/api/plugins": {"GET": READ},
    "/api/plugins/<name>": {"GET": READ},
    "/api/plugins/<name>/enable": {"POST": X(ADMIN, body=const())},
    "/api/plugins/<name>/disable": {"POST": X(ADMIN, body=const(), restore=reenable_plugins)},
    "/api/events": {"GET": AUDIT},
    "/api/entities/<uuid:entity_id>/history": {"GET": READ},
    "/api/audit/verify": {"GET": AUDIT},
    "/api/audit/export": {"GET": AUDIT},
    "/api/audit/public-key": {"GET": AUDIT},

    # --- the risk plugin (plugins/risk) ------------------------------------------------------
    "/risks/static/<path:filename>": {"GET": EVERYONE},
    "/risks/": {"GET": READ},
    "/risks/heatmap": {"GET": READ},
    "/risks/review-due": {"GET": READ},
    "/risks/export": {"GET": READ},
    "/risks/scales": {"GET": READ},
    "/risks/scales/edit": {"GET": ADMIN, "POST": ADMIN},
    "/risks/import": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    "/risks/new": {"GET": WRITE, "POST": X(EDIT, body=risk_form_place, sides=ITEM_SIDES)},
    "/risks/<uuid:risk_id>": {"GET": READ},
    "/risks/<uuid:risk_id>/edit": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/assess": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/response": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/mitigate": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/review": {"GET": EDIT, "POST": EDIT},
    "/risks/<uuid:risk_id>/close": {"GET": X(EDIT, params=spare("risk_end_ui")),
                                    "POST": X(EDIT, params=spare("risk_end_ui"))},
    "/risks/<uuid:risk_id>/materialise": {"GET": X(EDIT, params=spare("risk_end_ui")),
                                          "POST": X(EDIT, params=spare("risk_end_ui"))},
    "/risks/issues/": {"GET": READ},
    "/risks/issues/new": {"GET": WRITE, "POST": X(EDIT, body=risk_form_place, sides=ITEM_SIDES)},
    "/risks/issues/<uuid:issue_id>": {"GET": READ},
    "/risks/issues/<uuid:issue_id>/<any(edit, escalate, resolve):change>": {"GET": EDIT, "POST": EDIT},
    "/api/risks": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=lambda c: {
        "title": "T", "owner": "pia", **risk_place(c)})},
    "/api/risks/heatmap": {"GET": READ},
    "/api/risks/scales": {"GET": READ, "PUT": X(ADMIN, body=const())},
    "/api/risks/import": {"POST": X(PORTFOLIO, body=const())},
    "/api/risks/<uuid:risk_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Supplier may fail"))},
    "/api/risks/<uuid:risk_id>/assessments": {
        "GET": READ, "POST": X(EDIT, body=const(basis="residual", probability=2, impact=2))},
    "/api/risks/<uuid:risk_id>/response": {"POST": X(EDIT, body=const(strategy="reduce"))},
    "/api/risks/<uuid:risk_id>/mitigations": {"GET": READ, "POST": X(EDIT, body=const(title="T", owner="pia"))},
    "/api/risks/<uuid:risk_id>/review": {"POST": X(EDIT, body=const(next_review=None))},
    "/api/risks/<uuid:risk_id>/close": {"POST": X(EDIT, body=const(closure="gone"), params=spare("risk_end_api"))},
    "/api/risks/<uuid:risk_id>/materialise": {"POST": X(EDIT, body=const(), params=spare("risk_end_api"))},
    "/api/issues": {"GET": READ, "POST": X(EDIT, sides=ITEM_SIDES, body=lambda c: {
        "title": "T", "owner": "pia", **risk_place(c)})},
    "/api/issues/<uuid:issue_id>": {"GET": READ, "PATCH": X(EDIT, body=const(title="Basement floods"))},
    "/api/issues/<uuid:issue_id>/escalate": {"POST": X(EDIT, body=const(to="portfolio"))},
    "/api/issues/<uuid:issue_id>/resolve": {
        "POST": X(EDIT, body=const(resolution="fixed"), params=spare("issue_end_api"))},

    # --- the sample plugin (tests/sample_plugin) ---------------------------------------------
    "/notes/": {"GET": READ},
    "/api/notes/": {"GET": READ},
}


def expectation(rule: str, method: str) -> X:
    value = TABLE[rule][method]
    return value if isinstance(value, X) else X(value)


def sides_of(rule: str, x: X) -> tuple[str, ...]:
    if x.sides is not None:
        return x.sides
    if rule.startswith(("/projects/<code>", "/api/projects/<key>")):
        return PROJECT_SIDES
    for name, sides in SIDED_PARAMS.items():
        if f":{name}>" in rule:
            return sides
    return ("own",)


def callers(rule: str, x: X) -> list[tuple[str, str, str]]:
    """``(label, role, side)``: every role on P-OWN, the manager on each side of the rule."""
    sides = sides_of(rule, x)
    result = [(ANONYMOUS, ANONYMOUS, "own")]
    for role in ROLES:
        if role == "manager" and sides != ("own",):
            result += [(f"manager@{side}", role, side) for side in sides]
        else:
            result.append((role, role, "own"))
    return result


def allowed(label: str, x: X) -> bool:
    return label in x.allowed or label.split("@")[0] in x.allowed


def send(world: World, rule: str, method: str, url: str, call: Call, x: X):
    body = x.body(call) if x.body else {}
    if ui_rule(rule):
        client = world.ui(call.role)
        if method == "GET":
            return client.get(url)
        return client.open(url, method=method, data={**body, "csrf_token": world.csrf[call.role]})
    headers = auth(world.people[call.role]["token"]) if call.role != ANONYMOUS else {}
    client = world.app.test_client(use_cookies=False)
    if method in ("GET", "DELETE"):
        return client.open(url, method=method, headers=headers)
    return client.open(url, method=method, headers=headers, json=body)


def verdict(rule: str, method: str, label: str, x: X, response, wrote: bool) -> str | None:
    """None when the answer is as expected, else what is wrong."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if x.status is not None:
        return None if status == x.status else f"expected {x.status}"
    if allowed(label, x):
        if status < 300 or (300 <= status < 400 and "/login" not in location):
            return None
        if method != "GET" and status in LET_THROUGH_WRITE:
            if status == 400 and "CSRF" in response.get_data(as_text=True):
                return "refused for a missing CSRF token (test bug)"
            return None
        return "expected to be let through"
    if wrote:
        return "refused, yet the ledger grew"
    if label == ANONYMOUS:
        if ui_rule(rule):
            return None if status == 302 and "/login" in location else "expected a redirect to /login"
        return None if status == 401 else "expected 401"
    return None if status == 403 else "expected 403"


def rules_by_pattern(app) -> dict[str, Any]:
    return {rule.rule: rule for rule in app.url_map.iter_rules()}


def test_every_rule_and_method_has_an_entry(world):
    missing, extra = [], []
    rules = rules_by_pattern(world.app)
    for pattern, rule in sorted(rules.items()):
        methods = methods_of(rule)
        entry = TABLE.get(pattern)
        if entry is None:
            missing.append(f"{pattern} {methods}")
            continue
        missing += [f"{pattern} {m}" for m in methods if m not in entry]
        extra += [f"{pattern} {m} (no such method)" for m in entry if m not in methods]
    extra += [pattern for pattern in TABLE if pattern not in rules]
    assert not (missing or extra), (
        "rules with no entry in TABLE (say who may call them):\n" + "\n".join(missing)
        + "\nTABLE entries that match no rule:\n" + "\n".join(extra))


def test_permission_matrix(world, record_property):
    """Call every rule and method as every caller; collect every surprise, then report them."""
    started = time.perf_counter()
    problems: list[str] = []
    checked = 0
    for pattern, rule in sorted(rules_by_pattern(world.app).items()):
        for method in methods_of(rule):
            if method not in TABLE.get(pattern, {}):
                continue  # reported by test_every_rule_and_method_has_an_entry
            x = expectation(pattern, method)
            # Refused callers first: an allowed write may change what later calls find.
            order = sorted(callers(pattern, x), key=lambda c: allowed(c[0], x))
            for label, role, side in order:
                call = Call(world, role, side)
                for url in urls(world, pattern, side, x.params):
                    before = world.head()
                    checked += 1
                    try:
                        response = send(world, pattern, method, url, call, x)
                    except Exception as error:  # noqa: BLE001  (TESTING propagates a 500: report it)
                        problems.append(f"{method} {url} as {label}: raised {type(error).__name__}: {error}")
                        continue
                    wrote = world.head() != before
                    problem = verdict(pattern, method, label, x, response, wrote)
                    response.close()  # file downloads hold a temporary file
                    if problem:
                        problems.append(f"{method} {url} as {label}: {response.status_code} "
                                        f"({response.headers.get('Location', '')}): {problem}")
                    if x.restore and allowed(label, x):
                        x.restore(call)
    elapsed = time.perf_counter() - started
    record_property("matrix_checks", checked)
    print(f"\npermission matrix: {checked} calls in {elapsed:.1f}s")
    assert not problems, f"{len(problems)} of {checked} calls answered unexpectedly:\n" + "\n".join(problems)
    assert checked > 500


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_readers_write_nothing_through_any_form(world, role):
    """Belt and braces: every page form posted by a reader with a full CSRF token is a 403."""
    rules = rules_by_pattern(world.app)
    before = world.head()
    for pattern, rule in rules.items():
        if ui_rule(pattern) and "POST" in rule.methods and pattern not in ("/login", "/logout"):
            for url in urls(world, pattern):
                answer = world.ui(role).post(url, data={"csrf_token": world.csrf[role], "name": "x"})
                assert answer.status_code == 403, (url, answer.status_code)
    assert world.head() == before
