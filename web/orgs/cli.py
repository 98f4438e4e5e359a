"""``pmo orgs ...``: the platform's organisations from the command line; and ``pmo --org SLUG``,
which runs any other command against that organisation's ledger.

    pmo orgs create SLUG --name NAME --admin USER [--password ...]
    pmo orgs list
    pmo orgs suspend SLUG --reason WHY      pmo orgs resume SLUG --reason WHY
    pmo orgs export SLUG FILE
    pmo orgs admins add USER                pmo orgs admins list

The platform store is ``--platform`` or ``PMO_PLATFORM_STORE`` (default
sqlite:///var/platform.sqlite); each organisation's store follows from it.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import click

from core.domain.errors import NotFoundError
from core.platform import check_slug
from core.platform_app import Platform
from core.platform_stores import PlatformStores
from events.context import command_context


@contextmanager
def open_platform(platform_url: str | None = None) -> Iterator[Platform]:
    platform = Platform(PlatformStores.from_settings(platform_url))
    try:
        yield platform
    finally:
        platform.close()


def org_store(slug: str, platform_url: str | None = None) -> str:
    """The store URL of organisation ``slug`` (``pmo --org SLUG``); refuses unknown ones."""
    slug = check_slug(slug)
    with open_platform(platform_url) as platform:
        row = platform.organisation(slug)
        if row is None:
            raise NotFoundError(f"no organisation {slug!r} (pmo orgs list shows them)")
        if row["state"] == "suspended":
            click.echo(f"Note: organisation {slug} is suspended ({row['state_reason']}); its people cannot "
                       "sign in, the command line still reaches its ledger.", err=True)
        return platform.stores.org_store_url(slug)


def sync_members_after(slug: str, store: str, platform_url: str | None, obj) -> None:
    """After ``pmo --org SLUG users ...``: the org switcher learns of the changed users."""
    if obj._pmo is None:
        return  # the command never opened the organisation's PMO: nothing it could have changed
    from core import queries

    with open_platform(platform_url) as platform:
        platform.sync_members(slug, queries.list_users(obj._pmo))


@click.group("orgs")
@click.option("--platform", "platform_url", envvar="PMO_PLATFORM_STORE", default=None,
              help="The platform ledger (env PMO_PLATFORM_STORE; default sqlite:///var/platform.sqlite).")
@click.pass_obj
def orgs(obj, platform_url: str | None) -> None:
    """Organisations served by this deployment, each with its own ledger."""
    obj.platform_url = platform_url


def _who(func):
    func = click.option("--reason", "reason", default=None, help="Why (kept in the platform ledger).")(func)
    return click.option("--as", "actor", default=None, help="Who (default: the group's --as).")(func)


@orgs.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--admin", required=True, help="Username of its first admin.")
@click.option("--password", prompt="First admin's password", hide_input=True, confirmation_prompt=True,
              help="At least 8 characters; asked for when not given.")
@_who
@click.pass_obj
def create(obj, slug: str, name: str, admin: str, password: str, reason: str | None, actor: str | None) -> None:
    """Create an organisation: its store, its portfolio and its first admin."""
    from web.orgs.admin import create_organisation

    with open_platform(obj.platform_url) as platform, \
            command_context(actor or obj.actor, reason or obj.reason or "pmo orgs create"):
        create_organisation(platform, slug, name, admin, password, extra_plugins=obj.extra_plugins,
                            entry_points=obj.entry_points)
        click.echo(f"Organisation {slug} created in {platform.stores.org_store_url(slug)}; "
                   f"admin {admin.strip().lower()}.")


@orgs.command("list")
@click.pass_obj
def list_(obj) -> None:
    """Each organisation: slug, name, state, events in its ledger, enabled plugins."""
    from web.cli import table
    from web.orgs.admin import summarise

    with open_platform(obj.platform_url) as platform:
        count = len(platform.organisations())
        with click.progressbar(length=max(count, 1), label="Reading the organisations", file=sys.stderr) as bar:
            rows = summarise(platform, progress=lambda done, _total: bar.update(1))
    table([[r.slug, r.name, r.state, r.events, ", ".join(r.plugins) or "-"] for r in rows],
          ["slug", "name", "state", "events", "plugins"])


def _change(obj, slug: str, reason: str | None, actor: str | None, suspend: bool) -> None:
    why = reason or obj.reason
    if not why:
        raise click.UsageError("say why: --reason TEXT (it is kept in the platform ledger and shown to the "
                               "organisation's people)" if suspend else "say why: --reason TEXT")
    with open_platform(obj.platform_url) as platform, command_context(actor or obj.actor, why):
        (platform.suspend if suspend else platform.resume)(check_slug(slug))
    click.echo(f"Organisation {slug} {'suspended' if suspend else 'resumed'}: {why}")


@orgs.command("suspend")
@click.argument("slug")
@_who
@click.pass_obj
def suspend(obj, slug: str, reason: str | None, actor: str | None) -> None:
    """Refuse the organisation's sign-ins and API calls (its ledger is kept and verifiable)."""
    _change(obj, slug, reason, actor, True)


