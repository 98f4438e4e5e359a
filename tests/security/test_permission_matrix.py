"""Who may call what: every rule of the URL map, every method, every role.

``TABLE`` (the core's rules below, and each plugin's from ``tests/plugins/<name>/matrix.py``, see
``tests/security/matrix.py``) says, for each rule and method, which callers are let through. A rule missing
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
from typing import Any

import pytest

from tests.conftest import auth
from tests.security.matrix import (ADMIN, ANONYMOUS, AUDIT, CORE_SIDED_PARAMS, EDIT, EVERYONE, ITEM_SIDES,
                                   LET_THROUGH_WRITE, PORTFOLIO, PROJECT_SIDES, READ, ROLES, WRITE, Call, X,
                                   const, form_project, plugin_matrices, reenable_plugins, sign_in_again,
                                   with_project)
from tests.security.world import World, methods_of, ui_rule, urls

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
    "/healthz": {"GET": EVERYONE},
    "/readyz": {"GET": EVERYONE},

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
    "/reports/<uuid:report_id>/print": {"GET": READ},
    "/reports/<uuid:report_id>.pdf": {"GET": READ},
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
    "/portfolio/summary/print": {"GET": READ},
    "/portfolio/summary.pdf": {"GET": READ},
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
    "/maturity": {"GET": READ},
    "/maturity/assess": {"GET": ADMIN, "POST": X(ADMIN, body=const(risks="spreadsheet", reason="matrix"))},
    "/ledger": {"GET": AUDIT},
    "/ledger/entities/<uuid:entity_id>": {"GET": AUDIT},
    "/audit": {"GET": AUDIT},
    "/audit/verify": {"GET": AUDIT},
    "/audit/export": {"GET": AUDIT},
    "/imports": {"GET": PORTFOLIO},
    "/imports/<kind>": {"GET": PORTFOLIO, "POST": PORTFOLIO},
    "/imports/<kind>/template": {"GET": PORTFOLIO},

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
    "/api/maturity": {"GET": READ},
    "/api/maturity/model": {"GET": READ},
    "/api/maturity/history": {"GET": READ},
    "/api/maturity/assessments": {"POST": X(ADMIN, body=const(answers={"risks": "spreadsheet"}))},
    "/api/events": {"GET": AUDIT},
    "/api/entities/<uuid:entity_id>/history": {"GET": READ},
    "/api/audit/verify": {"GET": AUDIT},
    "/api/audit/export": {"GET": AUDIT},
    "/api/audit/public-key": {"GET": AUDIT},
    "/api/imports/<kind>": {"POST": X(PORTFOLIO, body=const())},

    # --- the sample plugin (tests/sample_plugin) ---------------------------------------------
    "/notes/": {"GET": READ},
    "/api/notes/": {"GET": READ},
}
SIDED_PARAMS = dict(CORE_SIDED_PARAMS)
for _plugin in plugin_matrices():
    TABLE.update(_plugin.TABLE)
    SIDED_PARAMS.update(getattr(_plugin, "SIDED_PARAMS", {}))


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


# The matrix in pieces that pytest-xdist can spread: one per caller, the manager (called the
# most, on every side) in two. Each piece is a group of its own (the module's world would pin
# them all to one worker, see tests/conftest.py): the pieces on one worker share its world, in
# whatever order and company they land there. No piece counts on what another did or did not
# do: only the refused manager calls on P-OTHER and the portfolio-wide items, so they never
# change; callers refused on P-OWN are refused whatever state it is in; and a write let through
# may meet the domain's 4xx (see verdict). (Each piece passes on a world of its own, and all of
# them on one world, in order and in reverse.)
PIECES = [pytest.param(piece, marks=pytest.mark.xdist_group(f"permission-matrix-{piece}"), id=piece)
          for piece in (ANONYMOUS, *(r for r in ROLES if r != "manager"), "manager@own", "manager@elsewhere")]


def in_piece(piece: str, role: str, side: str) -> bool:
    if piece == "manager@own":
        return role == "manager" and side == "own"
    if piece == "manager@elsewhere":
        return role == "manager" and side != "own"
    return role == piece


def test_the_pieces_make_the_whole_matrix():
    """Every call of the matrix falls in exactly one piece."""
    for pattern, entry in TABLE.items():
        for method in entry:
            for _label, role, side in callers(pattern, expectation(pattern, method)):
                assert sum(in_piece(p.values[0], role, side) for p in PIECES) == 1, (pattern, method, role, side)


@pytest.mark.parametrize("piece", PIECES)
def test_permission_matrix(world, piece, record_property):
    """Call every rule and method as the piece's caller; collect every surprise, then report them."""
    started = time.perf_counter()
    checked, pairs, problems = walk(world, piece)
    elapsed = time.perf_counter() - started
    record_property("matrix_checks", checked)
    print(f"\npermission matrix as {piece}: {checked} calls in {elapsed:.1f}s")
    assert not problems, f"{len(problems)} of {checked} calls answered unexpectedly:\n" + "\n".join(problems)
    assert pairs > 250, "the walk found too few rules"
    # Each caller is called on every rule and method (the manager on P-OWN at least).
    assert checked >= (100 if piece == "manager@elsewhere" else pairs)


def walk(world: World, piece: str) -> tuple[int, int, list[str]]:
    """The piece's calls: how many, over how many rule x method pairs, and what went wrong."""
    problems: list[str] = []
    checked = pairs = 0
    for pattern, rule in sorted(rules_by_pattern(world.app).items()):
        for method in methods_of(rule):
            if method not in TABLE.get(pattern, {}):
                continue  # reported by test_every_rule_and_method_has_an_entry
            pairs += 1
            x = expectation(pattern, method)
            mine = [c for c in callers(pattern, x) if in_piece(piece, c[1], c[2])]
            # Refused sides first: an allowed write may change what later calls find.
            for label, role, side in sorted(mine, key=lambda c: allowed(c[0], x)):
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
    return checked, pairs, problems


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
