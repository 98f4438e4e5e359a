"""The vocabulary of the permission matrix, shared by the core table and the plugins' tables.

Each plugin's tests may hold a ``matrix.py`` (``tests/plugins/<name>/matrix.py``) with:

TABLE         its rules: ``{rule: {method: X(...) or a set of callers}}``, as in the core table
SIDED_PARAMS  optional: URL parameters naming something that hangs off a project, with the
              sides the manager is called on (``{"risk_id": ITEM_SIDES}``)
seed          optional: ``seed(pmo, sides, text)`` records the plugin's things on each side
              (own, other, none) and puts their ids in ``sides[side]``; ``<thing_id>`` in a
              URL is filled from ``sides[side]["thing"]``

PLUGIN        optional: the plugin to register in the app under test (an installed example
              plugin, whose matrix is examples/<name>/tests/matrix.py)

so a plugin is covered by the matrix, the escaping test and the fuzzing without editing them.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

from tests.security.world import World

ANONYMOUS = "anonymous"
ROLES = ("viewer", "manager", "pmo", "auditor", "admin")

EVERYONE = frozenset({ANONYMOUS, *ROLES})
READ = frozenset(ROLES)                                 # any signed-in user
WRITE = frozenset({"manager", "pmo", "admin"})          # roles that write at all
EDIT = frozenset({"manager@own", "pmo", "admin"})       # a project and what hangs off it
PORTFOLIO = frozenset({"pmo", "admin"})                 # programmes, portfolio, items of no project
ADMIN = frozenset({"admin"})
AUDIT = frozenset({"auditor", "admin"})

PROJECT_SIDES = ("own", "other")
ITEM_SIDES = ("own", "other", "none")                   # decisions and actions may have no project
# URL parameters naming something that hangs off a project: the manager is called on each side.
CORE_SIDED_PARAMS = {"report_id": PROJECT_SIDES, "milestone_id": PROJECT_SIDES, "decision_id": ITEM_SIDES,
                     "action_id": ITEM_SIDES}
LET_THROUGH_WRITE = {400, 404, 409, 422}


@dataclass
class Call:
    world: World
    role: str
    side: str

    @property
    def ids(self) -> dict[str, Any]:
        return self.world.sides[self.side]

    def project_id(self) -> str | None:
        pid = self.ids["project"]
        return str(pid) if pid else None


Body = Callable[[Call], dict]


@dataclass(frozen=True)
class X:
    """What one method of one rule expects."""
    allowed: frozenset
    body: Body | None = None
    sides: tuple[str, ...] | None = None       # None: from the rule's parameters
    params: dict[str, Any] = field(default_factory=dict)
    status: int | None = None                  # the one status every caller gets (sign-in, sign-out)
    restore: Callable[[Call], None] | None = None  # undo what an allowed call changed


def with_project(**extra: Any) -> Body:
    """A body naming the caller's side's project (left out on the "none" side)."""
    def body(call: Call) -> dict:
        pid = call.project_id()
        return {**extra, **({"project_id": pid} if pid else {})}
    return body


def const(**values: Any) -> Body:
    return lambda call: dict(values)


def form_project(call: Call) -> dict:
    return {"project_id": call.project_id() or ""}


def spare(param: str, name: str) -> dict[str, Callable]:
    """Use the side's ``name`` (a thing kept for ending, say a risk to close) for ``<param>``."""
    return {param: lambda w, side: w.sides[side][name]}


def reenable_plugins(call: Call) -> None:
    call.world.ensure_plugins()


def sign_in_again(call: Call) -> None:
    call.world.sign_in(call.role)



def plugin_matrices() -> list[ModuleType]:
    """The ``matrix`` modules of the plugins' test packages (tests/plugins/*/matrix.py), and
    those of the example plugins that are installed (examples/*/tests/matrix.py)."""
    import tests.plugins

    found = []
    for info in pkgutil.iter_modules(tests.plugins.__path__):
        try:
            found.append(importlib.import_module(f"tests.plugins.{info.name}.matrix"))
        except ModuleNotFoundError as error:
            if error.name != f"tests.plugins.{info.name}.matrix":
                raise
    return found + example_matrices()


def example_matrices() -> list[ModuleType]:
    """An example plugin's tests are no package (they would clash with ``tests``), so its matrix
    is loaded from its file; it also names the plugin (``PLUGIN``) for ``build_world`` to
    register. Skipped while the example is not installed (its package cannot be imported)."""
    import sys
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    found = []
    for path in sorted((Path(__file__).parents[2] / "examples").glob("*/tests/matrix.py")):
        name = f"examples_matrix_{path.parents[1].name.replace('-', '_')}"
        if name not in sys.modules:
            spec = spec_from_file_location(name, path)
            module = module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except ModuleNotFoundError as error:
                if (error.name or "").split(".")[0] in ("tests", "core", "events", "plugins", "web"):
                    raise  # a mistake in the matrix itself, not a missing example
                continue  # the example is not installed: `make test` installs it
            sys.modules[name] = module
        found.append(sys.modules[name])
    return found


def matrix_plugins() -> list[Any]:
    """Plugins the matrices bring along (the installed examples), for the app under test."""
    return [m.PLUGIN for m in plugin_matrices() if hasattr(m, "PLUGIN")]
