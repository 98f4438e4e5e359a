"""The ``pmo`` command line: set up a store, load the demo, manage users, projections, plugins.

    pmo [--store URL] [--as ACTOR] [--reason WHY] COMMAND ...

The store comes from ``--store`` or ``PMO_STORE`` (default ``sqlite:///var/pmo.sqlite``).
Every command that changes state runs inside ``command_context(actor, reason)``: the actor is
``--as`` (default: your OS user name), the reason ``--reason``; both go into the ledger.

Plugins add commands through the ``register_commands(cli)`` hook. A plugin's command gets
what it needs from the click context object (``click.pass_obj``) without importing this
module: ``obj.pmo`` opens the store, ``with obj.command("why") as pmo:`` runs a state change.
"""
from __future__ import annotations

import getpass
import os
import sys
import time
from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

import click

from core import queries
from core.plugins import make_plugin_manager
from core.pmo import PMO
from core.domain.errors import DomainError
from events.context import NoCommandContextError, command_context
from events.store import DEFAULT_STORE, StoreURLError
from plugins import BUILTINS
from web import audit_cli, backup_cli, import_cli, report_cli
from web.orgs import cli as orgs_cli


def default_actor() -> str:
    try:
        return getpass.getuser() or "cli"
    except Exception:  # no user name in this environment (some containers)
        return "cli"


class CliState:
    """What every command shares: the store, who runs it and why. Opens the PMO lazily."""

    def __init__(self, store: str, actor: str, reason: str, extra_plugins: tuple = (),
                 entry_points: bool = True):
        self.store = store
        self.actor = actor
        self.reason = reason
        self.extra_plugins = extra_plugins
        self.entry_points = entry_points
        self._pmo: PMO | None = None

    @property
    def pmo(self) -> PMO:
        if self._pmo is None:
            from web.tenancy import open_pmo

            self._pmo = open_pmo(self.store, self.extra_plugins, entry_points=self.entry_points)
        return self._pmo

    @contextmanager
    def command(self, reason: str | None = None, actor: str | None = None, default: str = "") -> Iterator[PMO]:
        """``with obj.command("why") as pmo: service(pmo, ...)``.

        The reason is the command's own ``--reason``, else the group's, else ``default``.
        """
        with command_context(actor or self.actor, reason or self.reason or default):
            yield self.pmo

    def close(self) -> None:
        if self._pmo is not None:
            self._pmo.close()
            self._pmo = None


def one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


