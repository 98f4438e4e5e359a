"""What a multi-organisation web app keeps in memory: its settings, the organisation directory
and a bounded cache of open PMOs.

Settings (the app's config first, then the environment):

PMO_ORGS              path | host; unset: one organisation (``PMO_STORE``), as before
PMO_PLATFORM_STORE    the platform ledger (default sqlite:///var/platform.sqlite); the
                      organisations' stores follow from it (see core.platform_stores)
PMO_ORGS_DIR          SQLite: the organisations' files (default: orgs/ beside the platform file)
PMO_ORGS_HOST_SUFFIX  host mode: ".pmo.example.org" makes acme.pmo.example.org organisation acme
PMO_ORGS_CACHE        how many organisations' PMOs stay open (default 32, least recently used
                      closed first); on PostgreSQL each holds about 4 connections (a warning
                      is logged at start when the cache could take half the server's)
PMO_ORGS_REFRESH      seconds between checks of the platform ledger for new, suspended or
                      resumed organisations (default 1; 0 checks on every request)
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from core.platform_app import Platform
from core.platform_stores import PlatformStores

MODES = ("path", "host")


@dataclass(frozen=True)
class OrgSettings:
    mode: str
    stores: PlatformStores
    host_suffix: str = ""
    cache_size: int = 32
    refresh: float = 1.0

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "OrgSettings | None":
        def get(key: str, default: Any = None) -> Any:
            value = config.get(key)
            return value if value not in (None, "") else os.environ.get(key, default)

        mode = (get("PMO_ORGS") or "").strip().lower()
        if not mode:
            return None
        if mode not in MODES:
            raise ValueError(f"PMO_ORGS must be path or host, not {mode!r}")
        suffix = (get("PMO_ORGS_HOST_SUFFIX") or "").strip().lower()
        if mode == "host" and not suffix.startswith("."):
            raise ValueError("PMO_ORGS=host needs PMO_ORGS_HOST_SUFFIX, e.g. .pmo.example.org")
        cache_size = int(get("PMO_ORGS_CACHE", 32))
        if cache_size < 1:
            raise ValueError("PMO_ORGS_CACHE must be at least 1")
        return cls(mode, PlatformStores.from_settings(get("PMO_PLATFORM_STORE"), get("PMO_ORGS_DIR")),
                   suffix, cache_size, float(get("PMO_ORGS_REFRESH", 1.0)))


class Directory:
    """slug -> the organisation's platform row, re-read when the platform ledger has moved.

    The check is one ``max(position)`` query at most every ``refresh`` seconds, so a request
    usually finds its organisation in a dict; a suspension reaches every worker within that time.
    """

    def __init__(self, platform: Platform, refresh: float):
        self.platform = platform
        self.refresh = refresh
        self._rows: dict[str, dict[str, Any]] = {}
        self._head = -1
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get(self, slug: str) -> dict[str, Any] | None:
        if time.monotonic() - self._checked >= self.refresh:
            self.reload()
        return self._rows.get(slug)

    def reload(self, force: bool = False) -> None:
        with self._lock:
            head = self.platform.head()
            if force or head != self._head:
                self.platform.catch_up()  # another process (the CLI, a worker) may have written
                self._rows = {row["slug"]: row for row in self.platform.organisations()}
                self._head = head
            self._checked = time.monotonic()


class PMOCache(OrderedDict):
    """Open PMOs by slug, least recently used first; at most ``size``. An evicted PMO is closed
    once no request is using it any more (``acquire``/``release`` count the users)."""

    def __init__(self, size: int, opener: Callable[[str], Any]):
        super().__init__()
        self.size = size
        self.opener = opener
        self.in_use: dict[int, int] = {}
        self.retired: dict[int, Any] = {}  # evicted while in use: closed on the last release
        self.opened = 0
        self.closed = 0
        self._lock = threading.Lock()

    def acquire(self, slug: str) -> Any:
        with self._lock:
            pmo = self.get(slug)
            if pmo is not None:
                self.move_to_end(slug)
            else:
                pmo = self[slug] = self.opener(slug)
                self.opened += 1
                while len(self) > self.size:
                    _old_slug, old = self.popitem(last=False)
                    if self.in_use.get(id(old)):
                        self.retired[id(old)] = old
                    else:
                        self._close(old)
            self.in_use[id(pmo)] = self.in_use.get(id(pmo), 0) + 1
            return pmo

    def release(self, pmo: Any) -> None:
        with self._lock:
            left = self.in_use.get(id(pmo), 1) - 1
            if left > 0:
                self.in_use[id(pmo)] = left
                return
            self.in_use.pop(id(pmo), None)
            if id(pmo) in self.retired:
                self._close(self.retired.pop(id(pmo)))

    def _close(self, pmo: Any) -> None:
        pmo.close()
        self.closed += 1

    def close_all(self) -> None:
        with self._lock:
            for pmo in [*self.values(), *self.retired.values()]:
                pmo.close()
            self.clear()
            self.retired.clear()
            self.in_use.clear()


# Connections one open organisation holds in a process, once used (its three pools keep one
# each; the ledger's was seen keeping two): see docs/organisations.md.
CONNECTIONS_PER_ORG = 4


def connections_warning(cache_size: int, max_connections: int) -> str | None:
    """What to tell the operator when the cache alone could take over half the server's
    connections in one process (several workers multiply it)."""
    wanted = CONNECTIONS_PER_ORG * (cache_size + 1)  # + 1: the platform ledger
    if wanted <= max_connections // 2:
        return None
    return (f"PMO_ORGS_CACHE={cache_size} may hold about {wanted} PostgreSQL connections per worker process; "
            f"the server allows {max_connections} in all. Lower PMO_ORGS_CACHE (or the workers), or raise "
            "max_connections: see docs/organisations.md.")


class Orgs:
    """Everything the app knows about organisations; one per app (``app.extensions["pmo_orgs"]``)."""

    def __init__(self, settings: OrgSettings, opener: Callable[[str], Any]):
        self.settings = settings
        self.platform = Platform(settings.stores)
        if settings.stores.kind in ("postgresql", "postgres"):
            self._check_connections()
        self.directory = Directory(self.platform, settings.refresh)
        self.pmos = PMOCache(settings.cache_size, opener)
        # slug -> the users last mirrored into the platform's membership table
        self.members_seen: dict[str, tuple] = {}

    def sync_members(self, slug: str, users: list[dict[str, Any]]) -> None:
        """Mirror the organisation's users into the switcher's table, when they changed."""
        seen = tuple(sorted((u["username"], u["role"], bool(u["active"])) for u in users))
        if self.members_seen.get(slug) != seen:
            self.platform.sync_members(slug, users)
            self.members_seen[slug] = seen

    def org_url(self, slug: str, script_root: str = "", host: str = "") -> str:
        """Where organisation ``slug``'s dashboard is, from a page of another organisation."""
        if self.settings.mode == "path":
            return f"/o/{slug}/"
        port = host.split(":", 1)[1] if ":" in host else ""
        return f"//{slug}{self.settings.host_suffix}{':' + port if port else ''}/"

    def _check_connections(self) -> None:
        import sqlalchemy as sa

        with self.platform.engine.connect() as conn:
            limit = int(conn.execute(sa.text("SHOW max_connections")).scalar_one())
        message = connections_warning(self.settings.cache_size, limit)
        if message:
            logging.getLogger("pmo.orgs").warning(message)

    def close(self) -> None:
        self.pmos.close_all()
        self.platform.close()
