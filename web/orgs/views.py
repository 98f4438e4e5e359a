"""/platform/: the platform admins' pages: organisations listed, created, suspended, resumed,
exported. Platform admins sign in here with their own accounts (``pmo orgs admins add``);
they see no organisation's data, only what the platform ledger says about each.
"""
from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, session, url_for
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.domain.errors import DomainError
from core.platform import SUSPENDED
from events.context import command_context
from web import security
from web.orgs import admin
from web.orgs.requests import orgs
from web.views.forms import Form

bp = Blueprint("platform", __name__, url_prefix="/platform")
SESSION_ADMIN = "platform_admin"


class CreateForm(Form):
    slug = StringField("Slug", validators=[DataRequired()],
                       description="Its address: /o/<slug>/. Lowercase letters, digits and hyphens; it cannot change.")
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    admin = StringField("First admin's username", validators=[DataRequired()],
                        description="Signs in to the new organisation and adds its people.")
    password = PasswordField("First admin's password", validators=[DataRequired()],
                             description="At least 8 characters.")


class ReasonForm(Form):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)],
                         description="Required. Kept with the change in the platform ledger.")


class LoginForm(Form):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def signed_in() -> dict[str, Any] | None:
    username = session.get(SESSION_ADMIN)
    return orgs().platform.admin(username) if username else None


def platform_admin(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        person = signed_in()
        if person is None:
            session.pop(SESSION_ADMIN, None)
            return redirect(url_for(".login", next=request.path))
        g.platform_admin = person
        return view(*args, **kwargs)
    return wrapped


def _context(reason: str):
    return command_context(g.platform_admin["username"], reason, g.get("correlation_id"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "POST" and form.validate():
        key = f"platform:{form.username.data.strip().lower()}"
        wait = security.login_wait(key)
        if wait:
            return security.too_many_sign_ins(wait)
        person = orgs().platform.admin_signing_in(form.username.data, form.password.data)
        if person is not None:
            security.login_succeeded(key)
            session.clear()
            session[SESSION_ADMIN] = person["username"]
            target = request.args.get("next") or ""
            return redirect(target if target.startswith("/platform") else url_for(".index"))
        security.login_failed(key)
        form.form_errors.append("Unknown platform admin or wrong password.")
    status = 401 if form.form_errors else (422 if request.method == "POST" else 200)
    return render_template("orgs/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    flash("You are signed out of the platform.", "info")
    return redirect(url_for(".login"))


@bp.route("/")
@platform_admin
def index():
    rows = orgs().platform.organisations()
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in ("active", SUSPENDED)}
    return render_template("orgs/platform.html", rows=rows, counts=counts, admin=g.platform_admin,
                           org_url=orgs().org_url, chart=_state_chart(counts))


def _state_chart(counts: dict[str, int]):
    """How much of the platform is serving right now, at a glance."""
    from web.charts import bar_chart

    return bar_chart("org-states", "Organisations by state",
                     [("Active", counts.get("active", 0)), ("Suspended", counts.get(SUSPENDED, 0))])


@bp.route("/new", methods=["GET", "POST"])
@platform_admin
def new():
    form = CreateForm()
    if request.method == "POST" and form.validate():
        try:
            with _context(form.reason.data or "organisation created"):
                admin.create_organisation(
                    orgs().platform, form.slug.data, form.name.data, form.admin.data, form.password.data,
                    extra_plugins=tuple(_app_config("PMO_EXTRA_PLUGINS", ())),
                    entry_points=_app_config("PMO_ENTRY_POINTS", True))
        except DomainError as error:
            form.refuse(error)
        else:
            orgs().directory.reload(force=True)
            slug = form.slug.data.strip().lower()
            flash(f"Organisation {slug} created; its admin {form.admin.data.strip().lower()} can sign in at "
                  f"{orgs().org_url(slug, request.script_root, request.host)}", "info")
            return redirect(url_for(".index"))
    return render_template("form.html", form=form, title="Create an organisation", submit="Create organisation",
                           lead="A new, empty ledger of its own, with a portfolio and one admin.",
                           cancel=url_for(".index")), form.status


def _app_config(key: str, default: Any) -> Any:
    from flask import current_app

    return current_app.config.get(key, default)


def _org_or_404(slug: str) -> dict[str, Any]:
    row = orgs().platform.organisation(slug)
    if row is None:
        abort(404, f"There is no organisation “{slug}”.")
    return row


@bp.route("/<slug>/<any(suspend, resume):change>", methods=["GET", "POST"])
@platform_admin
def change_state(slug: str, change: str):
    row = _org_or_404(slug)
    form = ReasonForm()
    if request.method == "POST" and form.validate():
        try:
            with _context(form.reason.data):
                (orgs().platform.suspend if change == "suspend" else orgs().platform.resume)(slug)
        except DomainError as error:
            form.refuse(error)
        else:
            orgs().directory.reload(force=True)
            flash(f"{row['name']} is {'suspended' if change == 'suspend' else 'active again'}.", "info")
            return redirect(url_for(".index"))
    lead = (f"Its people can no longer sign in and its API tokens are refused, with your reason. "
            "Its ledger is kept and stays verifiable." if change == "suspend"
            else "Its people can sign in again.")
    return render_template("form.html", form=form, title=f"{change.title()} {row['name']}", lead=lead,
                           submit=change.title(), cancel=url_for(".index")), form.status


@bp.route("/<slug>/export", methods=["GET", "POST"])
@platform_admin
def export(slug: str):
    row = _org_or_404(slug)
    form = Form()
    if request.method == "POST" and form.validate():
        folder = Path(tempfile.mkdtemp(prefix="pmo-org-export-"))
        path = folder / f"{slug}-ledger.jsonl"
        try:
            with _context(form.reason.data or "organisation exported"):
                summary = admin.export_organisation(orgs().platform, slug, path)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        response = send_file(path, as_attachment=True, download_name=path.name, mimetype="application/jsonl")
        response.headers["X-Ledger-Head"] = summary.head
        response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
        return response
    return render_template("form.html", form=form, title=f"Export {row['name']}",
                           lead="The organisation's whole ledger as one file (records, chain hashes, seals). "
                                "A single-organisation install loads it with “pmo restore FILE” and checks it "
                                "with “pmo audit verify”.",
                           submit="Download the ledger file", cancel=url_for(".index")), form.status