class PMOGroup(click.Group):
    """The ``pmo`` group: plugin commands load on first use; errors become one line."""

    def __init__(self, *args: Any, extra_plugins: tuple = (), entry_points: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.extra_plugins = tuple(extra_plugins)
        self.entry_points = entry_points
        self._plugins_loaded = False

    def load_plugin_commands(self) -> None:
        if not self._plugins_loaded:
            self._plugins_loaded = True
            pm = make_plugin_manager([*BUILTINS, *self.extra_plugins], entry_points=self.entry_points)
            pm.hook.register_commands(cli=self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.load_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self.load_plugin_commands()
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            # One line, like every other error; the usage is one --help away.
            where = error.ctx.command_path if error.ctx else ctx.command_path
            raise click.ClickException(f"{error.format_message()} (see '{where} --help')") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (DomainError, StoreURLError, NoCommandContextError) as error:
            raise click.ClickException(one_line(error)) from None
        except Exception as error:  # a store that is down, a file we cannot write...
            if os.environ.get("PMO_DEBUG"):
                raise
            raise click.ClickException(
                f"{type(error).__name__}: {one_line(error)} (PMO_DEBUG=1 shows the traceback)") from None


def make_cli(extra_plugins: tuple = (), entry_points: bool = True) -> PMOGroup:
    """Build the ``pmo`` group; tests pass inline plugins and switch entry points off."""

    @click.group("pmo", cls=PMOGroup, extra_plugins=extra_plugins, entry_points=entry_points,
                 context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--store", envvar="PMO_STORE", default=DEFAULT_STORE, show_default=True,
                  help="Where the ledger lives: sqlite:///path, postgresql://...[?schema=x] or memory://"
                       " (env PMO_STORE).")
    @click.option("--as", "actor", envvar="PMO_ACTOR", default=default_actor,
                  help="Who runs state changes (env PMO_ACTOR; default: your user name).")
    @click.option("--reason", default="", help="Why: kept with every event this command writes.")
    @click.option("--org", envvar="PMO_ORG", default=None,
                  help="Run the command against this organisation's ledger (see pmo orgs; env PMO_ORG).")
    @click.pass_context
    def cli(ctx: click.Context, store: str, actor: str, reason: str, org: str | None) -> None:
        """PMO Ledger: a project-management office on an immutable, verifiable ledger."""
        if org and ctx.invoked_subcommand != "orgs":
            store = orgs_cli.org_store(org)
        state = CliState(store, actor, reason, tuple(extra_plugins), entry_points)
        ctx.obj = state
        ctx.call_on_close(state.close)
        if org and ctx.invoked_subcommand != "orgs":
            ctx.call_on_close(lambda: orgs_cli.sync_members_after(org, store, None, state))

    for command in (init, demo, users, projections):
        cli.add_command(command)
    from web import plugins_cli  # `pmo plugins` and `pmo maturity`; it uses who() and table() above

    plugins_cli.register(cli)
    audit_cli.register(cli)
    backup_cli.register(cli)
    report_cli.register(cli)
    import_cli.register(cli)
    orgs_cli.register(cli)
    return cli


def who(func):
    """Add ``--as`` and ``--reason`` to a state-changing command (they override the group's)."""
    func = click.option("--reason", "reason", default=None, help="Why (kept in the ledger).")(func)
    return click.option("--as", "actor", default=None, help="Who (default: the group's --as).")(func)


def table(rows: list[list[Any]], header: list[str]) -> None:
    cells = [header] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


# --- setting up ----------------------------------------------------------------------------

@click.command()
@click.option("--portfolio", "portfolio_name", default="Portfolio", show_default=True,
              help="Name of the portfolio, if it is not established yet.")
@who
@click.pass_obj
def init(obj: CliState, portfolio_name: str, actor: str | None, reason: str | None) -> None:
    """Create the store and its read models; establish the portfolio if missing."""
    from core.services.portfolio import establish_portfolio

    pmo = obj.pmo  # opening creates the event tables, read models and tracking rows
    click.echo(f"Store {obj.store}: {pmo.ledger.max_position()} events, read models ready.")
    if queries.portfolio(pmo) is None:
        with obj.command(reason, actor, default="pmo init"):
            establish_portfolio(pmo, portfolio_name)
        click.echo(f"Portfolio {portfolio_name!r} established.")
    if not queries.list_users(pmo):
        click.echo("No users yet: pmo users create NAME --role admin")


@click.command()
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The demo's reference day (default: today); it writes the year before it.")
@click.option("--force", is_flag=True,
              help="Fail (exit 1) instead of skipping when the store already holds data.")
@click.pass_obj
def demo(obj: CliState, today, force: bool) -> None:
    """Load the demo PMO (a year of history) into an empty store; print its users."""
    from core.demo import DEMO_USERS, PORTFOLIO, ledger_is_empty, load_demo

    pmo = obj.pmo
    portfolio = queries.portfolio(pmo)
    is_demo = portfolio is not None and portfolio["name"] == PORTFOLIO[0]
    if is_demo and not force:
        click.echo(f"The demo PMO is already loaded ({pmo.ledger.max_position()} events).", err=True)
    elif not ledger_is_empty(pmo):
        message = (f"the store {obj.store} already holds {pmo.ledger.max_position()} events; the demo "
                   "writes a backdated year and needs an empty store (the ledger is append-only, "
                   "nothing is deleted): use a new store, e.g. --store sqlite:///var/demo.sqlite")
        if force:
            raise click.ClickException(message)
        click.echo(f"Demo not loaded: {message}", err=True)
    else:
        started = time.perf_counter()
        click.echo("Writing the demo PMO's year ...", err=True)
        commands = load_demo(pmo, today.date() if today else date.today())
        click.echo(f"Demo loaded: {commands} commands, {pmo.ledger.max_position()} events "
                   f"in {time.perf_counter() - started:.1f}s.")
    present = {u["username"] for u in queries.list_users(pmo)}
    demo_users = [u for u in DEMO_USERS if u.username in present]
    if demo_users and (queries.portfolio(pmo) or {}).get("name") == PORTFOLIO[0]:
        click.echo("\nDemo users (demo passwords: change them before real use):")
        table([[u.username, u.password, u.role, u.display_name] for u in demo_users],
              ["username", "password", "role", "name"])


# --- users ---------------------------------------------------------------------------------

@click.group()
def users() -> None:
    """People who sign in: roles admin, pmo, manager, viewer, auditor."""


def _user(pmo: PMO, username: str) -> dict:
    from core.domain.errors import NotFoundError

    row = queries.get_user(pmo, username)
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, help="admin, pmo, manager, viewer or auditor.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters; asked for when not given.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--email", default="")
@who
@click.pass_obj
def users_create(obj: CliState, username: str, role: str, password: str, display_name: str,
                 email: str, actor: str | None, reason: str | None) -> None:
    """Create a user."""
    from core.services.users import create_user

    with obj.command(reason, actor, default="pmo users create") as pmo:
        user = create_user(pmo, username, password, role, display_name=display_name, email=email)
    click.echo(f"User {user.username} created with role {user.role}.")


@users.command("list")
@click.pass_obj
def users_list(obj: CliState) -> None:
    """List users, their roles and API tokens."""
    rows = []
    for u in queries.list_users(obj.pmo):
        tokens = len(queries.list_tokens(obj.pmo, u["id"]))
        rows.append([u["username"], u["role"], u["display_name"], u["email"],
                     "yes" if u["active"] else "no", tokens])
    table(rows, ["username", "role", "name", "email", "active", "tokens"])


@users.command("set-role")
@click.argument("username")
@click.argument("role")
@who
@click.pass_obj
def users_set_role(obj: CliState, username: str, role: str, actor: str | None, reason: str | None) -> None:
    """Give a user another role."""
    from core.services.users import change_role

    with obj.command(reason, actor, default="pmo users set-role") as pmo:
        change_role(pmo, _user(pmo, username)["id"], role)
    click.echo(f"User {username} is now {role}.")


@users.command("password")
@click.argument("username")
@click.option("--password", prompt="New password", hide_input=True, confirmation_prompt=True)
@who
@click.pass_obj
def users_password(obj: CliState, username: str, password: str, actor: str | None, reason: str | None) -> None:
    """Set a user's password."""
    from core.services.users import change_password

    with obj.command(reason, actor, default="pmo users password") as pmo:
        change_password(pmo, _user(pmo, username)["id"], password)
    click.echo(f"Password of {username} changed.")


@users.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for, e.g. 'nightly export'.")
@who
@click.pass_obj
def users_token(obj: CliState, username: str, label: str, actor: str | None, reason: str | None) -> None:
    """Issue an API token; it is printed once, to stdout, and stored only as a hash."""
    from core.services.users import issue_token

    with obj.command(reason, actor, default="pmo users token") as pmo:
        token_id, token = issue_token(pmo, _user(pmo, username)["id"], label)
    click.echo(token)
    click.echo(f"Token {token_id} for {username}: shown only this once. "
               "Send it as 'Authorization: Bearer <token>'.", err=True)


# --- projections ---------------------------------------------------------------------------

@click.group()
def projections() -> None:
    """Read models: rebuild them from the ledger, see how far behind they are."""


def _row_counts(pmo: PMO) -> list[tuple[str, str, int]]:
    import sqlalchemy as sa

    counts = []
    with pmo.read() as conn:
        for name in pmo.active_projections():
            for table_ in pmo.runner.projections[name].metadata.sorted_tables:
                stmt = sa.select(sa.func.count()).select_from(table_)
                if "valid_to" in table_.c:
                    stmt = stmt.where(table_.c.valid_to.is_(None))
                counts.append((name, table_.name, conn.execute(stmt).scalar_one()))
    return counts


@projections.command("rebuild")
@click.pass_obj
def projections_rebuild(obj: CliState) -> None:
    """Drop the read models and build them again from the whole ledger."""
    pmo = obj.pmo
    started = time.perf_counter()
    total = max(1, pmo.ledger.max_position())
    with click.progressbar(length=total, label="Replaying the ledger",
                           file=sys.stderr) as bar:
        seen = 0

        def progress(done: int, _total: int) -> None:
            nonlocal seen
            bar.update(max(0, done - seen))
            seen = max(seen, done)

        events = pmo.rebuild(progress=progress)
    click.echo(f"Rebuilt {len(pmo.active_projections())} projections from {events} events "
               f"in {time.perf_counter() - started:.1f}s.")
    table([list(c) for c in _row_counts(pmo)], ["projection", "table", "current rows"])


@projections.command("status")
@click.pass_obj
def projections_status(obj: CliState) -> None:
    """Each projection's position in the ledger and how far it lags."""
    pmo = obj.pmo
    head = pmo.ledger.max_position()
    positions = pmo.runner.positions()
    active = set(pmo.active_projections())
    click.echo(f"Ledger head: {head}")
    table([[name, owner or "core", positions.get(name, 0), head - positions.get(name, 0),
            "yes" if name in active else "no (plugin disabled)"]
           for name, owner in pmo.projection_owner.items()],
          ["projection", "owner", "position", "lag", "active"])


@projections.command("run")
@click.option("--interval", default=0.1, show_default=True,
              help="Seconds between polls (writers with PMO_PROJECTIONS=external wait for it).")
@click.option("--once", is_flag=True, help="Catch up once and exit.")
@click.pass_obj
def projections_run(obj: CliState, interval: float, once: bool) -> None:
    """Keep the read models caught up (a separate process, e.g. beside PostgreSQL)."""
    pmo = obj.pmo
    while True:
        applied = pmo.catch_up()
        if applied:
            click.echo(f"Applied {applied} events; head {pmo.ledger.max_position()}.")
        if once:
            return
        time.sleep(interval)


main = make_cli()

if __name__ == "__main__":  # python -m web.cli
    main()
