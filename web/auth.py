"""Sign-in: sessions for people (Flask-Login), bearer tokens for scripts, role checks."""
from __future__ import annotations

import functools
from urllib.parse import urlsplit
import uuid
from typing import Any, Callable

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from core import queries
from core.services.users import hash_token, password_matches
from web import security
from web.tenancy import current_pmo, has_ledger, org_scoped

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see this page."


class SignedInUser(UserMixin):
    def __init__(self, row: dict[str, Any]):
        self.uuid: uuid.UUID = row["id"]
        self.username: str = row["username"]
        self.display_name: str = row["display_name"]
        self.role: str = row["role"]
        self.version: int = row["version"]
        self._active = bool(row["active"])

    def get_id(self) -> str:
        return str(self.uuid)

    @property
    def is_active(self) -> bool:
        return self._active


@login_manager.user_loader
def _load_user(user_id: str) -> SignedInUser | None:
    if not has_ledger():  # no organisation, no users (platform admins sign in on their own)
        return None
    row = queries.get_user(current_pmo(), user_id)
    return SignedInUser(row) if row and row["active"] else None


@login_manager.request_loader
def _load_user_from_token(req) -> SignedInUser | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not has_ledger():
        return None
    row = queries.user_by_token_hash(current_pmo(), hash_token(header[len("Bearer "):].strip()))
    if row and row["active"]:
        g.auth_via_token = True
        return SignedInUser(row)
    return None


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api"):
        abort(401, "sign in, or send an API token as 'Authorization: Bearer <token>'")
    flash(login_manager.login_message, "info")
    here = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=request.script_root + here))  # the root: /o/<slug> with orgs


def user() -> SignedInUser | None:
    """The signed-in user, or None for anonymous visitors."""
    return current_user if current_user.is_authenticated else None


def require(check: Callable[..., bool]) -> Callable:
    """Route decorator: 401/redirect when signed out, 403 when ``check(user)`` fails."""
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(403, "your role does not allow this")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _safe_next(target: str | None) -> str:
    r"""Only a path on this site: browsers drop tabs and newlines and read '\\' as '/', so
    '/\t/evil.example' would otherwise become '//evil.example', another site."""
    if target and target.startswith("/") and not any(c in target for c in "\\\t\r\n"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("pages.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = (request.form.get("username") or "").strip().lower()
        throttled = org_scoped(username)  # ann of one organisation is not ann of another
        wait = security.login_wait(throttled)
        if wait:
            return security.too_many_sign_ins(wait)
        row = queries.get_user(current_pmo(), username)
        if row and row["active"] and password_matches(row["password_hash"], request.form.get("password", "")):
            security.login_succeeded(throttled)
            login_user(SignedInUser(row))
            return redirect(_safe_next(request.args.get("next")))
        security.login_failed(throttled)
        error = "Unknown username or wrong password."
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
