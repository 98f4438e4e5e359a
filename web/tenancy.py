"""Which ledger serves this request: decided here and nowhere else.

One organisation (``PMO_ORGS`` unset): every request is served by ``PMO_STORE``.

Several organisations (``PMO_ORGS=path`` or ``host``, see ``web/orgs/``): each organisation has
its own ledger (its own SQLite file or PostgreSQL schema). The request's organisation is found
once, by ``web.orgs.requests.resolve`` before anything else runs, and ``current_pmo()`` hands
out that organisation's PMO from a bounded cache. Nothing in core or plugins knows which.
"""
from __future__ import annotations

import threading

import pluggy
from flask import current_app, g

from core.plugins import make_plugin_manager
from core.pmo import PMO
from plugins import BUILTINS

_lock = threading.Lock()


class NoOrganisationError(LookupError):
    """A ledger was asked for outside any organisation (a platform page, an unknown address)."""


def open_pmo(store_url: str | None = None, extra_plugins: tuple = (), entry_points: bool = True) -> PMO:
    """Build the PMO for a store, with the built-in and installed plugins."""
    pm = make_plugin_manager([*BUILTINS, *extra_plugins], entry_points=entry_points)
    return PMO(store_url, pm)


def multi_org() -> bool:
    return "pmo_orgs" in current_app.extensions


def has_ledger() -> bool:
    """Whether this request is served by a ledger (always, with one organisation)."""
    return not multi_org() or "pmo_org" in g


def org_scoped(name: str) -> str:
    """``name`` within the request's organisation (``acme/ann``), for what the process keeps
    by name (the sign-in throttle): Ann of one organisation is not Ann of another. With one
    organisation, ``name`` itself."""
    org = g.get("pmo_org") if multi_org() else None
    return f"{org['slug']}/{name}" if org else name


def store_url_for_request() -> str | None:
    if not multi_org():
        return current_app.config.get("PMO_STORE")
    org = g.get("pmo_org")
    if org is None:
        raise NoOrganisationError("this request belongs to no organisation")
    return current_app.extensions["pmo_orgs"].settings.stores.org_store_url(org["slug"])


def _open_for_app(url: str | None) -> PMO:
    return open_pmo(url, tuple(current_app.config.get("PMO_EXTRA_PLUGINS", ())),
                    entry_points=current_app.config.get("PMO_ENTRY_POINTS", True))


def current_pmo() -> PMO:
    """The PMO for the current request, opened once per process and store."""
    if multi_org():
        pmo = g.get("pmo_org_pmo")
        if pmo is None:
            raise NoOrganisationError("this request belongs to no organisation")
        return pmo
    url = store_url_for_request()
    cache: dict = current_app.extensions.setdefault("pmo", {})
    pmo = cache.get(url)
    if pmo is None:
        with _lock:
            pmo = cache.get(url)
            if pmo is None:
                pmo = cache[url] = _open_for_app(url)
    return pmo


def plugin_manager() -> pluggy.PluginManager:
    """The plugins the app is built with (their blueprints, when the app is created). With one
    organisation, its PMO is opened here, as before; with several, no ledger is needed."""
    if not multi_org():
        return current_pmo().pm
    return make_plugin_manager([*BUILTINS, *current_app.config.get("PMO_EXTRA_PLUGINS", ())],
                               entry_points=current_app.config.get("PMO_ENTRY_POINTS", True))


def init_app(app) -> None:
    """With ``PMO_ORGS`` set, serve several organisations; call before anything else hooks
    requests, so the organisation is known before any ledger is read."""
    from web.orgs.runtime import OrgSettings, Orgs

    settings = OrgSettings.from_config(app.config)
    if settings is None:
        return
    from web.orgs import requests

    def opener(slug: str) -> PMO:
        with app.app_context():
            return _open_for_app(settings.stores.org_store_url(slug))

    requests.init_app(app, Orgs(settings, opener))


def close_orgs(app) -> None:
    """Close every organisation's PMO and the platform ledger (tests, shutdown)."""
    runtime = app.extensions.get("pmo_orgs")
    if runtime is not None:
        runtime.close()
