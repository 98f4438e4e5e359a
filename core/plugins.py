"""The plugin manager factory: built-ins listed by the caller, third parties by entry point."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs

ENTRY_POINT_GROUP = "pmo.plugins"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    title: str
    description: str = ""
    maturity_level: int = 1
    domain: str = "project"
    depends: tuple[str, ...] = field(default_factory=tuple)


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


def plugin_infos(pm: pluggy.PluginManager) -> dict[str, PluginInfo]:
    """Every registered plugin's info, by its declared name."""
    infos = {}
    for impl in pm.hook.plugin_info.get_hookimpls():
        raw: dict[str, Any] = impl.function()
        info = PluginInfo(**{**raw, "depends": tuple(raw.get("depends", ()))})
        infos[info.name] = info
    return infos


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
