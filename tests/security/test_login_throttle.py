"""Sign-in throttling: 5 failures for a username (20 from one address) in 15 minutes, then 429."""
from __future__ import annotations

import pytest

from tests.conftest import close_app, csrf_token_from, make_app
from web.security import LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app):
    fake = Clock()
    app.extensions["pmo_login_throttle"].clock = fake
    return fake


@pytest.fixture
def attempt(client):
    """``attempt(username, password, ip="127.0.0.1")``: post the sign-in form once."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))

    def post(username: str, password: str, ip: str = "127.0.0.1"):
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": ip})
    return post


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def sign_out(client) -> None:
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})


def test_five_failures_lock_the_username(app, client, people, attempt, clock):
    viewer = people["viewer"]
    before = _head(app)
    for _ in range(5):
        assert attempt(viewer["username"], "wrong-password").status_code == 401
    refused = attempt(viewer["username"], viewer["password"])  # even the right password
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    body = refused.get_data(as_text=True)
    assert "Too many failed sign-in attempts" in body and "Try again in 15 minutes" in body
    assert not signed_in(client)
    assert _head(app) == before  # throttling writes nothing to the ledger
    # Someone else signs in from the same address.
    other = people["pmo"]
    assert attempt(other["username"], other["password"]).status_code == 302


def test_the_lock_lifts_when_the_failures_age_out(app, client, people, attempt, clock):
    viewer = people["viewer"]
    for _ in range(5):
        attempt(viewer["username"], "wrong-password")
        clock.now += 60  # one a minute: the first is 4 minutes older than the last
    refused = attempt(viewer["username"], viewer["password"])
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 15 * 60 - 5 * 60
    clock.now += 10 * 60 - 1
    assert attempt(viewer["username"], viewer["password"]).status_code == 429  # refused tries do not count...
    clock.now += 1
    # ...and once the oldest failure is 15 minutes old, one more try is allowed.
    assert attempt(viewer["username"], viewer["password"]).status_code == 302
    assert signed_in(client)


def test_a_failure_after_the_lock_locks_again_until_the_next_one_ages_out(people, attempt, clock):
    viewer = people["viewer"]
    for _ in range(5):
        attempt(viewer["username"], "wrong-password")
        clock.now += 60
    clock.now += 15 * 60 - 5 * 60  # the first failure has aged out
    assert attempt(viewer["username"], "still-wrong").status_code == 401
    refused = attempt(viewer["username"], viewer["password"])
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 60  # when the second failure ages out


def test_a_success_clears_the_username_count(client, people, attempt, clock):
    viewer = people["viewer"]
    for _ in range(4):
        assert attempt(viewer["username"], "wrong-password").status_code == 401
    assert attempt(viewer["username"], viewer["password"]).status_code == 302
    sign_out(client)
    for _ in range(4):
        assert attempt(viewer["username"], "wrong-password").status_code == 401
    assert attempt(viewer["username"], viewer["password"]).status_code == 302


def test_unknown_usernames_are_throttled_alike(attempt, clock):
    """No difference between a user who exists and one who does not (no enumeration)."""
    for _ in range(5):
        assert attempt("nobody", "whatever-1").status_code == 401
    assert attempt("nobody", "whatever-1").status_code == 429


def test_spelling_variants_of_a_username_count_as_one(people, attempt, clock):
    viewer = people["viewer"]
    for variant in ("viewer-user", "VIEWER-USER", " Viewer-User ", "viewer-user ", "Viewer-user"):
        assert attempt(variant, "wrong-password").status_code == 401
    assert attempt(viewer["username"], viewer["password"]).status_code == 429


def test_one_address_trying_many_usernames_is_stopped(client, people, attempt, clock):
    for n in range(20):
        assert attempt(f"guess-{n}", "password-1", ip="10.0.0.1").status_code == 401
    viewer = people["viewer"]
    refused = attempt(viewer["username"], viewer["password"], ip="10.0.0.1")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    # The same person from elsewhere is not affected: the username itself has no failures.
    assert attempt(viewer["username"], viewer["password"], ip="10.0.0.2").status_code == 302


def test_api_tokens_are_not_throttled(client, people, attempt, clock):
    """Bearer tokens are 256 random bits; a locked sign-in does not lock a user's scripts."""
    viewer = people["viewer"]
    for _ in range(6):
        attempt(viewer["username"], "wrong-password")
    answer = client.get("/api/me", headers={"Authorization": f"Bearer {viewer['token']}"})
    assert answer.status_code == 200


def test_limits_are_configurable():
    app = make_app(PMO_LOGIN_MAX_FAILURES=2, PMO_LOGIN_MAX_FAILURES_PER_IP=0, PMO_LOGIN_WINDOW_SECONDS=60)
    try:
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        codes = [client.post("/login", data={"username": "someone", "password": "x", "csrf_token": token}).status_code
                 for _ in range(3)]
        assert codes == [401, 401, 429]
        # No per-address limit: 50 other usernames from the same address are all just wrong.
        for n in range(50):
            assert client.post("/login", data={"username": f"u{n}", "password": "x",
                                               "csrf_token": token}).status_code == 401
    finally:
        close_app(app)


def test_the_throttle_forgets_old_entries_when_full():
    clock = Clock()
    throttle = LoginThrottle(max_failures=1, max_failures_per_ip=0, window=10, clock=clock, max_keys=3)
    for name in ("a", "b", "c"):
        throttle.failed(name, "1.2.3.4")
    assert all(throttle.retry_after(n, "1.2.3.4") for n in ("a", "b", "c"))
    clock.now += 11
    throttle.failed("d", "1.2.3.4")  # full: the expired ones go
    assert len(throttle._failures) == 1
    for name in ("e", "f", "g", "h"):
        throttle.failed(name, "1.2.3.4")
    assert len(throttle._failures) <= 3  # still bounded when nothing has expired


def _head(app) -> int:
    from web.tenancy import current_pmo

    with app.app_context():
        return current_pmo().ledger.max_position()
