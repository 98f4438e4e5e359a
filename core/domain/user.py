"""People who sign in, their role, their password hash and their API tokens.

Only hashes are stored: a password or token never enters the ledger.
"""
from __future__ import annotations

import uuid

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError, ValidationError
from core.domain.portfolio import NAMESPACE
from events.aggregate import LedgerAggregate

ROLES = ("admin", "pmo", "manager", "viewer", "auditor")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"role must be one of {', '.join(ROLES)}", "role")
    return role


class User(LedgerAggregate):
    TOPIC = "core.User"

    @staticmethod
    def create_id(username: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"user:{username.lower()}")

    @event("Created", topic="core.User.Created")
    def __init__(self, username: str, display_name: str, email: str, role: str, password_hash: str):
        self.username = username
        self.display_name = display_name
        self.email = email
        self.role = role
        self.password_hash = password_hash
        self.active = True
        self.tokens: dict[str, dict] = {}

    @event("RoleChanged", topic="core.User.RoleChanged")
    def change_role(self, role: str) -> None:
        self.role = role

    @event("PasswordChanged", topic="core.User.PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash

    @event("TokenIssued", topic="core.User.TokenIssued")
    def issue_token(self, token_id: str, token_hash: str, label: str) -> None:
        self.tokens[token_id] = {"hash": token_hash, "label": label}

    def revoke_token(self, token_id: str) -> None:
        if token_id not in self.tokens:
            raise ValidationError("no such token", "token_id")
        self._token_revoked(token_id=token_id)

    @event("TokenRevoked", topic="core.User.TokenRevoked")
    def _token_revoked(self, token_id: str) -> None:
        del self.tokens[token_id]

    def deactivate(self) -> None:
        if not self.active:
            raise NotAllowedError("the user is already deactivated")
        self._deactivated()

    @event("Deactivated", topic="core.User.Deactivated")
    def _deactivated(self) -> None:
        self.active = False

    def reactivate(self) -> None:
        if self.active:
            raise NotAllowedError("the user is already active")
        self._reactivated()

    @event("Reactivated", topic="core.User.Reactivated")
    def _reactivated(self) -> None:
        self.active = True
