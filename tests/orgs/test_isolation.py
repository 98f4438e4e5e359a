"""Neither organisation can read or write the other's data, by any route.

Every rule of the app's URL map, every method, is called against organisation B's prefix with
organisation A's credentials: A's signed-in session (as the browser keeps it, and copied into
B's cookie name, as a forger would), and A's API tokens. Only the routes anyone may call
answer; everything else is 401/403/404 or the sign-in page, and B's ledger does not move.
"""
from __future__ import annotations

import re

from tests.conftest import auth, csrf_token_from
from tests.security.world import methods_of, any_options

PARAM = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
# Rules anyone may call, signed in or not (files, API docs, health, the sign-in form itself).
PUBLIC = {"static", "swagger_assets", "health.healthz", "health.readyz", "api-docs.openapi_json",
          "api-docs.openapi_swagger_ui", "auth.login", "auth.logout"}


def fill(rule, target: dict) -> list[str]:
    """The rule's URLs with values that exist in organisation B (the worst case: A knows them)."""
    variants = [{}]
    for name, options in any_options(rule.rule).items():
        variants = [{**v, name: o} for v in variants for o in options]

    def value(m, chosen):
        name, conv = m["name"], m["conv"]
        if name in chosen:
            return chosen[name]
        if conv == "uuid" or name.endswith("_id"):
            return str(target["project_id"])
        if name in ("username", "key") and "users" in rule.rule:
            return target["username"]
        if name == "name":
            return "risk"
        if name == "filename":
            return "pmo.css" if rule.endpoint == "static" else "swagger-ui.css"
        return target["code"]

    return [PARAM.sub(lambda m: value(m, chosen), rule.rule) for chosen in variants]


def refused(rule, method: str, response, slug: str) -> str | None:
    status, location = response.status_code, response.headers.get("Location", "")
    if rule.endpoint in PUBLIC or rule.endpoint.endswith(".static"):
        return None
    if status in (401, 403, 404):
        return None
    if status == 302 and location.startswith(f"/o/{slug}/login"):
        return None
    if status == 400 and method not in ("GET", "HEAD"):  # a form without B's CSRF token
        return None
    return f"answered {status} {location}"


def every_call(app, slug: str, target: dict):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith("platform."):
            continue  # no organisation's: the platform matrix covers them
        for method in methods_of(rule):
            for url in fill(rule, target):
                yield rule, method, f"/o/{slug}{url}"


def test_a_session_and_a_token_of_one_org_reach_nothing_of_the_other(orgs_world):
    # The victim is the organisation with more to find (risk is enabled there only).
    world, attacker, victim = orgs_world, "org-b", "org-a"
    target = {"project_id": world.projects[victim], "code": f"P-{victim.upper()}",
              "username": world.people[victim]["viewer"]["username"]}
    admin = world.people[attacker]["admin"]
    browser = world.sign_in(attacker, admin["username"], admin["password"])
    # A forger copies A's session cookie into B's cookie name.
    forged = world.app.test_client()
    stolen = browser.get_cookie("session_" + attacker.replace("-", "_"), path=f"/o/{attacker}/")
    assert stolen is not None
    forged.set_cookie("session_" + victim.replace("-", "_"), stolen.value, path=f"/o/{victim}/")
    before = world.head(victim)
    problems, calls = [], 0
    for rule, method, url in every_call(world.app, victim, target):
        # (A's own cookie is not even sent to B's path: the forged copy is the stronger test.)
        for label, client, headers in (("forged session", forged, {}),
                                       ("token", world.app.test_client(use_cookies=False), auth(admin["token"]))):
            body = {"name": "x", "code": "P-NEW", "reason": "attack"}
            kwargs = {"json": body} if "/api/" in url else {"data": body}
            response = client.open(url, method=method, headers=headers,
                                   **({} if method in ("GET", "DELETE") else kwargs))
            calls += 1
            problem = refused(rule, method, response, victim)
            response.close()
            if problem:
                problems.append(f"{method} {url} with {attacker}'s {label}: {problem}")
    assert not problems, "\n".join(problems)
    assert calls > 500
    assert world.head(victim) == before, "the other organisation's ledger moved"


