"""Enabling and disabling plugins: admin decisions kept in the ledger with their reason.

A plugin needs the plugins named in its ``depends`` to be enabled. Enabling one whose
dependencies are off is refused with a message naming them, unless they are switched on
together (``with_dependencies``); disabling one that enabled plugins depend on is refused,
unless they are switched off together (``with_dependants``). Either way all the changes are
one save: one transaction, so never half done.

Enabling builds the plugin's read models from the whole ledger before it returns, so a
plugin switched on today shows what was recorded years ago (``progress(done, total)`` is
told how far that got).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.domain.errors import NotAllowedError, ValidationError
from core.domain.settings import Settings
from core.pmo import PMO

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PluginChange:
    """What a switch did: the plugins changed (in order), and the ledger records read to build
    the enabled plugins' read models."""
    enabled: bool
    plugins: tuple[str, ...]
    events_read: int = 0


class DependencyError(NotAllowedError):
    """A plugin's dependencies (or dependants) stand in the way; ``others`` names them."""

    def __init__(self, message: str, others: tuple[str, ...]):
        super().__init__(message, "name")
        self.others = others


def _settings(pmo: PMO) -> Settings:
    if pmo.exists(Settings.create_id()):
        return pmo.get(Settings, Settings.create_id())
    return Settings()


def _installed(pmo: PMO, name: str):
    info = pmo.plugins.get(name)
    if info is None:
        raise ValidationError(f"no plugin named {name!r} is installed", "name")
    return info


def dependencies_to_enable(pmo: PMO, name: str) -> tuple[str, ...]:
    """The disabled plugins ``name`` needs, directly or through others, dependencies first."""
    enabled = set(pmo.enabled_plugins())
    order: list[str] = []

    def visit(current: str) -> None:
        info = pmo.plugins.get(current)  # None: not installed (enabling will say so)
        for dep in info.depends if info else ():
            if dep not in order and dep not in enabled:
                visit(dep)
                order.append(dep)

    visit(name)
    return tuple(order)


def dependants_to_disable(pmo: PMO, name: str) -> tuple[str, ...]:
    """The enabled plugins that need ``name``, directly or through others, outermost first."""
    enabled = pmo.enabled_plugins()
    order: list[str] = []

    def visit(current: str) -> None:
        for other in enabled:
            if current in pmo.plugins[other].depends and other not in order:
                visit(other)
                order.append(other)

    visit(name)
    return tuple(order)


def enable_plugin(pmo: PMO, name: str, with_dependencies: bool = False,
                  progress: Progress | None = None) -> PluginChange:
    """Enable a plugin (and, if asked, the disabled plugins it needs); its read models catch
    up from the whole ledger before this returns."""
    _installed(pmo, name)
    needed = dependencies_to_enable(pmo, name)
    missing = [dep for dep in needed if dep not in pmo.plugins]
    if missing:
        raise DependencyError(f"{name} needs {', '.join(missing)}, which "
                              f"{'is' if len(missing) == 1 else 'are'} not installed", tuple(missing))
    if needed and not with_dependencies:
        raise DependencyError(f"{name} needs {', '.join(needed)} enabled first "
                              "(or enable them together)", needed)
    settings = _settings(pmo)
    for plugin in (*needed, name):
        settings.enable_plugin(plugin)
    pmo.save(settings)
    # The plugins' projections are active only now that the change is projected: this reads
    # the ledger from the oldest position among them (0 for a plugin never enabled before).
    events = pmo.catch_up(progress=progress)
    return PluginChange(True, (*needed, name), events)


def disable_plugin(pmo: PMO, name: str, with_dependants: bool = False) -> PluginChange:
    """Disable a plugin (and, if asked, the enabled plugins that need it): their pages and API
    go away; their events and read models stay."""
    _installed(pmo, name)
    dependants = dependants_to_disable(pmo, name)
    if dependants and not with_dependants:
        raise DependencyError(f"{', '.join(dependants)} {'depends' if len(dependants) == 1 else 'depend'} "
                              f"on {name}; disable {'it' if len(dependants) == 1 else 'them'} first "
                              "(or disable them together)", dependants)
    settings = _settings(pmo)
    for plugin in (*dependants, name):
        settings.disable_plugin(plugin)
    pmo.save(settings)
    return PluginChange(False, (*dependants, name))

