"""``pmo lessons ...`` and ``pmo templates ...``: search lessons, list templates, make a project
from one.

    pmo lessons search supplier delay [--category suppliers] [--tag contract] [--as-of 2026-03-31]
    pmo templates list [--as-of DATE]
    pmo --as saga templates apply "Small project" --code DIG-20 --name "Kiosk" --start 2026-05-01 [--manager lena]

Writes go as the CLI's actor (``pmo --as NAME``) with the reason given. Bad input (an unknown
template, a taken code) is one line on stderr and exit 1.
"""
from __future__ import annotations

import click

from core.asof import resolve_as_of
from core.domain.errors import DomainError
from plugins.knowledge import queries, services


@click.group("lessons")
def lessons() -> None:
    """Lessons learned: search them."""


@lessons.command("search")
@click.argument("words", nargs=-1)
@click.option("--category", default=None, help="Only this category.")
@click.option("--tag", default=None, help="Only lessons with this tag.")
@click.option("--status", type=click.Choice(["proposed", "endorsed", "retired", "all"]), default=None)
@click.option("--as-of", "as_of", default=None, help="The lessons as they were then (a date or ISO timestamp).")
@click.pass_obj
def search(obj, words: tuple[str, ...], category: str | None, tag: str | None, status: str | None,
           as_of: str | None) -> None:
    """Lessons holding every one of WORDS, best match first (no words: newest first)."""
    _, at = resolve_as_of(obj.pmo, as_of)
    rows = queries.list_lessons(obj.pmo, at, q=" ".join(words), category=category, tag=tag, status=status)
    for r in rows:
        click.echo(f"{r['rank'] or '-'}\t{r['status']}\t{r['kind']}\t{r['category']}\t{r['title']}\t{r['id']}")
    click.echo(f"{len(rows)} lesson(s).", err=True)


@click.group("templates")
def templates() -> None:
    """Project templates: list them, make a project from one."""


@templates.command("list")
@click.option("--as-of", "as_of", default=None, help="The templates as they were then.")
@click.pass_obj
def list_(obj, as_of: str | None) -> None:
    """One line per template: name, current version, milestones, actions, projects made from it."""
    _, at = resolve_as_of(obj.pmo, as_of)
    rows = queries.list_templates(obj.pmo, at)
    for t in rows:
        click.echo(f"{t['name']}\tv{t['number']}\t{len(t['milestones'])} milestones\t{len(t['actions'])} actions\t"
                   f"{t['projects']} project(s){' (withdrawn)' if t['withdrawn'] else ''}\t{t['id']}")
    click.echo(f"{len(rows)} template(s).", err=True)


def _template(pmo, key: str) -> dict:
    rows = queries.list_templates(pmo)
    found = [t for t in rows if key.lower() in (t["name"].lower(), str(t["id"]))]
    if not found:
        raise click.ClickException(f"no template {key!r}")
    return found[0]


@templates.command("apply")
@click.argument("template")
@click.option("--code", required=True, help="The new project's code.")
@click.option("--name", required=True, help="The new project's name.")
@click.option("--start", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Start date.")
@click.option("--end", "end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="End date.")
@click.option("--manager", default="", help="Project manager (username).")
@click.option("--sponsor", default="", help="Sponsor.")
@click.option("--reason", default=None, help="Why (kept in the ledger).")
@click.pass_obj
def apply(obj, template: str, code: str, name: str, start, end, manager: str, sponsor: str,
          reason: str | None) -> None:
    """Register a project from TEMPLATE (its name or id): milestones, actions and all, at once."""
    found = _template(obj.pmo, template)
    try:
        with obj.command(reason, default=f"New project from template {found['name']}") as pmo:
            project = services.project_from_template(pmo, found["id"], code, name, start.date(), manager=manager,
                                                     sponsor=sponsor, end_date=end.date() if end else None)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Project {project.code} registered from {found['name']} v{found['number']}: "
               f"{len(found['milestones'])} milestone(s), {len(found['actions'])} action(s).")
