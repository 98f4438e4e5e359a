"""/api/users (admins only): people, roles and API tokens; /api/me: whoever is calling."""
from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView

from core import queries
from core.domain.errors import ConflictError
from core.permissions import can_administer
from core.services import users as service
from web.api.resources._http import (
    CREATED, ETAG, as_of, as_of_args, created, expected_version, found, reads, reason, reply,
    resource_blueprint, writes,
)
from web.api.schemas import (
    IssuedTokenSchema, TokenCreateSchema, TokenSchema, UserCreateSchema, UserSchema,
    UserUpdateSchema,
)
from web.auth import user
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("users", __name__, "Users, roles and API tokens (admins), and the caller.")


def _user(key: str, at: int | None = None) -> dict:
    """A user by id or username (as they were at log position ``at``)."""
    return found(queries.get_user(current_pmo(), key, at=at), "user", key)


def _tokens(user_id, at: int | None = None) -> list[dict]:
    """A user's tokens; as of a past position, those valid then (revoked since, too)."""
    return queries.list_tokens(current_pmo(), user_id, at)


def _token(user_id, token_id: str, at: int | None = None) -> dict:
    tokens = {t["token_id"]: t for t in _tokens(user_id, at)}
    return found(tokens.get(token_id), "token", token_id)


@blp.route("/me")
class Me(MethodView):
    @reads(blp, query=False)
    @blp.response(200, UserSchema, headers=ETAG)
    def get(self):
        """Show the signed-in user: who the API thinks you are, and your role."""
        return reply(queries.get_user(current_pmo(), user().uuid))


@blp.route("/users")
class Users(MethodView):
    @reads(blp, can_administer)
    @as_of_args(blp)
    @blp.response(200, UserSchema(many=True))
    def get(self, args):
        """List users by username (deactivated ones too)."""
        return queries.list_users(current_pmo(), at=as_of(args))

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
    @as_of_args(blp)
    @blp.response(200, UserSchema, headers=ETAG)
    def get(self, args, key: str):
        """Show a user, by id or username."""
        return reply(_user(key, as_of(args)))

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
    @as_of_args(blp)
    @blp.response(200, TokenSchema(many=True))
    def get(self, args, key: str):
        """List a user's API tokens (ids and labels; never the tokens)."""
        at = as_of(args)
        return _tokens(_user(key, at)["id"], at)

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
    @as_of_args(blp)
    @blp.response(200, TokenSchema)
    def get(self, args, key: str, token_id: str):
        """Show one API token's id, label and issue time."""
        at = as_of(args)
        return _token(_user(key, at)["id"], token_id, at)

    @writes(blp, can_administer, item=True, body=False)
    @blp.response(204)
    def delete(self, key: str, token_id: str):
        """Revoke an API token: scripts using it are refused from now on."""
        row = _user(key)
        _token(row["id"], token_id)
        with command(reason({})) as pmo:  # a DELETE has no body: the reason comes in X-Reason
            service.revoke_token(pmo, row["id"], token_id)
        return Response(status=204)

