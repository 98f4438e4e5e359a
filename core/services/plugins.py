"""Enabling and disabling plugins: admin decisions kept in the ledger with their reason."""
from __future__ import annotations

from core.domain.errors import NotAllowedError, ValidationError
from core.domain.settings import Settings
from core.pmo import PMO


def _settings(pmo: PMO) -> Settings:
    if pmo.exists(Settings.create_id()):
        return pmo.get(Settings, Settings.create_id())
    return Settings()


def enable_plugin(pmo: PMO, name: str) -> Settings:
    """Enable a plugin; its read models catch up from the whole ledger before this returns."""
    info = pmo.plugins.get(name)
    if info is None:
        raise ValidationError(f"no plugin named {name!r} is installed", "name")
    enabled = pmo.enabled_plugins()
    missing = [dep for dep in info.depends if dep not in enabled]
    if missing:
        raise NotAllowedError(f"{name} needs {', '.join(missing)} enabled first", "name")
    settings = _settings(pmo)
    settings.enable_plugin(name)
    pmo.save(settings)
    pmo.catch_up()  # the plugin's projections are active only now that the change is projected
    return settings


def disable_plugin(pmo: PMO, name: str) -> Settings:
    """Disable a plugin: its pages and API go away, its events and read models stay."""
    if name not in pmo.plugins:
        raise ValidationError(f"no plugin named {name!r} is installed", "name")
    enabled = pmo.enabled_plugins()
    dependants = [p for p in enabled if name in pmo.plugins[p].depends]
    if dependants:
        raise NotAllowedError(f"{', '.join(dependants)} depend on {name}; disable them first", "name")
    settings = _settings(pmo)
    settings.disable_plugin(name)
    pmo.save(settings)
    return settings
