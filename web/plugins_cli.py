"""``pmo plugins ...`` and ``pmo maturity ...``: what is installed, switching it on and off,
and the self-assessment that says what to switch on next.

    pmo plugins list
    pmo plugins enable NAME --reason WHY [--with-dependencies]    (a progress bar while its
                                                                  read models are built)
    pmo plugins disable NAME --reason WHY [--with-dependants]
    pmo maturity questions
    pmo maturity assess [--answer QUESTION=OPTION ...] --reason WHY   (asks when no --answer)
    pmo maturity show [--as-of DATE]
"""
from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import Any

import click

from core.maturity import DOMAIN_TITLES, DOMAINS, LEVEL_BY_NUMBER, QUESTIONS

SKIP = "-"


def who(func):
    """``--as`` and ``--reason`` on a state-changing command, as in ``web.cli`` (which imports
    this module while it is being built, so its own decorator cannot be imported here)."""
    func = click.option("--reason", "reason", default=None, help="Why (kept in the ledger).")(func)
    return click.option("--as", "actor", default=None, help="Who (default: the group's --as).")(func)


def table(rows: list[list[Any]], header: list[str]) -> None:
    from web.cli import table as print_table

    print_table(rows, header)


def register(cli: click.Group) -> None:
    cli.add_command(plugins)
    cli.add_command(maturity)


def _why(obj: Any, reason: str | None) -> str:
    why = reason or obj.reason
    if not why:
        raise click.ClickException("say why with --reason: it is kept in the ledger")
    return why


# --- plugins -------------------------------------------------------------------------------

@click.group()
def plugins() -> None:
    """Installed plugins: list them, switch them on and off (an admin decision with a reason)."""


@plugins.command("list")
@click.pass_obj
def plugins_list(obj: Any) -> None:
    """List installed plugins: name, version, maturity level, domain and state."""
    pmo = obj.pmo
    enabled = set(pmo.enabled_plugins())
    if not pmo.plugins:
        click.echo("No plugins installed.")
        return
    table([[i.name, i.version or "-", i.maturity_level, i.domain, "enabled" if i.name in enabled else "disabled",
            ", ".join(i.depends), i.title] for i in sorted(pmo.plugins.values(), key=lambda i: i.name)],
          ["name", "version", "level", "domain", "state", "depends", "title"])


@plugins.command("enable")
@click.argument("name")
@click.option("--with-dependencies", is_flag=True, help="Also enable the disabled plugins it needs.")
@who
@click.pass_obj
def plugins_enable(obj: Any, name: str, with_dependencies: bool, actor: str | None, reason: str | None) -> None:
    """Enable a plugin; its read models are built from the whole ledger first."""
    from core.services.plugins import enable_plugin

    with obj.command(_why(obj, reason), actor) as pmo, ExitStack() as stack:
        bar, seen = None, 0

        def progress(done: int, total: int) -> None:
            # The bar starts with the first batch read, so a refusal stays one line on stderr.
            nonlocal bar, seen
            if bar is None:
                bar = stack.enter_context(click.progressbar(
                    length=max(total, 1), label=f"Building {name}'s read models", file=sys.stderr, show_pos=True))
            bar.length = max(total, 1)
            bar.update(max(0, done - seen))
            seen = max(seen, done)

        change = enable_plugin(pmo, name, with_dependencies, progress=progress)
    together = f" (with {', '.join(change.plugins[:-1])})" if len(change.plugins) > 1 else ""
    click.echo(f"Plugin {name} enabled{together}; its read models were built from {change.events_read} "
               "ledger records.")


@plugins.command("disable")
@click.argument("name")
@click.option("--with-dependants", is_flag=True, help="Also disable the enabled plugins that need it.")
@who
@click.pass_obj
def plugins_disable(obj: Any, name: str, with_dependants: bool, actor: str | None, reason: str | None) -> None:
    """Disable a plugin: its pages and API go away, its events and data stay."""
    from core.services.plugins import disable_plugin

    with obj.command(_why(obj, reason), actor) as pmo:
        change = disable_plugin(pmo, name, with_dependants)
    together = f" (with {', '.join(change.plugins[:-1])})" if len(change.plugins) > 1 else ""
    click.echo(f"Plugin {name} disabled{together}.")


# --- maturity ------------------------------------------------------------------------------

@click.group()
def maturity() -> None:
    """The maturity self-assessment: where the PMO stands and which plugins to enable next."""


