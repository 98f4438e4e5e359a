"""Suspending refuses an organisation's sign-ins and API calls with the reason, and keeps its
ledger verifiable; an export loads into a fresh single-organisation install and verifies."""
from __future__ import annotations

from click.testing import CliRunner

from events.context import command_context
from tests.conftest import auth, csrf_token_from
from web.cli import make_cli


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(make_cli(entry_points=False), list(args), env=env or {},
                                                catch_exceptions=False)
    return result


def test_suspension_refuses_logins_and_api_and_keeps_the_ledger_verifiable(orgs_world):
    world = orgs_world
    env = {"PMO_PLATFORM_STORE": world.platform_url}
    viewer = world.people["org-b"]["viewer"]
    signed_in = world.sign_in("org-b", viewer["username"], viewer["password"])
    head = world.head("org-b")

    try:
        result = run("orgs", "suspend", "org-b", "--reason", "contract ended", env=env)
        assert result.exit_code == 0, result.output + result.stderr

        client = world.app.test_client()
        login = client.get("/o/org-b/login")
        assert login.status_code == 403
        assert "Beta Agency is suspended: contract ended" in login.get_data(as_text=True)
        posted = client.post("/o/org-b/login", data={"username": viewer["username"], "password": viewer["password"]})
        assert posted.status_code == 403 and "suspended" in posted.get_data(as_text=True)
        api = client.get("/o/org-b/api/projects", headers=auth(viewer["token"]))
        assert api.status_code == 403 and api.content_type == "application/problem+json"
        assert "contract ended" in api.get_json()["detail"]
        assert signed_in.get("/o/org-b/").status_code == 403  # a session from before is refused too
        # The other organisation carries on.
        other = world.people["org-a"]["viewer"]
        assert client.get("/o/org-a/api/projects", headers=auth(other["token"])).status_code == 200

        verified = run("audit", "verify", "--org", "org-b", env=env)
        assert verified.exit_code == 0 and verified.stdout.startswith(f"OK: {head} records"), verified.stdout
        # The platform ledger recorded who suspended it and why, and verifies too.
        platform_verify = run("--store", world.platform_url, "audit", "verify")
        assert platform_verify.exit_code == 0, platform_verify.stdout
        row = world.runtime.platform.organisation("org-b")
        assert (row["state"], row["state_reason"]) == ("suspended", "contract ended")
    finally:  # the other tests of tests/orgs share org-b
        resumed = run("orgs", "resume", "org-b", "--reason", "renewed", env=env)
    assert resumed.exit_code == 0
    assert client.get("/o/org-b/api/projects", headers=auth(viewer["token"])).status_code == 200


def test_an_export_loads_into_a_fresh_single_org_install_and_verifies(orgs_world, tmp_path):
    world = orgs_world
    env = {"PMO_PLATFORM_STORE": world.platform_url}
    source = run("audit", "verify", "--org", "org-a", env=env).stdout
    exported = run("orgs", "export", "org-a", str(tmp_path / "org-a.jsonl"), env=env)
    assert exported.exit_code == 0, exported.stderr
    assert "Writing the ledger file" in exported.stderr  # progress on the command line

    fresh = f"sqlite:///{tmp_path}/fresh/pmo.sqlite"
    restored = run("--store", fresh, "restore", str(tmp_path / "org-a.jsonl"))
    assert restored.exit_code == 0, restored.stderr
    verified = run("--store", fresh, "audit", "verify")
    assert verified.exit_code == 0
    assert verified.stdout.split("chain head ")[1] == source.split("chain head ")[1]  # the same history
    assert run("audit", "verify", "--export", str(tmp_path / "org-a.jsonl")).exit_code == 0
    # The fresh install serves org-a's people, plugins included, as a single organisation.
    from tests.conftest import close_app, make_app

    app = make_app(fresh)
    try:
        viewer = world.people["org-a"]["viewer"]
        client = app.test_client()
        codes = [p["code"] for p in client.get("/api/projects", headers=auth(viewer["token"])).get_json()]
        assert codes == ["P-ORG-A"]
        assert client.get("/api/risks", headers=auth(viewer["token"])).status_code == 200
    finally:
        close_app(app)
    assert world.runtime.platform.organisation("org-a")["exports"] == 1