@orgs.command("resume")
@click.argument("slug")
@_who
@click.pass_obj
def resume(obj, slug: str, reason: str | None, actor: str | None) -> None:
    """Let a suspended organisation's people in again."""
    _change(obj, slug, reason, actor, False)


@orgs.command("export")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@_who
@click.pass_obj
def export(obj, slug: str, file: str, overwrite: bool, reason: str | None, actor: str | None) -> None:
    """Write the organisation's whole ledger to FILE, for `pmo restore FILE` on another install."""
    from pathlib import Path

    from web.orgs.admin import export_organisation

    if Path(file).exists() and not overwrite:
        raise click.ClickException(f"{file} exists: choose a new file name, or --overwrite")
    with open_platform(obj.platform_url) as platform, \
            command_context(actor or obj.actor, reason or obj.reason or "pmo orgs export"):
        with click.progressbar(length=1, label="Writing the ledger file", file=sys.stderr, show_pos=True) as bar:
            seen = [0]

            def advance(position: int, head: int) -> None:
                bar.length = max(head, 1)
                bar.update(position - seen[0])
                seen[0] = position

            summary = export_organisation(platform, check_slug(slug), file, overwrite, progress=advance)
    click.echo(f"Exported {slug}: {summary.records} records, chain head {summary.head}, {summary.seals} seals "
               f"-> {summary.path}")
    click.echo("Load it into an empty single-organisation store with: pmo --store URL restore FILE "
               "(--reseal unless that install holds this one's PMO_AUDIT_KEY); check it with pmo audit verify.",
               err=True)


@orgs.group("admins")
def admins() -> None:
    """Platform admins: who may use the /platform pages."""


@admins.command("add")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 8 characters; asked for when not given.")
@click.option("--name", "display_name", default="", help="Display name.")
@_who
@click.pass_obj
def admins_add(obj, username: str, password: str, display_name: str, reason: str | None, actor: str | None) -> None:
    """Make USERNAME a platform admin (a platform account, not an organisation's user)."""
    with open_platform(obj.platform_url) as platform, \
            command_context(actor or obj.actor, reason or obj.reason or "pmo orgs admins add"):
        admin = platform.grant_admin(username, password, display_name)
    click.echo(f"{admin.username} is a platform admin.")


@admins.command("list")
@click.pass_obj
def admins_list(obj) -> None:
    """Platform admins, past and present."""
    from web.cli import table

    with open_platform(obj.platform_url) as platform:
        table([[a["username"], a["display_name"], "yes" if a["active"] else "no"] for a in platform.list_admins()],
              ["username", "name", "active"])


def register(cli: click.Group) -> None:
    cli.add_command(orgs)
