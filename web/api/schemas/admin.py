"""Users, API tokens and plugins."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.domain.user import ROLES
from core.services.users import MIN_PASSWORD
from web.api.schemas.common import (
    NAME_MAX, EntitySchema, ReasonSchema, Timestamp, line, one_of,
)


class UserSchema(EntitySchema):
    """Someone who signs in; the password hash never leaves the server."""

    username = fields.String()
    display_name = fields.String()
    email = fields.String()
    role = one_of(ROLES)
    active = fields.Boolean()


class UserCreateSchema(ReasonSchema):
    """Create a user with a role and an initial password."""

    username = line(40, required=True, metadata={
        "description": "2-40 lowercase letters, digits, '.', '_', '-'"})
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=MIN_PASSWORD, max=500))
    role = one_of(ROLES, required=True)
    display_name = line(NAME_MAX, blank=True)
    email = fields.Email(validate=validate.Length(max=NAME_MAX))


class UserUpdateSchema(ReasonSchema):
    """Change a user's role, or deactivate / reactivate them: one of the two per request."""

    role = one_of(ROLES)
    active = fields.Boolean()

    @validates_schema
    def _exactly_one(self, data: dict, **_kwargs) -> None:
        # Each is its own event and service call; two in one request could half-succeed.
        given = [f for f in ("role", "active") if f in data]
        if len(given) != 1:
            raise ValidationError("send either role or active (one change per request)", "_schema")


class TokenSchema(Schema):
    """An API token's id and label (the token itself is shown only once, when issued)."""

    token_id = fields.String()
    label = fields.String()
    issued_at = Timestamp()


class IssuedTokenSchema(TokenSchema):
    """A newly issued API token: copy ``token`` now, it cannot be shown again."""

    user_id = fields.UUID()
    token = fields.String(metadata={"description": "send as 'Authorization: Bearer <token>'"})


class TokenCreateSchema(ReasonSchema):
    """Issue an API token for a user."""

    label = line(NAME_MAX, blank=True, metadata={"description": "what the token is for"})


class PluginSchema(Schema):
    """An installed plugin and whether this organisation has it enabled."""

    name = fields.String()
    title = fields.String()
    description = fields.String()
    version = fields.String(metadata={"description": "of the package that ships it (empty: unknown)"})
    maturity_level = fields.Integer()
    domain = fields.String()
    depends = fields.List(fields.String())
    enabled = fields.Boolean()