def test_platform_pages_create_suspend_resume_and_export(orgs_world):
    world = orgs_world
    client = world.sign_in_platform()
    form = client.get("/platform/new")
    token = csrf_token_from(form.get_data(as_text=True))
    bad = client.post("/platform/new", data={"slug": "Not A Slug", "name": "Gamma", "admin": "gus",
                                             "password": "long-enough-1", "csrf_token": token})
    assert bad.status_code == 422 and "lowercase letters" in bad.get_data(as_text=True)
    taken = client.post("/platform/new", data={"slug": "org-a", "name": "Again", "admin": "gus",
                                               "password": "long-enough-1", "csrf_token": token})
    assert taken.status_code == 422 and "exists already" in taken.get_data(as_text=True)
    made = client.post("/platform/new", data={"slug": "gamma", "name": "Gamma Services", "admin": "gus",
                                              "password": "long-enough-1", "reason": "signed", "csrf_token": token})
    assert made.status_code == 302
    listing = client.get("/platform/").get_data(as_text=True)
    assert "Gamma Services" in listing and "<svg" in listing
    world.sign_in("gamma", "gus", "long-enough-1")

    no_reason = client.post("/platform/gamma/suspend", data={"reason": "", "csrf_token": token})
    assert no_reason.status_code == 422 and world.runtime.platform.organisation("gamma")["state"] == "active"
    assert client.post("/platform/gamma/suspend", data={"reason": "audit", "csrf_token": token}).status_code == 302
    assert world.app.test_client().get("/o/gamma/login").status_code == 403
    again = client.post("/platform/gamma/suspend", data={"reason": "twice", "csrf_token": token})
    assert again.status_code == 422 and "suspended already" in again.get_data(as_text=True)
    assert client.post("/platform/gamma/resume", data={"reason": "done", "csrf_token": token}).status_code == 302
    assert world.app.test_client().get("/o/gamma/login").status_code == 200

    download = client.post("/platform/gamma/export", data={"reason": "handover", "csrf_token": token})
    assert download.status_code == 200 and download.headers["X-Ledger-Head"]
    from events.export import verify_export

    assert verify_export(download.get_data(as_text=True)).ok
    # Every platform action is an event in the platform ledger with its actor and reason.
    platform = world.runtime.platform
    events = [event for _position, event in platform.ledger.read_log()]
    gamma = [(type(e).TOPIC, e.actor, e.reason) for e in events if "Organisation" in type(e).TOPIC
             and getattr(e, "slug", "gamma") == "gamma" and e.originator_id == events[-1].originator_id]
    assert gamma == [("platform.Organisation.Created", "root", "signed"),
                     ("platform.Organisation.Suspended", "root", "audit"),
                     ("platform.Organisation.Resumed", "root", "done"),
                     ("platform.Organisation.Exported", "root", "handover")]


def test_cli_errors_are_one_line(orgs_world):
    env = {"PMO_PLATFORM_STORE": orgs_world.platform_url}
    for args, message in (
        (["orgs", "suspend", "nobody", "--reason", "x"], "no organisation 'nobody'"),
        (["orgs", "suspend", "org-a"], "say why: --reason"),
        (["orgs", "create", "Bad Slug", "--name", "x", "--admin", "al", "--password", "long-enough"],
         "lowercase letters"),
        (["orgs", "create", "org-a", "--name", "x", "--admin", "al", "--password", "long-enough"], "exists already"),
        (["orgs", "create", "delta", "--name", "x", "--admin", "al", "--password", "short"], "8 characters"),
        (["--org", "nobody", "users", "list"], "no organisation 'nobody'"),
        (["orgs", "export", "org-a", __file__], "exists"),
    ):
        result = run(*args, env=env)
        assert result.exit_code != 0, args
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert orgs_world.runtime.platform.organisation("delta") is None


def test_pmo_org_runs_any_command_on_that_orgs_ledger(orgs_world):
    world = orgs_world
    env = {"PMO_PLATFORM_STORE": world.platform_url}
    listed = run("orgs", "list", env=env)
    assert listed.exit_code == 0
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()[2:]}
    assert "risk" in lines["org-a"] and "risk" not in lines["org-b"]
    created = run("--org", "org-b", "users", "create", "bob", "--role", "viewer", "--password", "long-enough-1",
                  env=env)
    assert created.exit_code == 0, created.stderr
    assert "bob" in run("--org", "org-b", "users", "list", env=env).stdout
    assert "bob" not in run("--org", "org-a", "users", "list", env=env).stdout
    # The switcher's membership table learnt of bob.
    assert ("bob", "viewer") in world.runtime.platform.member_rows("org-b")


# --- the platform pages' permission matrix ---------------------------------------------------

# rule -> method -> who is let through: "anyone", or "admin" (a platform admin). Everyone else
# (signed out, or signed in to an organisation, even as its admin) is sent to the platform's
# sign-in page and writes nothing.
PLATFORM_TABLE = {
    "/platform/login": {"GET": "anyone", "POST": "anyone"},
    "/platform/logout": {"POST": "anyone"},
    "/platform/": {"GET": "admin"},
    "/platform/new": {"GET": "admin", "POST": "admin"},
    "/platform/<slug>/<any(suspend, resume):change>": {"GET": "admin", "POST": "admin"},
    "/platform/<slug>/export": {"GET": "admin", "POST": "admin"},
}