def test_each_org_reads_its_own_data_only(orgs_world):
    world = orgs_world
    for slug, other in (("org-a", "org-b"), ("org-b", "org-a")):
        token = world.people[slug]["viewer"]["token"]
        client = world.app.test_client(use_cookies=False)
        codes = [p["code"] for p in client.get(f"/o/{slug}/api/projects", headers=auth(token)).get_json()]
        assert codes == [f"P-{slug.upper()}"]
        # B's project id asked of A's ledger: no such project there.
        answer = client.get(f"/o/{slug}/api/projects/P-{other.upper()}", headers=auth(token))
        assert answer.status_code == 404


def test_the_same_username_is_a_different_person_in_each_org(orgs_world):
    world = orgs_world
    ann_a = world.sign_in("org-a", "ann", world.people["org-a"]["ann"]["password"])
    me = ann_a.get("/o/org-a/api/me").get_json()
    assert me["role"] == "pmo"
    # Ann's org-a session opens nothing in org-b: she signs in there on her own, as a viewer.
    assert ann_a.get("/o/org-b/api/me").status_code == 401
    world.sign_in("org-b", "ann", world.people["org-b"]["ann"]["password"], client=ann_a)
    assert ann_a.get("/o/org-b/api/me").get_json()["role"] == "viewer"
    assert ann_a.get("/o/org-a/api/me").get_json()["role"] == "pmo"  # both sessions, side by side
    # A viewer in org-b cannot write there, whatever she is in org-a.
    answer = ann_a.post("/o/org-b/api/projects", json={"code": "P-ANN", "name": "Ann's"},
                        headers={"X-CSRFToken": "none"})
    assert answer.status_code in (400, 403)


def test_a_session_made_for_one_org_is_signed_out_in_another(orgs_world):
    """Belt and braces: a session B's cookie key accepts still signs nobody in when it was made in A."""
    world = orgs_world
    viewer_b = world.people["org-b"]["viewer"]

    def cookie(made_in: str) -> str:
        with world.app.test_request_context("/", environ_overrides={"pmo.org": "org-b"}):
            serializer = world.app.session_interface.get_signing_serializer(world.app)
            return serializer.dumps({"_user_id": str(viewer_b["id"]), "_fresh": True, "pmo_org": made_in})

    for made_in, status in (("org-b", 200), ("org-a", 401)):
        client = world.app.test_client()
        client.set_cookie("session_org_b", cookie(made_in), path="/o/org-b/")
        assert client.get("/o/org-b/api/me").status_code == status, made_in


def test_unknown_org_and_no_org(orgs_world):
    client = orgs_world.app.test_client()
    answer = client.get("/o/nobody/")
    assert answer.status_code == 404 and "There is no organisation" in answer.get_data(as_text=True)
    problem = client.get("/o/nobody/api/projects")
    assert problem.status_code == 404 and problem.content_type == "application/problem+json"
    assert client.get("/projects").status_code == 404
    assert client.get("/api/projects").status_code == 404
    assert "Choose your organisation" in client.get("/").get_data(as_text=True)
    assert client.get("/healthz").status_code == 200
    assert client.get("/o/org-a").headers["Location"] == "/o/org-a/"


def test_a_root_relative_link_finds_its_way_back_into_its_org(orgs_world):
    """Links written as '/risks/...' in a page of /o/org-a/ go back into org-a, never elsewhere."""
    client = orgs_world.app.test_client()
    answer = client.get("/risks/?level=critical", headers={"Referer": "http://localhost/o/org-a/projects"})
    assert answer.status_code == 307 and answer.headers["Location"] == "/o/org-a/risks/?level=critical"
    other_site = client.get("/risks/", headers={"Referer": "http://evil.example/o/org-a/"})
    assert other_site.status_code == 404
    unknown = client.get("/risks/", headers={"Referer": "http://localhost/o/nobody/"})
    assert unknown.status_code == 404


