"""A bounded per-worker cache of rendered pages.

A page is a pure function of the read models and of who asks: the read models change only
when a projection applies an event (its tracking position moves, in the same transaction as
the rows), so a page rendered for a user at a set of tracking positions is the same page for
that user at those positions. The key is (store, every tracking position, user and role,
path with query, today's date); the positions are read afresh on every request, so a page
is never served from before the ledger's current head: after any write the key changes and
the page is rendered again.

What differs between two requests for the same page is kept out of the stored HTML: the
CSRF token (the sign-out form) is stored as a placeholder and the requesting session's own
token is put back on each hit; a page that shows flashed messages is neither served from nor
stored in the cache. Only 200 HTML answers of read pages (GET, no POST on the endpoint, not
the JSON API) are kept.

``PMO_PAGE_CACHE`` sets the entries per worker (default 256; 0 turns the cache off);
``PMO_PAGE_CACHE_MB`` bounds their size (default 32 MB). Responses carry ``X-Page-Cache:
hit|miss`` so that the benchmark and operators can see it work.
"""
from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from datetime import date
from typing import Any

from flask import Flask, current_app, g, request, session
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from web import tenancy
from web.tenancy import current_pmo

PLACEHOLDER = "\x00pmo-csrf-token\x00"
POSITIONS = "SELECT name, position FROM projection_tracking"
SKIP_PREFIXES = ("/api", "/static", "/healthz", "/readyz", "/login", "/logout")


class PageCache:
    """Least recently used pages, bounded by count and by bytes; safe across threads."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries, self.max_bytes = entries, max_bytes
        self._pages: OrderedDict[tuple, tuple[int, str, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> tuple[int, str, bytes] | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple, page: tuple[int, str, bytes]) -> None:
        size = len(page[2])
        if size > self.max_bytes // 4:
            return  # one huge page would push out everything else
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._pages[key] = page
            self._bytes += size
            while len(self._pages) > self.entries or self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped[2])

    def __len__(self) -> int:
        return len(self._pages)


def _is_read_page(endpoint: str | None) -> bool:
    """Does every rule of ``endpoint`` answer GET and none take a POST (a page, not a form)?"""
    if not endpoint or endpoint == "static" or endpoint.startswith("auth."):
        return False
    known: dict = current_app.extensions.setdefault("pmo_cacheable_pages", {})
    if endpoint not in known:
        rules = list(current_app.url_map.iter_rules(endpoint))
        known[endpoint] = bool(rules) and all("GET" in r.methods and "POST" not in r.methods for r in rules)
    return known[endpoint]


def _key() -> tuple | None:
    """This request's key, or None when it must not use the cache."""
    cache: PageCache | None = current_app.extensions.get("pmo_page_cache")
    if cache is None or request.method != "GET" or request.path.startswith(SKIP_PREFIXES):
        return None
    if not _is_read_page(request.endpoint) or "_flashes" in session:
        return None
    if g.get("page_as_of_error") or not current_user.is_authenticated:
        return None  # signed-out visitors are sent to sign in by the view itself
    multi_org = getattr(tenancy, "multi_org", None)
    if multi_org is not None and multi_org():
        # With several organisations the header shows platform state (organisations and
        # memberships) that lives outside the ledger, so the positions do not cover it.
        return None
    pmo = current_pmo()
    with pmo.engine.connect() as conn:
        # Plain SQL: this runs on every page request, hit or miss.
        positions = tuple(sorted(conn.exec_driver_sql(POSITIONS).fetchall()))
    stores: weakref.WeakKeyDictionary = current_app.extensions["pmo_page_cache_stores"]
    store = stores.setdefault(pmo, object())  # one PMO per store in this process
    return (id(store), positions, current_user.get_id(), current_user.role, request.full_path,
            date.today())


def _serve():
    key = _key()
    g.page_cache_key = key
    if key is None:
        return None
    page = current_app.extensions["pmo_page_cache"].get(key)
    if page is None:
        return None
    status, mimetype, body = page
    if PLACEHOLDER.encode() in body:
        body = body.replace(PLACEHOLDER.encode(), generate_csrf().encode())
    response = current_app.response_class(body, status=status, mimetype=mimetype)
    response.headers["X-Page-Cache"] = "hit"
    g.page_cache_key = None  # already stored
    return response


def _store(response):
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.mimetype != "text/html" or response.direct_passthrough:
        return response
    if "_flashes" in session or request_ctx.flashes:
        return response  # the page showed (or left) someone's messages: one-off
    body = response.get_data()
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), PLACEHOLDER.encode())
    current_app.extensions["pmo_page_cache"].put(key, (response.status_code, response.mimetype, body))
    response.headers["X-Page-Cache"] = "miss"
    return response


def init_app(app: Flask) -> None:
    """Register last: the page's moment, the signed-in user and the plugin guard come first."""
    entries = int(app.config.get("PMO_PAGE_CACHE", os.environ.get("PMO_PAGE_CACHE", "256")))
    if entries <= 0:
        return
    megabytes = int(app.config.get("PMO_PAGE_CACHE_MB", os.environ.get("PMO_PAGE_CACHE_MB", "32")))
    app.extensions["pmo_page_cache"] = PageCache(entries, megabytes * 1024 * 1024)
    app.extensions["pmo_page_cache_stores"] = weakref.WeakKeyDictionary()
    app.before_request(_serve)
    app.after_request(_store)


def stats(app: Flask) -> dict[str, Any]:
    cache: PageCache | None = app.extensions.get("pmo_page_cache")
    return {"entries": len(cache), "hits": cache.hits, "misses": cache.misses} if cache else {}