def test_every_platform_rule_is_in_the_platform_matrix_and_refuses_org_users(orgs_world):
    from tests.security.world import any_options, methods_of

    world = orgs_world
    rules = {r.rule: r for r in world.app.url_map.iter_rules() if r.endpoint.startswith("platform.")}
    assert {p: set(methods_of(r)) for p, r in rules.items()} == {p: set(m) for p, m in PLATFORM_TABLE.items()}
    org_admin = world.people["org-a"]["admin"]
    callers = {
        "anonymous": world.app.test_client(),
        # An organisation's admin, signed in there, is nobody on the platform pages.
        "org admin": world.sign_in("org-a", org_admin["username"], org_admin["password"]),
        "org token": None,
        "platform admin": world.sign_in_platform(),
    }
    token = csrf_token_from(callers["platform admin"].get("/platform/login").get_data(as_text=True))
    problems = []
    for pattern, methods in PLATFORM_TABLE.items():
        choices = any_options(pattern).get("change", [None])
        for change in choices:
            url = pattern.replace("<slug>", "org-b").replace("<any(suspend, resume):change>", change or "")
            for method, who in methods.items():
                if pattern == "/platform/logout":
                    continue  # signing out is everyone's; the platform admin's session is needed below
                for label, client in callers.items():
                    headers = auth(org_admin["token"]) if client is None else {}
                    client = client or world.app.test_client(use_cookies=False)
                    before = world.runtime.platform.head()
                    data = {"csrf_token": token, "reason": "matrix"} if label == "platform admin" else {"reason": "m"}
                    answer = client.open(url, method=method, headers=headers,
                                         data=data if method == "POST" else None)
                    wrote = world.runtime.platform.head() != before
                    let_through = answer.status_code < 400 and "/platform/login" not in answer.headers.get("Location", "")
                    if label == "platform admin":
                        # Allowed: past the door (a 422 for a form without its fields is fine).
                        if answer.status_code in (401, 403) or "/platform/login" in answer.headers.get("Location", ""):
                            problems.append(f"{method} {url} as the platform admin: refused {answer.status_code}")
                        continue
                    if who == "anyone":
                        continue
                    if let_through or wrote:
                        problems.append(f"{method} {url} as {label}: {answer.status_code} wrote={wrote}")
    assert not problems, "\n".join(problems)
    # What the platform admin's calls changed is put back for the other tests.
    if world.runtime.platform.organisation("org-b")["state"] == "suspended":
        with command_context("setup", "matrix cleanup"):
            world.runtime.platform.resume("org-b")
    assert callers["platform admin"].get("/platform/").status_code == 200
    assert "Beta Agency" not in callers["org admin"].get("/platform/").get_data(as_text=True)


def test_evicted_pmos_are_closed_and_memory_is_bounded():
    from web.orgs.runtime import PMOCache

    class Fake:
        closed = False

        def close(self):
            self.closed = True

    opened: dict[str, Fake] = {}
    cache = PMOCache(2, lambda slug: opened.setdefault(slug, Fake()))
    a = cache.acquire("a")
    cache.release(a)
    b = cache.acquire("b")  # held by a request while c arrives
    cache.acquire("a")      # a is now the most recent: b is the one to go
    cache.release(opened["a"])
    c = cache.acquire("c")
    assert list(cache) == ["a", "c"] and not b.closed  # evicted but in use: kept open
    cache.release(b)
    assert b.closed and not a.closed and not c.closed
    assert (cache.opened, cache.closed) == (3, 1)


def test_host_mode_finds_the_org_by_its_host_name(orgs_world):
    from tests.conftest import make_app
    from web.tenancy import close_orgs

    app = make_app(PMO_ORGS="host", PMO_ORGS_HOST_SUFFIX=".pmo.test", PMO_PLATFORM_STORE=orgs_world.platform_url,
                   PMO_ORGS_REFRESH=0)
    try:
        client = app.test_client()
        viewer = orgs_world.people["org-a"]["viewer"]
        answer = client.get("/api/projects", base_url="http://org-a.pmo.test", headers=auth(viewer["token"]))
        assert [p["code"] for p in answer.get_json()] == ["P-ORG-A"]
        other = client.get("/api/projects", base_url="http://org-b.pmo.test", headers=auth(viewer["token"]))
        assert other.status_code == 401
        assert client.get("/", base_url="http://nobody.pmo.test").status_code == 404
        assert client.get("/login", base_url="http://pmo.test").status_code == 404  # no organisation
    finally:
        close_orgs(app)


def test_single_org_mode_is_unchanged(app):
    assert "pmo_orgs" not in app.extensions
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("platform.")]


def test_a_cache_too_big_for_the_servers_connections_is_told():
    from web.orgs.runtime import connections_warning

    assert connections_warning(16, 200) is None  # 68 of 200
    message = connections_warning(32, 100)
    assert "about 132 PostgreSQL connections" in message and "allows 100" in message
