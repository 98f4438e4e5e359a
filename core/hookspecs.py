"""The hooks through which plugins extend PMO Ledger.

Each hook is an empty function with its docstring: summary, arguments, return value and when
it is called. Families: ``register_*`` returns things to add; nouns fill a UI slot
(``nav_links``, ``project_panels``, ``dashboard_widgets``); ``demo_data`` seeds.
Only *enabled* plugins are asked for UI, service and projection contributions; every
registered plugin is asked for ``plugin_info`` and ``register_aggregates`` (so its stored
events can always be read).
"""
import pluggy

hookspec = pluggy.HookspecMarker("pmo")
hookimpl = pluggy.HookimplMarker("pmo")


# --- identity -----------------------------------------------------------------------------

@hookspec
def plugin_info():
    """Describe the plugin.

    Return a dict: ``name`` (stable id, used in URLs and settings events), ``title``,
    ``description``, ``maturity_level`` (1-5), ``domain`` (project, programme or portfolio)
    and ``depends`` (names of plugins it needs); optionally ``version`` (default: its
    package's) and ``addresses`` (``{question: [answer, ...]}``: self-assessment answers the
    plugin remedies, see ``core.maturity``). Called when the plugin manager is built; an
    unknown key or a bad value stops the start-up with a message naming the plugin.
    """


# --- the ledger ---------------------------------------------------------------------------

@hookspec
def register_aggregates():
    """Return the aggregate classes the plugin adds to the ledger.

    Every class and each of its events must carry an explicit ``TOPIC`` starting with the
    plugin name. Called once at start-up, for enabled and disabled plugins alike.
    """


@hookspec
def register_projections():
    """Return ``events.projections.Projection`` objects that feed the plugin's read models.

    Called at start-up; a projection seen for the first time is built from the whole ledger.
    """


@hookspec
def register_services(pmo):
    """Return a dict ``{name: service}`` of the plugin's application services.

    ``pmo`` is the ``core.pmo.PMO`` unit of work (ledger, read models, core services).
    Services are reached as ``pmo.plugin_services[name]``. Called when ``PMO`` is built.
    """


@hookspec
def stage_change_guard(pmo, project, to_stage, via):
    """Refuse a project's stage change, or let it pass.

    ``project`` is the ``core.domain.project.Project`` aggregate about to move (its stage is
    still the old one), ``to_stage`` the stage asked for, ``via`` the process asking: None for
    a plain stage change (page, API, CLI), or a name a plugin passes for its own process (the
    governance plugin's gate review passes ``"governance.gate_review"``). Return a message
    saying why the change is refused (the caller sees it: 422 in the API, next to the stage
    on the form), or None. Called by ``core.services.projects.move_project_to_stage`` before
    anything is written; the first refusal wins.
    """


# --- web ----------------------------------------------------------------------------------

@hookspec
def register_blueprints():
    """Return Flask blueprints: ``flask_smorest.Blueprint`` for the JSON API (under
    ``/api``, listed in the OpenAPI document) and plain ``flask.Blueprint`` for pages.

    Called once by the app factory; while the plugin is disabled its routes answer 404
    with a message saying so.
    """


@hookspec
def nav_links(user, as_of):
    """Return ``[(label, url), ...]`` for the main navigation, for ``user`` (may be None).

    Called on every page render.
    """


@hookspec
def project_panels(pmo, project, as_of):
    """Return ``[{"title": str, "html": markupsafe.Markup}, ...]`` for a project's page;
    ``"prominent": True`` puts a panel at the top (something nobody should miss).

    ``project`` is the project's read-model row (a dict), ``as_of`` a log position or None.
    """


@hookspec
def status_report_hints(pmo, project, as_of):
    """Return ``[{"rag": "amber"|"red", "reasons": [str, ...]}, ...]``: what a new status
    report for ``project`` (its read-model row) should consider, shown on the report form.

    Called when the form is shown; the PMO decides, the hint only informs.
    """


@hookspec
def report_sections(pmo, project, report, as_of):
    """Return ``[{"title": str, "html": markupsafe.Markup}, ...]``: sections the printed status
    report (its print page and its PDF, for steering packs) shows after the core's own.

    ``report`` is the status report's read-model row, ``project`` its project's, ``as_of`` a
    log position or None (now). The HTML goes to paper: escaped text, tables and labels; no
    links, scripts or styles, and nothing that depends on who asks (the PDF is cached).
    Called each time a status report is printed or rendered as PDF.
    """


@hookspec
def dashboard_widgets(pmo, as_of):
    """Return ``[{"title": str, "html": markupsafe.Markup}, ...]`` for the portfolio dashboard."""


# --- command line and data ----------------------------------------------------------------

@hookspec
def register_commands(cli):
    """Add click commands or groups to the ``pmo`` command line group ``cli``.

    A command reaches the store through the click context object (``@click.pass_obj``):
    ``obj.pmo`` is the PMO, and ``with obj.command("why") as pmo:`` runs a state change as
    the CLI's actor with that reason. Plugins never import ``web``.
    """


@hookspec
def import_kinds():
    """Return ``core.importing.Kind`` objects: what else can be imported from a CSV or XLSX file.

    Each kind names its ``fields`` (matched by heading), a row schema, what makes two rows the
    same thing, checks against the ledger (``lookups``, ``refs``) and ``build``, which turns one
    checked row into an unsaved aggregate through the plugin's services. The core does the
    rest, as for its own kinds: ``pmo import <name> FILE``, the page ``/imports/<name>``, the
    row-and-field report, and one save of every row or none. A name must not repeat a core
    kind's or another plugin's. Called each time the kinds are listed or one is imported.
    """


@hookspec
def demo_data(pmo, today):
    """Add the plugin's part of the demo PMO; called by ``pmo demo`` after the core data,
    inside a command context stamped at the end of the demo year, with ``today`` the demo's
    reference date. Do not backdate earlier than that: the log's times must only grow."""
