"""Which ledger serves this request: decided here and nowhere else.

Today one deployment serves one organisation (``PMO_STORE``). Serving several later means
changing ``store_url_for_request`` (say, by host name) and nothing in core or plugins.
"""
from __future__ import annotations

import threading

from flask import current_app

from core.pmo import PMO
from core.plugins import make_plugin_manager
from plugins import BUILTINS

_lock = threading.Lock()


def open_pmo(store_url: str | None = None, extra_plugins: tuple = (), entry_points: bool = True) -> PMO:
    """Build the PMO for a store, with the built-in and installed plugins."""
    pm = make_plugin_manager([*BUILTINS, *extra_plugins], entry_points=entry_points)
    return PMO(store_url, pm)


def store_url_for_request() -> str | None:
    return current_app.config.get("PMO_STORE")


def current_pmo() -> PMO:
    """The PMO for the current request, opened once per process and store."""
    url = store_url_for_request()
    cache: dict = current_app.extensions.setdefault("pmo", {})
    pmo = cache.get(url)
    if pmo is None:
        with _lock:
            pmo = cache.get(url)
            if pmo is None:
                pmo = cache[url] = open_pmo(
                    url, tuple(current_app.config.get("PMO_EXTRA_PLUGINS", ())),
                    entry_points=current_app.config.get("PMO_ENTRY_POINTS", True),
                )
    return pmo
