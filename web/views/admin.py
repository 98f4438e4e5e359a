"""Administration under /admin (admins only): people, their roles and API tokens; plugins.

The pages read as of the page's moment (who had which role and token then, which plugins
were on); their forms, like every form, change the ledger as it is now."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, make_response, render_template, request, url_for
from wtforms import BooleanField

from core import queries
from core.permissions import can_administer
from core.projections import plugin_states
from core.services import plugins, users
from events.temporal import visible
from web.auth import require
from web.commands import command
from web.views.asof import at
from web.views.common import bind, form_page, found, history, lookup, pmo
from web.views.forms import Form, PasswordForm, PluginForm, RoleForm, TokenForm, UserForm, Versioned

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = require(can_administer)


def _user(username: str) -> dict:
    return found(queries.get_user(pmo(), username), "user")


def _back(row: dict) -> str:
    return url_for(".user", username=row["username"])


@bp.route("/")
@admin_only
def home():
    return render_template("admin/home.html", users=queries.list_users(pmo(), at=at()), plugins=pmo().plugins)


@bp.route("/users")
@admin_only
def users_list():
    unit, when = pmo(), at()
    rows = queries.list_users(unit, at=when)
    return render_template("admin/users.html", rows=rows,
                           tokens={r["id"]: len(queries.list_tokens(unit, r["id"], at=when)) for r in rows})


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = bind(UserForm)
    return form_page(
        form, "form.html", lambda unit: users.create_user(unit, **form.values()),
        success=lambda u: url_for(".user", username=u.username),
        message=lambda u: f"User {u.username} created with role {u.role}.", conflict_field="username",
        title="Create a user", submit="Create user", cancel=url_for(".users_list"),
    )


@bp.route("/users/<username>")
@admin_only
def user(username: str):
    row = lookup(queries.get_user, username, "user")
    version = {"version": row["version"]}
    return render_template(
        "admin/user.html", person=row, tokens=queries.list_tokens(pmo(), row["id"], at=at()),
        history=history(row["id"]),
        role_form=RoleForm(data=row), active_form=Versioned(data=version), token_form=TokenForm(),
        password_form=PasswordForm(), revoke_form=Form(),
    )


@bp.route("/users/<username>/role", methods=["GET", "POST"])
@admin_only
def role(username: str):
    row = _user(username)
    form = bind(RoleForm, row)
    return form_page(
        form, "form.html", lambda unit: users.change_role(unit, row["id"], form.role.data, form.expected_version()),
        success=_back(row), message=lambda u: f"{u.username} is now {u.role}.",
        current=lambda: queries.get_user(pmo(), row["id"]),
        title=f"Change the role of {row['username']}", submit="Change role", cancel=_back(row),
    )


@bp.route("/users/<username>/<any(deactivate, reactivate):change>", methods=["GET", "POST"])
@admin_only
def set_active(username: str, change: str):
    row = _user(username)
    form = bind(Versioned, {"version": row["version"]})
    active = change == "reactivate"
    return form_page(
        form, "form.html",
        lambda unit: users.set_active(unit, row["id"], active, form.expected_version()),
        success=_back(row), message=f"{row['username']} is {'active again' if active else 'deactivated'}.",
        title=f"{change.capitalize()} {row['username']}",
        lead=("They can sign in and use their API tokens again." if active else
              "They can no longer sign in or use their API tokens; their history stays."),
        submit=change.capitalize(), cancel=_back(row),
    )


@bp.route("/users/<username>/password", methods=["GET", "POST"])
@admin_only
def password(username: str):
    row = _user(username)
    form = bind(PasswordForm)
    return form_page(
        form, "form.html", lambda unit: users.change_password(unit, row["id"], form.password.data),
        success=_back(row), message=f"Password of {row['username']} changed.",
        title=f"Set a new password for {row['username']}", submit="Set password", cancel=_back(row),
    )


@bp.route("/users/<username>/tokens", methods=["GET", "POST"])
@admin_only
def issue_token(username: str):
    """Issue an API token and show it once: it is not redirected through the session."""
    row = _user(username)
    form = bind(TokenForm)
    if request.method == "POST" and form.validate():
        with command(form.reason.data or "") as unit:
            token_id, token = users.issue_token(unit, row["id"], form.label.data)
        response = make_response(render_template("admin/token.html", person=row, token=token,
                                                 token_id=token_id, label=form.label.data), 201)
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("form.html", form=form, title=f"Issue an API token for {row['username']}",
                           submit="Issue token", cancel=_back(row)), form.status


@bp.route("/users/<username>/tokens/<token_id>/revoke", methods=["GET", "POST"])
@admin_only
def revoke_token(username: str, token_id: str):
    row = _user(username)
    form = bind(Form)
    return form_page(
        form, "form.html", lambda unit: users.revoke_token(unit, row["id"], token_id),
        success=_back(row), message=f"Token {token_id} revoked.",
        title=f"Revoke token {token_id} of {row['username']}",
        lead="Scripts using it are refused from now on.", submit="Revoke token", cancel=_back(row),
    )


# --- plugins -------------------------------------------------------------------------------

def _plugin_states() -> dict[str, dict]:
    """Who last switched each plugin, when and why (as of the page's moment)."""
    with pmo().read() as conn:
        rows = conn.execute(sa.select(plugin_states).where(visible(plugin_states, at()))).mappings()
        return {r["name"]: dict(r) for r in rows}


@bp.route("/plugins")
@admin_only
def plugins_list():
    unit = pmo()
    return render_template("admin/plugins.html", plugins=sorted(unit.plugins.values(), key=lambda p: p.name),
                           enabled=set(unit.enabled_plugins(at())), states=_plugin_states(), form=PluginForm(),
                           installed=set(unit.plugins))


class PluginSwitchForm(PluginForm):
    """Switch a plugin; ``together`` (shown only when it matters) takes the plugins it needs,
    or that need it, along."""
    together = BooleanField("Switch them together")


@bp.route("/plugins/<name>/<any(enable, disable):change>", methods=["GET", "POST"])
@admin_only
def plugin(name: str, change: str):
    """Confirm a switch. Enabling builds the plugin's read models from the whole ledger before
    the answer (synchronous: the next page already shows its history) and says how many
    records that read; dependencies that are off are named, and offered to switch together."""
    unit = pmo()
    info = found(unit.plugins.get(name), "plugin")
    enabling = change == "enable"
    others = plugins.dependencies_to_enable(unit, name) if enabling else plugins.dependants_to_disable(unit, name)
    installed = [o for o in others if o in unit.plugins]
    form = bind(PluginSwitchForm)
    if installed:
        titles = ", ".join(unit.plugins[o].title for o in installed)
        form.together.label.text = f"Also {change} {titles}"
        form.together.description = (f"{info.title} needs {'it' if len(installed) == 1 else 'them'}." if enabling
                                     else f"{'It needs' if len(installed) == 1 else 'They need'} {info.title}.")
    else:
        del form.together

    def run(u):
        together = bool(installed) and bool(form.together.data)
        if enabling:
            return plugins.enable_plugin(u, name, with_dependencies=together)
        return plugins.disable_plugin(u, name, with_dependants=together)

    def message(done: plugins.PluginChange) -> str:
        also = [unit.plugins[n].title for n in done.plugins if n != name]
        text = f"{info.title} is {change}d" + (f", with {', '.join(also)}." if also else ".")
        if enabling:
            text += f" Its read models were built from {done.events_read} ledger records."
        return text

    records = unit.ledger.max_position()
    return form_page(
        form, "form.html", run, success=url_for(".plugins_list"), message=message,
        title=f"{change.capitalize()} the {info.title} plugin",
        lead=(f"Its read models are built from the whole ledger ({records} records) before the next page, so "
              "it starts with the history recorded so far." if enabling else
              "Its pages and API answer that it is disabled; its events and data stay."),
        submit=change.capitalize(), cancel=url_for(".plugins_list"),
    )
