"""The portfolio and its programmes through the forms."""
from __future__ import annotations

import re

from core import queries
from tests.web.views.conftest import events_of, submit


def test_the_pmo_establishes_then_renames_the_portfolio(client, people, sign_in, the_pmo):
    sign_in("pmo")
    assert "Establish the portfolio" in client.get("/").get_data(as_text=True)
    before = the_pmo.ledger.max_position()
    assert submit(client, "/portfolio", {"name": ""}).status_code == 422
    assert the_pmo.ledger.max_position() == before

    response = submit(client, "/portfolio", {"name": "Change portfolio", "description": "2026"})
    assert response.status_code == 303
    [event] = events_of(response, the_pmo)
    assert (event["topic"], event["actor"]) == ("core.Portfolio.Established", "pmo-user")
    assert "<h1>Change portfolio</h1>" in client.get("/").get_data(as_text=True)

    form = client.get("/portfolio").get_data(as_text=True)
    assert "Rename the portfolio" in form and 'value="Change portfolio"' in form
    assert submit(client, "/portfolio", {"name": "Portfolio 2026", "version": "1"}).status_code == 303
    stale = submit(client, "/portfolio", {"name": "Portfolio 2027", "version": "1"})
    assert stale.status_code == 409
    assert re.search(r"<th scope=\"row\">Portfolio name</th><td>Portfolio 2026</td><td>Portfolio 2027</td>",
                     stale.get_data(as_text=True))
    assert queries.portfolio(the_pmo)["name"] == "Portfolio 2026"


def test_the_pmo_registers_and_updates_a_programme(client, seeded, sign_in, the_pmo):
    sign_in("pmo")
    before = the_pmo.ledger.max_position()
    bad = submit(client, "/programmes/new", {"code": "bad code!", "name": "Care"})
    assert bad.status_code == 422
    assert re.search(r'id="code-error">use 1-40 letters, digits', bad.get_data(as_text=True))
    taken = submit(client, "/programmes/new", {"code": "digi", "name": "Again"})
    assert taken.status_code == 409 and "programme code digi is already taken" in taken.get_data(as_text=True)
    assert the_pmo.ledger.max_position() == before

    response = submit(client, "/programmes/new", {"code": "CARE", "name": "Future care", "manager": "erik"})
    assert response.status_code == 303 and response.headers["Location"] == "/programmes/CARE"
    assert [e["topic"] for e in events_of(response, the_pmo)] == ["core.Programme.Registered"]

    response = submit(client, "/programmes/CARE/edit", {"name": "Future care", "manager": "sara", "version": "1"})
    assert response.status_code == 303
    page = client.get("/programmes/CARE").get_data(as_text=True)
    assert "Programme CARE updated." in page and "sara" in page
    assert "Self-service portal" in client.get("/programmes/DIGI").get_data(as_text=True)


def test_managers_and_readers_do_not_change_the_portfolio(client, seeded, sign_in, the_pmo):
    before = the_pmo.ledger.max_position()
    for role in ("manager", "viewer", "auditor"):
        sign_in(role)
        for url in ("/portfolio", "/programmes/new", "/programmes/DIGI/edit"):
            assert client.get(url).status_code == 403, (role, url)
            assert submit(client, url, {"name": "Mine", "code": "MINE", "version": "1"}).status_code == 403
    assert the_pmo.ledger.max_position() == before
