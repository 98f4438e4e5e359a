"""Hook hygiene: every hook in ``core/hookspecs.py`` is explained, tested and used.

A hookspec fails here when it has no docstring, when no test function is named after it
(``test_hook_<name>``, anywhere in the suite, examples included), or when neither a built-in
plugin (``plugins.BUILTINS``) nor an example plugin (``examples/*``) implements it: a hook
nobody uses is an API nobody has tried.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import tomllib
from pathlib import Path

from core import hookspecs
from core.plugins import make_plugin_manager
from plugins import BUILTINS

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name, f in vars(hookspecs).items() if inspect.isfunction(f) and hasattr(f, "pmo_spec"))


def example_plugins() -> list[object]:
    """The hook modules the examples register through their ``pmo.plugins`` entry points."""
    modules = []
    for pyproject in sorted(ROOT.glob("examples/*/pyproject.toml")):
        entry_points = tomllib.loads(pyproject.read_text())["project"]["entry-points"]["pmo.plugins"]
        modules += [importlib.import_module(target) for target in entry_points.values()]
    return modules


def hooks_with_a_test() -> set[str]:
    """Hooks named by a ``test_hook_<name>`` function somewhere in tests/ or examples/*/tests."""
    names = set()
    for path in [*ROOT.glob("tests/**/test_*.py"), *ROOT.glob("examples/*/tests/test_*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_hook_"):
                names.add(node.name.removeprefix("test_hook_"))
    return names


def test_every_hook_has_a_docstring():
    assert HOOKS, "no hookspecs found"
    missing = [name for name in HOOKS if not (getattr(hookspecs, name).__doc__ or "").strip()]
    assert missing == [], f"hookspecs without a docstring: {missing}"


def test_every_hook_has_a_test_named_after_it():
    tested = hooks_with_a_test()
    missing = [name for name in HOOKS if name not in tested]
    assert missing == [], f"no test_hook_<name> anywhere in the suite for: {missing}"


def test_every_hook_is_implemented_by_a_built_in_or_example_plugin():
    examples = example_plugins()
    assert examples, "examples/pmo-budget is not installed: `make test` installs it (pip install -e)"
    pm = make_plugin_manager([*BUILTINS, *examples], entry_points=False)
    unused = [name for name in HOOKS if not getattr(pm.hook, name).get_hookimpls()]
    assert unused == [], f"hooks no built-in or example plugin implements: {unused}"
