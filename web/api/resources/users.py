"""/api/users (admins only): people, roles and API tokens; /api/me: whoever is calling."""
from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView

from core import queries
from core.domain.errors import ConflictError
from core.permissions import can_administer
from core.services import users as service
from web.api.resources._http import (
    CREATED, ETAG, resource_blueprint, created, expected_version, found, reads, reason, reply, writes,
)
from web.api.schemas import (
    IssuedTokenSchema, TokenCreateSchema, TokenSchema, UserCreateSchema, UserSchema,
    UserUpdateSchema,
)
from web.auth import user
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("users", __name__, "Users, roles and API tokens (admins), and the caller.")


def _user(key: str) -> dict:
    """A user by id or username."""
    return found(queries.get_user(current_pmo(), key), "user", key)


def _token(user_id, token_id: str) -> dict:
    tokens = {t["token_id"]: t for t in queries.list_tokens(current_pmo(), user_id)}
    return found(tokens.get(token_id), "token", token_id)


@blp.route("/me")
class Me(MethodView):
    @reads(blp)
    @blp.response(200, UserSchema, headers=ETAG)
    def get(self):
        """Show the signed-in user: who the API thinks you are, and your role."""
        return reply(queries.get_user(current_pmo(), user().uuid))


@blp.route("/users")
class Users(MethodView):
    @reads(blp, can_administer)
    @blp.response(200, UserSchema(many=True))
    def get(self):
        """List users by username."""
        return queries.list_users(current_pmo())

    @writes(blp, can_administer)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema, headers=CREATED)
    def post(self, body):
        """Create a user with a role and an initial password."""
        with command(reason(body)) as pmo:
            new = service.create_user(pmo, **body)
        return created(queries.get_user(pmo, new.id), "users.User", key=new.id)


@blp.route("/users/<key>")
class User(MethodView):
    @reads(blp, can_administer, item=True)
    @blp.response(200, UserSchema, headers=ETAG)
    def get(self, key: str):
        """Show a user, by id or username."""
        return reply(_user(key))

    @writes(blp, can_administer, item=True, if_match=True)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema, headers=ETAG)
    def patch(self, changes, key: str):
        """Change a user's role, or deactivate or reactivate them (one per request)."""
        row = _user(key)
        version = expected_version()
        why = reason(changes)
        (field, value), = changes.items()
        if row[field] == value:  # already so: nothing to record, but a stale read still fails
            if version is not None and version != row["version"]:
                raise ConflictError(f"this user is now at version {row['version']}", row["version"])
            return reply(row)
        with command(why) as pmo:
            if field == "role":
                service.change_role(pmo, row["id"], value, expected_version=version)
            else:
                service.set_active(pmo, row["id"], value, expected_version=version)
        return reply(queries.get_user(pmo, row["id"]))


@blp.route("/users/<key>/tokens")
class Tokens(MethodView):
    @reads(blp, can_administer, item=True)
    @blp.response(200, TokenSchema(many=True))
    def get(self, key: str):
        """List a user's API tokens (ids and labels; never the tokens)."""
        return queries.list_tokens(current_pmo(), _user(key)["id"])

    @writes(blp, can_administer, item=True)
    @blp.arguments(TokenCreateSchema, required=False)
    @blp.response(201, IssuedTokenSchema, headers={"Location": CREATED["Location"]})
    def post(self, body, key: str):
        """Issue an API token; the answer is the only time the token is shown."""
        row = _user(key)
        with command(reason(body)) as pmo:
            token_id, token = service.issue_token(pmo, row["id"], **body)
        issued = {**_token(row["id"], token_id), "user_id": row["id"], "token": token}
        # No ETag: a token has no versions; it is issued, then revoked.
        return issued, 201, {"Location": url_for("users.Token", key=row["id"], token_id=token_id)}


@blp.route("/users/<key>/tokens/<token_id>")
class Token(MethodView):
    @reads(blp, can_administer, item=True)
    @blp.response(200, TokenSchema)
    def get(self, key: str, token_id: str):
        """Show one API token's id, label and issue time."""
        return _token(_user(key)["id"], token_id)

    @writes(blp, can_administer, item=True, body=False)
    @blp.response(204)
    def delete(self, key: str, token_id: str):
        """Revoke an API token: scripts using it are refused from now on."""
        row = _user(key)
        _token(row["id"], token_id)
        with command(reason({})) as pmo:  # a DELETE has no body: the reason comes in X-Reason
            service.revoke_token(pmo, row["id"], token_id)
        return Response(status=204)

