"""Users, roles, passwords and API tokens. Only hashes ever reach the ledger."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import uuid

from werkzeug.security import check_password_hash, generate_password_hash

from core.domain.errors import ConflictError, ValidationError
from core.domain.user import User, check_role
from core.pmo import PMO

MIN_PASSWORD = 8
# scrypt (werkzeug's default) in production; the test suite sets a cheap method, or hashing
# a handful of users per test would dominate its run time.
HASH_METHOD = os.environ.get("PMO_PASSWORD_HASH_METHOD", "scrypt")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def hash_token(token: str) -> str:
    # API tokens are 256 random bits, so a fast hash is as safe as a slow one here.
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters", "password")


def create_user(pmo: PMO, username: str, password: str, role: str, display_name: str = "",
                email: str = "") -> User:
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise ValidationError("2-40 lowercase letters, digits, '.', '_' or '-'", "username")
    check_role(role)
    _check_password(password)
    if pmo.exists(User.create_id(username)):
        raise ConflictError(f"user {username} already exists")
    user = User(username=username, display_name=display_name or username, email=email, role=role,
                password_hash=generate_password_hash(password, method=HASH_METHOD))
    pmo.save(user)
    return user


def change_role(pmo: PMO, user_id: uuid.UUID, role: str, expected_version: int | None = None) -> User:
    user = pmo.get(User, user_id, expected_version)
    user.change_role(check_role(role))
    pmo.save(user)
    return user


def change_password(pmo: PMO, user_id: uuid.UUID, password: str) -> User:
    _check_password(password)
    user = pmo.get(User, user_id)
    user.change_password(generate_password_hash(password, method=HASH_METHOD))
    pmo.save(user)
    return user


def set_active(pmo: PMO, user_id: uuid.UUID, active: bool, expected_version: int | None = None) -> User:
    user = pmo.get(User, user_id, expected_version)
    user.reactivate() if active else user.deactivate()
    pmo.save(user)
    return user


def issue_token(pmo: PMO, user_id: uuid.UUID, label: str = "") -> tuple[str, str]:
    """Return ``(token_id, token)``; the token is shown once and stored only as a hash."""
    user = pmo.get(User, user_id)
    token = "pmo_" + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(4)
    user.issue_token(token_id=token_id, token_hash=hash_token(token), label=label or "API token")
    pmo.save(user)
    return token_id, token


def revoke_token(pmo: PMO, user_id: uuid.UUID, token_id: str) -> User:
    user = pmo.get(User, user_id)
    user.revoke_token(token_id)
    pmo.save(user)
    return user


def password_matches(password_hash: str, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password or "")
