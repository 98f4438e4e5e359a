"""After signing in, ``?next=`` may only lead to a page of this site (no open redirect)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import csrf_token_from

OFFSITE = ["//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
           "http:evil.example", "javascript:alert(1)"]
# Browsers drop tabs and newlines from URLs: "/\t/evil.example" is "//evil.example" to them.
TAB = "/%09/evil.example"
NEWLINES = ["/%0d%0a/evil.example", "/%0A/evil.example"]


# Signing in writes nothing these tests look at: one app and its people for the module, and a
# fresh client (no session) per test.
@pytest.fixture(scope="module")
def app(shared_app):
    return shared_app


@pytest.fixture(scope="module")
def people(shared_people):
    return shared_people


def sign_in(client, people, next_url: str):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    viewer = people["viewer"]
    return client.post(f"/login?next={next_url}", data={
        "username": viewer["username"], "password": viewer["password"], "csrf_token": token})


def leaves_the_site(location: str) -> bool:
    cleaned = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/")
    parts = urlsplit(cleaned)
    return bool(parts.scheme or parts.netloc) or cleaned.startswith("//")


@pytest.mark.parametrize("next_url", OFFSITE)
def test_next_cannot_leave_the_site(client, people, next_url):
    answer = sign_in(client, people, next_url)
    assert answer.status_code == 302
    assert not leaves_the_site(answer.headers["Location"]), answer.headers["Location"]


def test_next_with_a_tab_cannot_leave_the_site(client, people):
    answer = sign_in(client, people, TAB)
    assert answer.status_code == 302
    assert not leaves_the_site(answer.headers["Location"]), answer.headers["Location"]


@pytest.mark.parametrize("next_url", NEWLINES)
def test_next_with_a_newline_is_ignored(client, people, next_url):
    answer = sign_in(client, people, next_url)
    assert answer.status_code == 302
    assert not leaves_the_site(answer.headers["Location"]), answer.headers["Location"]


def test_next_keeps_a_page_of_this_site(client, people):
    answer = sign_in(client, people, "/projects?stage=active")
    assert answer.headers["Location"] == "/projects?stage=active"
