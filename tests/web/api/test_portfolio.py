"""The PMO establishes and renames the portfolio, and registers programmes."""
from tests.web.api.conftest import etag, problem


def test_establish_and_rename_the_portfolio(as_):
    pmo = as_("pmo")
    # Before it is established there is nothing to show.
    problem(pmo.get("/api/portfolio"), 404)
    established = pmo.post("/api/portfolio", json={"name": "Change portfolio"})
    assert established.status_code == 201 and established.headers["Location"] == "/api/portfolio"
    assert etag(established) == '"1"'
    # Only once.
    problem(pmo.post("/api/portfolio", json={"name": "Again"}), 409)

    renamed = pmo.put("/api/portfolio", json={"name": "Transformation", "description": "2025-27"},
                      headers={"If-Match": '"1"', "X-Reason": "new strategy"})
    assert renamed.status_code == 200 and etag(renamed) == '"2"'
    shown = as_("viewer").get("/api/portfolio")
    assert shown.get_json()["name"] == "Transformation" and etag(shown) == '"2"'


def test_register_and_update_a_programme(as_):
    pmo = as_("pmo")
    created = pmo.post("/api/programmes", json={"code": "PR-7", "name": "Customer", "sponsor": "COO"})
    assert created.status_code == 201
    programme = created.get_json()
    assert created.headers["Location"] == f"/api/programmes/{programme['id']}"

    updated = pmo.patch(f"/api/programmes/{programme['id']}", json={"manager": "pmo-user"},
                        headers={"If-Match": etag(created)})
    assert updated.status_code == 200
    assert (updated.get_json()["sponsor"], updated.get_json()["manager"]) == ("COO", "pmo-user")
    assert [p["code"] for p in as_("viewer").get("/api/programmes").get_json()] == ["PR-7"]
    assert etag(as_("viewer").get(f"/api/programmes/{programme['id']}")) == '"2"'
    problem(pmo.post("/api/programmes", json={"code": "pr-7", "name": "Clash"}), 409)


def test_only_the_pmo_and_admins_shape_the_portfolio(as_):
    problem(as_("manager").post("/api/portfolio", json={"name": "Mine"}), 403)
    problem(as_("manager").post("/api/programmes", json={"code": "PR-1", "name": "Mine"}), 403)
    assert as_("admin").post("/api/programmes", json={"code": "PR-1", "name": "Ours"}).status_code == 201