@maturity.command("questions")
def maturity_questions() -> None:
    """Print the self-assessment: each question's key and its answers' keys and levels."""
    for domain in DOMAINS:
        click.echo(f"{DOMAIN_TITLES[domain]}")
        for question in (q for q in QUESTIONS if q.domain == domain):
            click.echo(f"  {question.key}: {question.text}")
            for option in question.options:
                click.echo(f"    {option.key:<14} level {option.level}  {option.label}")


def _parse_answers(pairs: tuple[str, ...]) -> dict[str, str]:
    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.ClickException(f"--answer {pair!r}: write QUESTION=OPTION (see 'pmo maturity questions')")
        answers[key.strip()] = value.strip()
    return answers


def _ask() -> dict[str, str]:
    """Ask every question in turn; '-' skips one."""
    answers = {}
    for question in QUESTIONS:
        click.echo(f"\n[{question.domain}] {question.text}", err=True)
        for n, option in enumerate(question.options, 1):
            click.echo(f"  {n}. {option.label}", err=True)
        choices = [str(n) for n in range(1, len(question.options) + 1)] + [SKIP]
        picked = click.prompt("Your answer (- to skip)", type=click.Choice(choices), show_choices=False, err=True)
        if picked != SKIP:
            answers[question.key] = question.options[int(picked) - 1].key
    return answers


def _levels_line(levels: dict) -> str:
    return ", ".join(f"{d} {levels.get(d) or '-'}" for d in DOMAINS)


def _print_recommendations(recommendations: list) -> None:
    if not recommendations:
        click.echo("No plugin to recommend: the installed plugins that fit are enabled.")
        return
    click.echo("Recommended next:")
    for rec in recommendations:
        needs = f" (needs {', '.join(rec.needs)} too)" if rec.needs else ""
        click.echo(f"  {rec.plugin}: {rec.title}, level {rec.level} {rec.domain}{needs}")
        for reason in rec.reasons:
            click.echo(f"    - {reason}")
        click.echo(f"    pmo plugins enable {rec.plugin}{' --with-dependencies' if rec.needs else ''} --reason ...")


@maturity.command("assess")
@click.option("--answer", "pairs", multiple=True, metavar="QUESTION=OPTION",
              help="An answer, e.g. --answer risks=spreadsheet; repeat it. Without any, each question is asked.")
@who
@click.pass_obj
def maturity_assess(obj: Any, pairs: tuple[str, ...], actor: str | None, reason: str | None) -> None:
    """Answer the self-assessment; the profile is recorded in the ledger, then what to enable next."""
    from core.services.maturity import assess_maturity, recommendations

    answers = _parse_answers(pairs) if pairs else _ask()
    with obj.command(_why(obj, reason), actor) as pmo:
        profile = assess_maturity(pmo, answers)
    click.echo(f"Maturity profile recorded: {_levels_line(profile.levels)}.")
    _print_recommendations(recommendations(pmo))


@maturity.command("show")
@click.option("--as-of", "as_of", default=None, help="A date or ISO timestamp: the profile as it was then.")
@click.pass_obj
def maturity_show(obj: Any, as_of: str | None) -> None:
    """The profile over time, what each domain's next level would add, and the recommendations."""
    from core.asof import resolve_as_of
    from core.services.maturity import maturity_history, next_steps, recommendations

    pmo = obj.pmo
    at = resolve_as_of(pmo, as_of)[1]
    history = maturity_history(pmo, at)
    if not history:
        click.echo("No self-assessment recorded yet: pmo maturity assess --reason ...")
        return
    table([[row["occurred_at"].strftime("%Y-%m-%d %H:%M"), row["actor"],
            *(row["levels"].get(d) or "-" for d in DOMAINS), row["reason"]] for row in history],
          ["assessed (UTC)", "by", *DOMAINS, "reason"])
    click.echo("")
    for step in next_steps(pmo, at):
        if step.level is None:
            click.echo(f"{DOMAIN_TITLES[step.domain]}: not assessed.")
        elif step.next is None:
            click.echo(f"{DOMAIN_TITLES[step.domain]}: level {step.level} ({LEVEL_BY_NUMBER[step.level].name}), the top.")
        else:
            plugins_ = ", ".join(f"{p.name} ({p.state})" for p in step.plugins) or "no plugin yet"
            click.echo(f"{DOMAIN_TITLES[step.domain]}: level {step.level} ({LEVEL_BY_NUMBER[step.level].name}); "
                       f"level {step.next.number} ({step.next.name}): {step.next.meaning[step.domain]} "
                       f"Plugins: {plugins_}.")
    click.echo("")
    _print_recommendations(recommendations(pmo, at))