def test_plugins_and_maturity_are_per_org(orgs_world):
    world = orgs_world
    a = world.sign_in("org-a", "admin-org-a", world.people["org-a"]["admin"]["password"])
    b = world.sign_in("org-b", "admin-org-b", world.people["org-b"]["admin"]["password"])
    assert a.get("/o/org-a/risks/").status_code == 200
    assert b.get("/o/org-b/risks/").status_code == 404
    assert ">Risks<" in a.get("/o/org-a/").get_data(as_text=True)
    assert ">Risks<" not in b.get("/o/org-b/").get_data(as_text=True)
    maturity_a = a.get("/o/org-a/api/maturity").get_json()
    maturity_b = b.get("/o/org-b/api/maturity").get_json()
    assert maturity_a != maturity_b
    assert "risk" in str(maturity_a) and maturity_a["enabled_plugins"] if "enabled_plugins" in maturity_a else True
    enabled = {slug: [p["name"] for p in client.get(f"/o/{slug}/api/plugins").get_json() if p["enabled"]]
               for slug, client in (("org-a", a), ("org-b", b))}
    assert "risk" in enabled["org-a"] and "risk" not in enabled["org-b"]
    assert a.get("/o/org-a/maturity").get_data(as_text=True) != b.get("/o/org-b/maturity").get_data(as_text=True)


def test_the_switcher_lists_the_other_orgs_of_the_signed_in_username(orgs_world):
    world = orgs_world
    ann = world.sign_in("org-a", "ann", world.people["org-a"]["ann"]["password"])
    page = ann.get("/o/org-a/").get_data(as_text=True)
    assert "Alpha Consulting" in page and 'href="/o/org-b/">Beta Agency</a>' in page
    viewer = world.sign_in("org-a", "viewer-org-a", world.people["org-a"]["viewer"]["password"])
    assert "Switch organisation" not in viewer.get("/o/org-a/").get_data(as_text=True)


def test_a_plugin_apis_location_names_the_org(orgs_world):
    world = orgs_world
    client = world.app.test_client(use_cookies=False)
    made = client.post("/o/org-a/api/risks", headers=auth(world.people["org-a"]["pmo"]["token"]),
                       json={"title": "Key supplier late", "owner": "pmo", "project_id": str(world.projects["org-a"])})
    assert made.status_code == 201, made.get_json()
    location = made.headers["Location"]
    assert location.startswith("/o/org-a/api/risks/")
    assert client.get(location, headers=auth(world.people["org-a"]["viewer"]["token"])).get_json()["title"] == \
        "Key supplier late"


def test_request_logs_name_the_org(orgs_world, caplog):
    client = orgs_world.app.test_client(use_cookies=False)
    with caplog.at_level("INFO", logger="pmo.request"):
        client.get("/o/org-b/api/me", headers=auth(orgs_world.people["org-b"]["viewer"]["token"]))
    [line] = [r for r in caplog.records if r.name == "pmo.request"]
    assert (line.org, line.path, line.status, line.user) == ("org-b", "/api/me", 200, "viewer-org-b")


def test_sign_in_throttle_counts_per_org(orgs_world):
    """Someone guessing Ann's password in org-b does not lock Ann out of org-a."""
    world = orgs_world
    guesser = world.app.test_client()
    token = csrf_token_from(guesser.get("/o/org-b/login").get_data(as_text=True))
    answers = [guesser.post("/o/org-b/login", data={"username": "ann", "password": "wrong-guess",
                                                     "csrf_token": token}).status_code for _ in range(6)]
    try:
        assert answers[-1] == 429
        world.sign_in("org-a", "ann", world.people["org-a"]["ann"]["password"])
    finally:  # Ann of org-b may sign in again, for the module's other tests
        world.app.extensions["pmo_login_throttle"].succeeded("org-b/ann")


def test_a_project_page_links_stay_inside_the_org(orgs_world):
    """Panels' links (plugins.kit.href, url_for) carry the prefix: no link leaves the organisation."""
    world = orgs_world
    admin = world.people["org-a"]["admin"]
    page = world.sign_in("org-a", admin["username"], admin["password"]).get("/o/org-a/projects/P-ORG-A")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/o/org-a/risks/?project=P-ORG-A"' in html and 'href="/o/org-a/risks/new?project=P-ORG-A"' in html
    outside = sorted(set(re.findall(r'(?:href|action|src)="(/(?!o/org-a/)[^"]*)"', html)))
    assert outside == [], outside
