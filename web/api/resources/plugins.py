"""/api/plugins: the installed plugins; admins switch them on and off for the organisation.

A plugin whose dependencies are disabled is refused (422, naming them) unless
``with_dependencies`` switches them on too; disabling one that others need is refused unless
``with_dependants``. Enabling answers once the plugin's read models are built from the whole
ledger (``events_read`` says how many records that took).
"""
from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView

from core.permissions import can_administer
from core.pmo import PMO
from core.services import plugins as service
from web.api.resources._http import as_of, as_of_args, found, reads, reason, resource_blueprint, writes
from web.api.schemas import PluginSchema
from web.api.schemas.maturity import PluginDisableSchema, PluginEnableSchema, PluginSwitchedSchema
from web.commands import command
from web.tenancy import current_pmo

blp = resource_blueprint("plugins", __name__, "Plugins: the modules a maturing PMO switches on.")


def _plugins(pmo: PMO, at: int | None = None) -> list[dict]:
    """The installed plugins, each enabled or not (at log position ``at``)."""
    enabled = set(pmo.enabled_plugins(at))
    return [{**asdict(info), "enabled": name in enabled} for name, info in sorted(pmo.plugins.items())]


def _plugin(pmo: PMO, name: str, at: int | None = None) -> dict:
    return found(next((p for p in _plugins(pmo, at) if p["name"] == name), None), "plugin", name)


@blp.route("/plugins")
class Plugins(MethodView):
    @reads(blp)
    @as_of_args(blp)
    @blp.response(200, PluginSchema(many=True))
    def get(self, args):
        """List the installed plugins and whether each is (or, as_of, was) enabled."""
        return _plugins(current_pmo(), as_of(args))


@blp.route("/plugins/<name>")
class Plugin(MethodView):
    @reads(blp, item=True)
    @as_of_args(blp)
    @blp.response(200, PluginSchema)
    def get(self, args, name: str):
        """Show an installed plugin and whether it is (or, as_of, was) enabled."""
        return _plugin(current_pmo(), name, as_of(args))


# Plugin state has no ETag: it is one setting of the organisation, not a versioned resource.
@blp.route("/plugins/<name>/enable")
class PluginEnabling(MethodView):
    @writes(blp, can_administer, item=True)
    @blp.arguments(PluginEnableSchema, required=False)
    @blp.response(200, PluginSwitchedSchema)
    def post(self, body, name: str):
        """Enable a plugin; its read models are built from the whole ledger before this answers."""
        _plugin(current_pmo(), name)
        body = body or {}
        with command(reason(body)) as pmo:
            change = service.enable_plugin(pmo, name, with_dependencies=body.get("with_dependencies", False))
        return {**_plugin(pmo, name), "changed": list(change.plugins), "events_read": change.events_read}


@blp.route("/plugins/<name>/disable")
class PluginDisabling(MethodView):
    @writes(blp, can_administer, item=True)
    @blp.arguments(PluginDisableSchema, required=False)
    @blp.response(200, PluginSwitchedSchema)
    def post(self, body, name: str):
        """Disable a plugin: its pages and endpoints go away; its events and data stay."""
        _plugin(current_pmo(), name)
        body = body or {}
        with command(reason(body)) as pmo:
            change = service.disable_plugin(pmo, name, with_dependants=body.get("with_dependants", False))
        return {**_plugin(pmo, name), "changed": list(change.plugins), "events_read": 0}
