"""``pmo portfolio ...``: the ranking and the selection on the command line.

    pmo portfolio ranking [--as-of 2026-03-31]
    pmo portfolio select [--budget 5000000] [--as-of 2026-03-31]
    pmo --as saga portfolio weight VALUE 40 --reason "..."
    pmo portfolio roadmap [--as-of 2026-03-31] [--svg roadmap.svg]
    pmo portfolio export ranking|selection|rollup [--format csv|xlsx] [--output FILE] [--as-of ...]
    pmo portfolio scenario list|new NAME|change REF KIND VALUES...|show REF|commit REF|discard REF

Bad input is one line on stderr and exit 1.
"""
from __future__ import annotations

from datetime import date

import click

from core import queries as core_queries
from core.asof import resolve_as_of
from core.domain.errors import DomainError
from core.importing import writers
from plugins.portfolio import exports, queries, roadmap, roadmap_charts, rollup, services
from plugins.portfolio.scenarios import evaluate
from plugins.portfolio.scenarios import services as scenarios
from plugins.portfolio.scenarios.book import book


@click.group("portfolio")
def portfolio() -> None:
    """Portfolio prioritisation: ranking, selection, weights."""


def _at(obj, as_of: str | None) -> int | None:
    try:
        return resolve_as_of(obj.pmo, as_of)[1]
    except DomainError as error:
        raise click.ClickException(f"--as-of: {error.message}") from None


@portfolio.command("ranking")
@click.option("--as-of", "as_of", default=None, help="The ranking as it was then (a date or ISO timestamp).")
@click.pass_obj
def ranking(obj, as_of: str | None) -> None:
    """One line per project: rank, weighted score, cost, code and name."""
    rows = queries.ranking(obj.pmo, _at(obj, as_of))
    for r in rows:
        cost = f"{r['cost']:,.0f}" if r["cost"] is not None else "-"
        click.echo(f"{r['rank']}\t{r['weighted']:.2f}\t{cost}\t{r['code']}\t{r['name']}")
    click.echo(f"{len(rows)} project(s).", err=True)


@portfolio.command("select")
@click.option("--budget", type=click.FloatRange(0, 1e12), default=None, help="Try another budget.")
@click.option("--as-of", "as_of", default=None, help="Select as the portfolio was then.")
@click.pass_obj
def select(obj, budget: float | None, as_of: str | None) -> None:
    """The exact best set within the budget and capacities; what is in, out, and what binds."""
    r = queries.choose(obj.pmo, _at(obj, as_of), budget)
    if not r["feasible"]:
        raise click.ClickException(f"the must-do projects alone exceed: {', '.join(r['exceeded_by_must_dos'])}")
    for p in r["chosen"]:
        click.echo(f"in\t{p['code']}\t{p['weighted']:.2f}\t{p['cost']:,.0f}")
    for p in r["left_out"]:
        click.echo(f"out\t{p['code']}\t{p['weighted']:.2f}\t{p['cost']:,.0f}\t{', '.join(p['blocked_by'])}")
    click.echo(f"value {r['value']:.2f}, cost {r['cost']:,.0f}; binding: {', '.join(r['binding']) or 'none'}")


@portfolio.command("weight")
@click.argument("ref")
@click.argument("weight", type=click.FloatRange(0, 100))
@click.option("--reason", default="", help="Why the weight changes (kept in the ledger).")
@click.pass_obj
def weight(obj, ref: str, weight: float, reason: str) -> None:
    """Give criterion REF a new weight (re-ranks every project)."""
    row = next((c for c in queries.list_criteria(obj.pmo) if c["ref"].lower() == ref.lower()), None)
    if row is None:
        raise click.ClickException(f"no criterion {ref!r}")
    with obj.command(reason) as pmo:
        services.change_criterion(pmo, row["id"], weight=weight)
    click.echo(f"{row['ref']}: weight {row['weight']:g} -> {weight:g}")


