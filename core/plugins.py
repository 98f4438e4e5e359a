"""The plugin manager factory: built-ins listed by the caller, third parties by entry point.

Every plugin describes itself through ``plugin_info``; the description is checked here, once,
when the manager's plugins are read (``plugin_infos``), so a typo in a third-party plugin
(a level of 7, an unknown domain, a ``maturity`` key instead of ``maturity_level``, a cycle
of dependencies) stops the start-up with a message naming the plugin, instead of surfacing
later as a wrong recommendation or a plugin that can never be enabled.
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs
from core.maturity import DOMAINS, LEVEL_BY_NUMBER, QUESTION_BY_KEY

ENTRY_POINT_GROUP = "pmo.plugins"
NAME = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
KEYS = {"name", "title", "description", "maturity_level", "domain", "depends", "version", "addresses"}


class PluginInfoError(ValueError):
    """A plugin describes itself in a way PMO Ledger cannot use (names the plugin and the key)."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    title: str
    description: str = ""
    maturity_level: int = 1
    domain: str = "project"
    depends: tuple[str, ...] = field(default_factory=tuple)
    version: str = ""
    # Optional: self-assessment answers the plugin remedies, {question: [option, ...]}.
    addresses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def make_plugin_manager(
    builtins: Iterable[ModuleType | object] = (), entry_points: bool = True
) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("pmo")
    pm.add_hookspecs(hookspecs)
    for plugin in builtins:
        pm.register(plugin)
    if entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm


def check_info(raw: Any, where: str) -> PluginInfo:
    """``plugin_info()``'s answer as a ``PluginInfo``, or PluginInfoError saying what is wrong."""
    def fail(message: str) -> PluginInfoError:
        return PluginInfoError(f"plugin {where}: plugin_info() {message}")

    if not isinstance(raw, Mapping):
        raise fail(f"must return a dict, not {type(raw).__name__}")
    if isinstance(raw.get("name"), str):
        where = f"{raw['name']!r} ({where})"
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise fail(f"has unknown keys {', '.join(map(repr, unknown))} (known: {', '.join(sorted(KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise fail(f"name {name!r} must be 2-40 lowercase letters, digits, '-' or '_', starting with a letter")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("needs a title")
    level = raw.get("maturity_level", 1)
    if isinstance(level, bool) or level not in LEVEL_BY_NUMBER:
        raise fail(f"maturity_level {level!r} must be one of 1-5")
    domain = raw.get("domain", "project")
    if domain not in DOMAINS:
        raise fail(f"domain {domain!r} must be one of {', '.join(DOMAINS)}")
    depends = raw.get("depends", ())
    if not isinstance(depends, (list, tuple)) or not all(isinstance(d, str) and NAME.match(d) for d in depends):
        raise fail(f"depends {depends!r} must be a list of plugin names")
    if name in depends:
        raise fail("depends on itself")
    for key in ("description", "version"):
        if not isinstance(raw.get(key, ""), str):
            raise fail(f"{key} must be text")
    addresses = raw.get("addresses", {})
    if not isinstance(addresses, Mapping):
        raise fail("addresses must be a dict {question: [answer, ...]}")
    for question, options in addresses.items():
        known = QUESTION_BY_KEY.get(question)
        if known is None:
            raise fail(f"addresses an unknown self-assessment question {question!r}")
        if not isinstance(options, (list, tuple)) or not all(isinstance(o, str) and known.option(o) for o in options):
            raise fail(f"addresses {question!r} with answers {options!r}; known: "
                       f"{', '.join(o.key for o in known.options)}")
    return PluginInfo(name=name, title=title, description=raw.get("description", ""), maturity_level=level,
                      domain=domain, depends=tuple(depends), version=raw.get("version", ""),
                      addresses={q: tuple(o) for q, o in addresses.items()})


@functools.lru_cache(maxsize=None)
def _shipped_version(package: str) -> str:
    """The version of the first installed distribution that ships top-level ``package``.

    Distributions that declare their packages in ``top_level.txt`` are asked first: reading
    that small file is a few milliseconds for all of them, where ``packages_distributions()``
    also reads the file list of every distribution that lacks it (a tenth of a second at each
    start-up). Only a package none declares falls back to that full scan.
    """
    for dist in importlib.metadata.distributions():
        declared = dist.read_text("top_level.txt")
        if declared and package in declared.split():
            return dist.version or ""
    for dist_name in importlib.metadata.packages_distributions().get(package, [])[:1]:
        try:
            return importlib.metadata.version(dist_name)
        except importlib.metadata.PackageNotFoundError:
            return ""
    return ""


def _version(plugin: object, entry_point_dists: Mapping[int, Any]) -> str:
    """The version of the distribution that ships the plugin ("" for one that none ships)."""
    dist = entry_point_dists.get(id(plugin))
    if dist is not None:
        return dist.version
    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    return _shipped_version(module.split(".")[0])


def plugin_infos(pm: pluggy.PluginManager) -> dict[str, PluginInfo]:
    """Every registered plugin's checked info, by its declared name."""
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos: dict[str, PluginInfo] = {}
    for impl in pm.hook.plugin_info.get_hookimpls():
        plugin = impl.plugin
        where = getattr(plugin, "__name__", None) or f"{type(plugin).__module__}.{type(plugin).__qualname__}"
        info = check_info(impl.function(), where)
        # Under one name, the plugin registered later (an entry point, a test's stand-in)
        # describes it, as it always has.
        if not info.version:
            info = PluginInfo(**{**info.__dict__, "version": _version(impl.plugin, dists)})
        infos[info.name] = info
    check_dependency_cycles(infos)
    return infos


def check_dependency_cycles(infos: Mapping[str, PluginInfo]) -> None:
    """Refuse a cycle among installed plugins: none of them could ever be enabled first."""
    def visit(name: str, path: tuple[str, ...]) -> None:
        for dep in infos[name].depends:
            if dep in path:
                cycle = " -> ".join((*path[path.index(dep):], dep))
                raise PluginInfoError(f"plugins depend on each other in a circle: {cycle}")
            if dep in infos:
                visit(dep, (*path, dep))

    for name in infos:
        visit(name, (name,))


def plugin_objects(pm: pluggy.PluginManager) -> dict[str, object]:
    """Registered plugin objects by their declared name."""
    return {
        impl.function().get("name"): impl.plugin
        for impl in pm.hook.plugin_info.get_hookimpls()
    }


def hook_for(pm: pluggy.PluginManager, name: str, enabled: Iterable[str]):
    """A caller for hook ``name`` that asks only the enabled plugins."""
    objects = plugin_objects(pm)
    disabled = [obj for pname, obj in objects.items() if pname not in set(enabled)]
    return pm.subset_hook_caller(name, remove_plugins=disabled)


def flatten(results: Iterable[Iterable[Any] | None]) -> list[Any]:
    return [item for result in results if result for item in result]
