"""CSV and XLSX exports of the core's list pages: each list exports exactly the rows it shows.

A list view asks ``export_format()`` (``?format=csv|xlsx``, with the page's filters and
``as_of`` in the same query string); when it answers, the view hands the rows it would have
rendered to one of the tables below and returns ``download(table, fmt, stem)``. The helpers
are the plugin kit's, so core and plugin pages answer alike; the writing itself is
``core.importing.writers``.

Column headings are the ones the spreadsheet import recognises, so an exported list of
projects or actions can be edited and imported elsewhere.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable

from flask import url_for

from core.importing.writers import Table
# One implementation for core and plugin pages: ?format= and the attachment.
from plugins.kit import download, export_format  # noqa: F401  (re-exported to the views)

Row = dict[str, Any]
# The ledger list shows 50 records a page; its export holds every record matching the
# filters from the page on, up to this many (the audit export has the whole ledger).
LEDGER_EXPORT_MAX = 10_000


def export_url(fmt: str) -> str:
    """This page's URL with its filters and ``as_of``, asking for ``fmt`` (a template global)."""
    from flask import request

    args = {k: v for k, v in request.args.items(multi=False) if k != "format"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, format=fmt)


def _code(projects: dict[Any, Row], project_id: Any) -> str:
    project = projects.get(project_id)
    return project["code"] if project else ""


def projects(rows: list[Row], programmes: dict[Any, Row]) -> Table:
    return Table("Projects", [
        "Code", "Name", "Programme", "Stage", "Manager", "Sponsor", "Start date", "End date", "Overall",
        "Progress %", "Last report", "Description"], [[
            p["code"], p["name"], _code(programmes, p["programme_id"]), p["stage"], p["manager"], p["sponsor"],
            p["start_date"], p["end_date"], p["overall"], p["progress_pct"], p["last_report"], p["description"],
        ] for p in rows])


def decisions(rows: list[Row], projects_by_id: dict[Any, Row], titles: dict[Any, str]) -> Table:
    return Table("Decisions", [
        "Decided on", "Title", "Decision", "Rationale", "Project", "Decided by", "State", "Superseded by"], [[
            d["decided_on"], d["title"], d["decision"], d["rationale"], _code(projects_by_id, d["project_id"]),
            d["decided_by"], "superseded" if d["superseded_by"] else "in force",
            titles.get(d["superseded_by"], str(d["superseded_by"])) if d["superseded_by"] else "",
        ] for d in rows])


def actions(rows: list[Row], projects_by_id: dict[Any, Row], today: Any) -> Table:
    return Table("Actions", [
        "Action", "Project", "Owner", "Due date", "Status", "Overdue", "Days late", "Priority", "Description",
        "Outcome"], [[
            a["title"], _code(projects_by_id, a["project_id"]), a["owner"], a["due_date"], a["status"],
            a["overdue"], (today - a["due_date"]).days if a["overdue"] else None, a["priority"],
            a["description"], a["outcome"],
        ] for a in rows])


def programmes(rows: list[Row], counts: Counter, rag: dict[Any, Counter]) -> Table:
    return Table("Programmes", [
        "Code", "Name", "Manager", "Sponsor", "Projects", "Active red", "Active amber", "Active green",
        "Active without report", "Closed"], [[
            p["code"], p["name"], p["manager"], p["sponsor"], counts.get(p["id"], 0), rag[p["id"]]["red"],
            rag[p["id"]]["amber"], rag[p["id"]]["green"], rag[p["id"]]["none"], bool(p["closed"]),
        ] for p in rows])


def ledger(rows: list[Row], targets: dict[Any, tuple[str, str]]) -> Table:
    return Table("Ledger", [
        "Position", "When (UTC)", "Event", "What", "Entity id", "Version", "Actor", "Reason", "Correlation id"], [[
            r["position"], r["occurred_at"], r["topic"], targets[r["originator_id"]][0], r["originator_id"],
            r["originator_version"], r["actor"], r["reason"], r["correlation_id"],
        ] for r in rows])


def every_page(fetch: Callable[[int | None, int], dict[str, Any]], before: int | None, limit: int) -> list[Row]:
    """The items of ``fetch(before, page_size)`` (``core.history.log_page``) page after page,
    from ``before`` on, up to ``limit`` of them."""
    items: list[Row] = []
    while len(items) < limit:
        page = fetch(before, min(1000, limit - len(items)))
        items += page["items"]
        before = page["next_before"]
        if before is None:
            break
    return items
