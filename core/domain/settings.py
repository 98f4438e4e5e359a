"""Organisation-wide settings: which plugins are enabled, changed by an admin with a reason."""
from __future__ import annotations

import uuid

from eventsourcing.domain import event

from core.domain.errors import NotAllowedError
from core.domain.portfolio import NAMESPACE
from events.aggregate import LedgerAggregate


class Settings(LedgerAggregate):
    TOPIC = "core.Settings"

    @staticmethod
    def create_id() -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "settings")

    @event("Initialised", topic="core.Settings.Initialised")
    def __init__(self):
        self.enabled_plugins: list[str] = []

    def enable_plugin(self, name: str) -> None:
        if name in self.enabled_plugins:
            raise NotAllowedError(f"plugin {name} is already enabled", "name")
        self._plugin_enabled(name=name)

    @event("PluginEnabled", topic="core.Settings.PluginEnabled")
    def _plugin_enabled(self, name: str) -> None:
        self.enabled_plugins = [*self.enabled_plugins, name]

    def disable_plugin(self, name: str) -> None:
        if name not in self.enabled_plugins:
            raise NotAllowedError(f"plugin {name} is not enabled", "name")
        self._plugin_disabled(name=name)

    @event("PluginDisabled", topic="core.Settings.PluginDisabled")
    def _plugin_disabled(self, name: str) -> None:
        self.enabled_plugins = [p for p in self.enabled_plugins if p != name]
