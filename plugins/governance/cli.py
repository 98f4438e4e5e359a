"""``pmo meetings ...`` and ``pmo reviews ...``: the governance record on the command line.

    pmo meetings list [--as-of 2026-03-31] [--series "Steering committee"] [--open]
    pmo --as nora meetings close MEETING_ID [--note "..."] [--reason "..."]
    pmo reviews list [--as-of 2026-03-31] [--project DIG-01] [--open]

Bad input (an unknown meeting, a closed one) is one line on stderr and exit 1.
"""
from __future__ import annotations

import uuid

import click

from core import queries as core_queries
from core.asof import resolve_as_of
from plugins.governance import queries, services
from plugins.governance.domain import label


@click.group("meetings")
def meetings() -> None:
    """Governance meetings: list, close."""


@meetings.command("list")
@click.option("--as-of", "as_of", default=None, help="The meetings as recorded then (a date or ISO timestamp).")
@click.option("--series", "series_name", default=None, help="Only the meetings of this series (its name).")
@click.option("--open", "only_open", is_flag=True, help="Only meetings not closed yet.")
@click.pass_obj
def list_meetings(obj, as_of: str | None, series_name: str | None, only_open: bool) -> None:
    """One line per meeting: id, date, status, attendees, decisions, actions, title."""
    _moment, at = resolve_as_of(obj.pmo, as_of)
    series = {s["id"]: s for s in queries.list_series(obj.pmo, at)}
    chosen = None
    if series_name:
        chosen = next((s["id"] for s in series.values() if s["name"].lower() == series_name.lower()), None)
        if chosen is None:
            raise click.ClickException(f"no meeting series {series_name!r}")
    rows = queries.list_meetings(obj.pmo, at, series_id=chosen, status="open" if only_open else None)
    for m in rows:
        click.echo(f"{m['id']}\t{m['held_on']}\t{m['status']}\t{len(m['attendees'])} attended\t"
                   f"{m['decisions']} decisions\t{m['actions']} actions\t{m['title']}")
    click.echo(f"{len(rows)} meeting(s).", err=True)


@meetings.command("close")
@click.argument("meeting_id")
@click.option("--note", default="", help="A closing note.")
@click.option("--reason", default=None, help="Why (kept in the ledger; default 'Meeting closed').")
@click.pass_obj
def close(obj, meeting_id: str, note: str, reason: str | None) -> None:
    """Close meeting MEETING_ID: its record is archived and read-only from then on."""
    try:
        mid = uuid.UUID(meeting_id)
    except ValueError:
        raise click.ClickException(f"no meeting {meeting_id!r}") from None
    if queries.get_meeting(obj.pmo, mid) is None:
        raise click.ClickException(f"no meeting {meeting_id!r}")
    with obj.command(reason, default="Meeting closed") as pmo:
        services.close_meeting(pmo, mid, note)
    click.echo(f"Meeting {meeting_id} closed and archived.")


@click.group("reviews")
def reviews() -> None:
    """Gate reviews: list."""


@reviews.command("list")
@click.option("--as-of", "as_of", default=None, help="The reviews as recorded then (a date or ISO timestamp).")
@click.option("--project", default=None, help="Only this project's reviews (its code).")
@click.option("--open", "only_open", is_flag=True, help="Only reviews without a verdict.")
@click.pass_obj
def list_reviews(obj, as_of: str | None, project: str | None, only_open: bool) -> None:
    """One line per review: date, project, gate, verdict, checklist answers, chair."""
    _moment, at = resolve_as_of(obj.pmo, as_of)
    pid = None
    if project:
        row = core_queries.get_project(obj.pmo, project, at=at)
        if row is None:
            raise click.ClickException(f"no project {project!r}")
        pid = row["id"]
    rows = queries.list_reviews(obj.pmo, at, project_id=pid, status="open" if only_open else None)
    for r in rows:
        verdict = label(r["verdict"]) if r["verdict"] else "open"
        click.echo(f"{r['decided_on'] or r['planned_on']}\t{r['project_code']}\t{r['from_stage']}->{r['to_stage']}\t"
                   f"{verdict}\t{r['met']} met, {r['not_met']} not met, {r['n_a']} n/a of {r['items']}\t{r['chair']}")
    click.echo(f"{len(rows)} review(s).", err=True)