@portfolio.command("roadmap")
@click.option("--as-of", "as_of", default=None, help="The roadmap as it was then.")
@click.option("--svg", "svg_file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the Gantt chart as an SVG file instead of the text summary.")
@click.pass_obj
def roadmap_cmd(obj, as_of: str | None, svg_file: str | None) -> None:
    """The roadmap by programme: one line per project (stage, start, end, milestones), or the SVG."""
    at = _at(obj, as_of)
    plan = roadmap.roadmap(obj.pmo, at)
    if svg_file:
        today = resolve_as_of(obj.pmo, as_of)[0].date() if as_of else date.today()
        chart = roadmap_charts.gantt("roadmap-chart", plan, today, lambda code: f"/projects/{code}")
        with open(svg_file, "w", encoding="utf-8") as out:
            out.write(str(chart).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        click.echo(f"wrote {svg_file}", err=True)
        return
    for group in plan["programmes"]:
        click.echo(f"{group['code'] or '-'}\t{group['name']}")
        for p in group["projects"]:
            late = f"\tforecast {p['forecast_end']}" if p["forecast_end"] else ""
            slipping = sum(m["slipping"] for m in p["milestones"])
            click.echo(f"  {p['code']}\t{p['stage']}\t{p['start']}\t{p['end']}{late}\t"
                       f"{len(p['milestones'])} milestone(s), {slipping} slipping")
    if plan["undated"]:
        click.echo(f"undated\t{', '.join(u['code'] for u in plan['undated'])}")


@portfolio.command("export")
@click.argument("what", type=click.Choice(["ranking", "selection", "rollup"]))
@click.option("--format", "fmt", type=click.Choice(list(writers.FORMATS)), default="csv")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="The file to write (default: standard output; XLSX needs a file).")
@click.option("--as-of", "as_of", default=None, help="As the portfolio was then.")
@click.pass_obj
def export(obj, what: str, fmt: str, output: str | None, as_of: str | None) -> None:
    """The ranking, the selection or the roll-up as CSV or XLSX."""
    at = _at(obj, as_of)
    if what == "ranking":
        table = exports.ranking_table(queries.ranking(obj.pmo, at), queries.list_criteria(obj.pmo, at))
    elif what == "selection":
        table = exports.selection_table(queries.choose(obj.pmo, at))
    else:
        day = resolve_as_of(obj.pmo, as_of)[0].date() if as_of else None
        table = exports.rollup_table(rollup.rollup(obj.pmo, at, day))
    data = writers.render(table, fmt)
    if output:
        with open(output, "wb") as out:
            out.write(data)
        click.echo(f"{len(table.rows)} row(s) written to {output}", err=True)
    elif fmt == "xlsx":
        raise click.ClickException("XLSX is binary: give --output FILE")
    else:
        click.echo(data.decode("utf-8"), nl=False)


@portfolio.group("scenario")
def scenario() -> None:
    """What-if scenarios, kept apart from the live ledger until committed."""


def _scenario(obj, ref: str):
    found = [s for s in book(obj.pmo).all() if str(s.id) == ref or s.name.lower() == ref.lower()
             or str(s.id).startswith(ref.lower())]
    if len(found) != 1:
        raise click.ClickException(f"no scenario {ref!r}" if not found else f"{ref!r} names {len(found)} scenarios")
    return found[0]


def _project(obj, code: str):
    project = core_queries.get_project(obj.pmo, code)
    if project is None:
        raise click.ClickException(f"no project {code!r}")
    return project["id"]


@scenario.command("list")
@click.pass_obj
def scenario_list(obj) -> None:
    """One line per scenario: id, state, changes, name."""
    for s in book(obj.pmo).all():
        click.echo(f"{str(s.id)[:8]}\t{s.state}\t{len(s.changes)} change(s)\t{s.name}")


@scenario.command("new")
@click.argument("name")
@click.option("--description", default="")
@click.option("--reason", default="")
@click.pass_obj
def scenario_new(obj, name: str, description: str, reason: str) -> None:
    """Branch a scenario from the live portfolio as it is now."""
    with obj.command(reason) as pmo:
        s = scenarios.branch_scenario(pmo, name, description)
    click.echo(f"{s.id}\tbranched at ledger position {s.branch_position}")


