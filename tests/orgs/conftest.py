"""Two organisations on one deployment (SQLite files under tmp_path), risk enabled in A only.

``orgs_world`` gives the app in path mode (``/o/<slug>/``), each organisation's people with API
tokens, a project in each, and a platform admin.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from events.context import command_context
from tests.conftest import csrf_token_from, make_app

PASSWORD = "correct-horse-{who}"


@dataclass
class OrgsWorld:
    app: Any
    platform_url: str
    people: dict[str, dict[str, dict]] = field(default_factory=dict)   # slug -> role -> person
    projects: dict[str, Any] = field(default_factory=dict)             # slug -> project id

    @property
    def runtime(self):
        return self.app.extensions["pmo_orgs"]

    def pmo(self, slug: str):
        """An organisation's PMO from the app's cache (held open for the test's use)."""
        return self.runtime.pmos.acquire(slug)

    def head(self, slug: str) -> int:
        return self.pmo(slug).ledger.max_position()

    def sign_in(self, slug: str, username: str, password: str, client=None):
        client = client or self.app.test_client()
        page = client.get(f"/o/{slug}/login")
        answer = client.post(f"/o/{slug}/login", data={"username": username, "password": password,
                                                       "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return client

    def sign_in_platform(self, client=None):
        client = client or self.app.test_client()
        page = client.get("/platform/login")
        answer = client.post("/platform/login", data={"username": "root", "password": PASSWORD.format(who="root"),
                                                      "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return client


def build_orgs_world(platform_url: str, orgs_dir: str | None = None, slugs: tuple[str, str] = ("org-a", "org-b"),
                     **config: Any) -> OrgsWorld:
    """Two organisations named ``slugs`` (PostgreSQL tests pass unique ones: their schemas are
    org_<slug> in a shared database); risk is enabled in the first only."""
    from core.services import projects, users
    from core.services.plugins import enable_plugin
    from web.orgs.admin import create_organisation

    app = make_app(PMO_ORGS="path", PMO_PLATFORM_STORE=platform_url, PMO_ORGS_DIR=orgs_dir or "",
                   PMO_ORGS_REFRESH=0, **config)
    world = OrgsWorld(app, platform_url)
    platform = world.runtime.platform
    with command_context("setup", "test fixture"):
        platform.grant_admin("root", PASSWORD.format(who="root"), "Platform Root")
        for slug, name in zip(slugs, ("Alpha Consulting", "Beta Agency")):
            create_organisation(platform, slug, name, f"admin-{slug}", PASSWORD.format(who="admin"),
                                entry_points=False)
    world.runtime.directory.reload(force=True)
    for slug in slugs:
        pmo = world.pmo(slug)
        people = {"admin": {"username": f"admin-{slug}", "password": PASSWORD.format(who="admin")}}
        with command_context("setup", "test fixture"):
            for role in ("pmo", "viewer", "auditor"):
                username = f"{role}-{slug}"
                user = users.create_user(pmo, username, PASSWORD.format(who=role), role)
                people[role] = {"username": username, "password": PASSWORD.format(who=role), "id": user.id}
            # Ann works for both organisations, with a different role in each.
            ann = users.create_user(pmo, "ann", PASSWORD.format(who="ann"), "pmo" if slug == slugs[0] else "viewer")
            people["ann"] = {"username": "ann", "password": PASSWORD.format(who="ann"), "id": ann.id}
            from core import queries

            admin = queries.get_user(pmo, f"admin-{slug}")
            people["admin"]["id"] = admin["id"]
            for role, person in people.items():
                person["token"] = users.issue_token(pmo, person["id"], "tests")[1]
            project = projects.register_project(pmo, f"P-{slug.upper()}", f"Project of {slug}")
            world.projects[slug] = project.id
            if slug == slugs[0]:
                enable_plugin(pmo, "risk")
            world.runtime.sync_members(slug, queries.list_users(pmo))
        world.people[slug] = people
    return world


@pytest.fixture(scope="package")
def orgs_world(tmp_path_factory):
    """Shared by every SQLite test of tests/orgs (building it is most of their time): they may
    sign in, read and add; what one changes that others read (a suspension), it puts back."""
    world = build_orgs_world(f"sqlite:///{tmp_path_factory.mktemp('orgs')}/platform.sqlite")
    yield world
    from web.tenancy import close_orgs

    close_orgs(world.app)

