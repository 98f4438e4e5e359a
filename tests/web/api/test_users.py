"""An admin manages users, roles and API tokens; anyone can ask who they are."""
from tests.conftest import auth
from tests.web.api.conftest import etag, problem


def test_everyone_can_ask_who_they_are(as_):
    me = as_("viewer").get("/api/me")
    assert me.status_code == 200 and etag(me) == '"2"'  # created, then a token issued
    assert (me.get_json()["username"], me.get_json()["role"]) == ("viewer-user", "viewer")
    assert "password_hash" not in me.get_json()


def test_an_admin_creates_a_user_and_gives_them_a_token(as_, client):
    admin = as_("admin")
    created = admin.post("/api/users", json={
        "username": "dana", "password": "long-enough-pw", "role": "manager", "email": "dana@example.org"})
    assert created.status_code == 201
    user = created.get_json()
    assert created.headers["Location"] == f"/api/users/{user['id']}"
    assert "password" not in user and "password_hash" not in user
    assert [u["username"] for u in admin.get("/api/users").get_json()].count("dana") == 1

    # A token is shown once; the list shows only its id and label.
    issued = admin.post("/api/users/dana/tokens", json={"label": "nightly export"})
    assert issued.status_code == 201
    token = issued.get_json()
    assert token["token"].startswith("pmo_") and "ETag" not in issued.headers
    assert issued.headers["Location"] == f"/api/users/{user['id']}/tokens/{token['token_id']}"
    listed = admin.get("/api/users/dana/tokens").get_json()
    assert [(t["token_id"], t["label"], "token" in t) for t in listed] == [
        (token["token_id"], "nightly export", False)]
    assert client.get("/api/me", headers=auth(token["token"])).get_json()["username"] == "dana"

    # Revoked, it no longer opens the door.
    revoked = admin.delete(f"/api/users/dana/tokens/{token['token_id']}", headers={"X-Reason": "leaked"})
    assert revoked.status_code == 204
    problem(client.get("/api/me", headers=auth(token["token"])), 401)
    problem(admin.delete(f"/api/users/dana/tokens/{token['token_id']}"), 404)


def test_an_admin_changes_a_role_and_deactivates_a_user(as_, people, client):
    admin = as_("admin")
    shown = admin.get("/api/users/viewer-user")
    promoted = admin.patch("/api/users/viewer-user", json={"role": "pmo"}, headers={"If-Match": etag(shown)})
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "pmo"
    # Asking for what is already so writes nothing.
    same = admin.patch("/api/users/viewer-user", json={"role": "pmo"})
    assert same.status_code == 200 and etag(same) == etag(promoted)

    deactivated = admin.patch("/api/users/viewer-user", json={"active": False})
    assert deactivated.get_json()["active"] is False
    problem(client.get("/api/me", headers=auth(people["viewer"]["token"])), 401)


def test_one_change_per_request(as_):
    refused = as_("admin").patch("/api/users/viewer-user", json={"role": "pmo", "active": False})
    assert list(problem(refused, 422)["errors"]) == ["_schema"]


def test_a_bad_new_user_names_each_field(as_):
    refused = as_("admin").post("/api/users", json={"username": "Eve", "password": "short", "role": "root"})
    assert set(problem(refused, 422)["errors"]) == {"password", "role"}
    # The username rule lives in the service, which names it too.
    refused = as_("admin").post("/api/users", json={
        "username": "Eve!", "password": "long-enough", "role": "pmo"})
    assert list(problem(refused, 422)["errors"]) == ["username"]


def test_only_admins_manage_users(as_):
    for role in ("pmo", "manager", "viewer", "auditor"):
        problem(as_(role).get("/api/users"), 403)
        problem(as_(role).post("/api/users", json={
            "username": "x1", "password": "long-enough", "role": "pmo"}), 403)
        problem(as_(role).post("/api/users/viewer-user/tokens"), 403)