@scenario.command("change")
@click.argument("ref")
@click.argument("kind", type=click.Choice(["drop", "shift", "cost", "must-do", "not-must-do", "budget", "capacity"]))
@click.argument("values", nargs=-1)
@click.option("--reason", default="")
@click.pass_obj
def scenario_change(obj, ref: str, kind: str, values: tuple[str, ...], reason: str) -> None:
    """Record a change in scenario REF (its name or id):

    \b
    drop CODE | shift CODE DAYS | cost CODE AMOUNT | must-do CODE | not-must-do CODE
    budget AMOUNT | capacity ROLE PERIOD AMOUNT
    """
    s = _scenario(obj, ref)
    arity = {"drop": 1, "shift": 2, "cost": 2, "must-do": 1, "not-must-do": 1, "budget": 1, "capacity": 3}[kind]
    if len(values) != arity:
        raise click.ClickException(f"{kind} takes {arity} value(s); see --help")
    try:
        if kind == "budget":
            args = {"kind": "budget", "budget": float(values[0])}
        elif kind == "capacity":
            args = {"kind": "capacity", "role": values[0], "period": values[1], "amount": float(values[2])}
        else:
            args = {"kind": kind.replace("not-", "").replace("-", "_"), "project_id": _project(obj, values[0])}
            if kind == "shift":
                args["days"] = int(values[1])
            elif kind == "cost":
                args["cost"] = float(values[1])
            elif kind.endswith("must-do"):
                args["must_do"] = kind == "must-do"
    except ValueError:
        raise click.ClickException(f"{kind}: {' '.join(values)!r} is not a number where one is needed") from None
    with obj.command(reason) as pmo:
        done = scenarios.change_scenario(pmo, s.id, args.pop("kind"), **args)
    click.echo(f"{done.name}: {len(done.changes)} change(s)")


@scenario.command("show")
@click.argument("ref")
@click.pass_obj
def scenario_show(obj, ref: str) -> None:
    """The scenario's changes, live against scenario (evaluated now), and what changed live since."""
    s = _scenario(obj, ref)
    c = evaluate.compare(obj.pmo, s)
    click.echo(f"{s.name} ({s.state}), branched at position {s.branch_position}; evaluated on the live portfolio of now")
    for change in s.changes.values():
        click.echo(f"  change\t{scenarios.describe(change)}")
    for side in ("live", "scenario"):
        x = c[side]
        click.echo(f"{side}\tvalue {x['value']:.2f}\tcost {x['cost']:,.0f}\tin: {', '.join(x['chosen']) or '-'}\t"
                   f"binding: {', '.join(x['binding']) or 'none'}")
    for note in c["notes"]:
        click.echo(f"note\t{note}")
    for e in evaluate.since_branch(obj.pmo, s):
        click.echo(f"since\t{e['position']}\t{e['about']}\t{e['topic']}\t{e['actor']}")


@scenario.command("commit")
@click.argument("ref")
@click.option("--reason", default="")
@click.pass_obj
def scenario_commit(obj, ref: str, reason: str) -> None:
    """Write the scenario's decisions to the live ledger, as the CLI's actor, in one transaction."""
    s = _scenario(obj, ref)
    with obj.command(reason) as pmo:
        done = scenarios.commit_scenario(pmo, s.id)
    click.echo(f"{done.name}: {done.committed_events} event(s) written, up to position {done.committed_position}")


@scenario.command("discard")
@click.argument("ref")
@click.option("--reason", default="")
@click.pass_obj
def scenario_discard(obj, ref: str, reason: str) -> None:
    """Discard the scenario; the live ledger is not touched."""
    s = _scenario(obj, ref)
    with obj.command(reason) as pmo:
        scenarios.discard_scenario(pmo, s.id)
    click.echo(f"{s.name}: discarded")
