"""When the store fails under a request: a clear 503 or 507, never a 500.

| fault | status | Retry-After | seen as |
|---|---|---|---|
| locked: another process holds SQLite's write lock past ``PMO_SQLITE_TIMEOUT`` | 503 | 2 | "database is locked"; PostgreSQL lock_not_available |
| unreachable: PostgreSQL down, restarting or the connection cut | 503 | 5 | any PostgreSQL connection error, pool timeouts |
| read-only: the file, its folder or the filesystem refuses writes (or the disk fails) | 503 | 60 | "attempt to write a readonly database", "unable to open database file", "disk I/O error"; read_only_sql_transaction |
| full: no room left on the disk | 507 | none | "database or disk is full"; PostgreSQL disk_full |

Locks and outages pass by themselves, so clients are told when to retry; a full disk needs an
operator, so 507 (Insufficient Storage) names it and promises nothing. The ledger writes an
event and its chain row in one transaction, so a refused write leaves no half of itself. A
write can still be refused *after* its event was committed (the read models failed to catch
up), so the answer to a write says to reload before trying again.

The answers touch nothing in the store: the page is rendered without the app's context
processors (they read plugin state), and a user not loaded yet is taken as anonymous for
the rest of the request (loading them reads too).
An error we do not recognise (SQLite says "no such table" through the same exception class)
stays a 500: that is a bug, not a fault of the store.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import eventsourcing.persistence as es
import psycopg
import psycopg.errors
import sqlalchemy.exc
from flask import Flask, Response, current_app, g, request
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import InternalServerError

from web import errors

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class StoreFault:
    kind: str
    status: int
    title: str
    detail: str
    retry_after: int | None


LOCKED = StoreFault(
    "locked", 503, "Store busy",
    "The ledger is locked by another process (a backup, a rebuild or a long write).", 2)
UNREACHABLE = StoreFault(
    "unreachable", 503, "Store unavailable",
    "The database server cannot be reached; it may be restarting.", 5)
READ_ONLY = StoreFault(
    "read-only", 503, "Store cannot be written",
    "The ledger's storage refuses writes (a read-only file, folder or filesystem, or a "
    "failing disk). Reading still works; an administrator must make it writable again.", 60)
FULL = StoreFault(
    "full", 507, "Storage full",
    "The disk that holds the ledger is full. Nothing more can be recorded until an "
    "administrator frees space.", None)

# SQLite reports every fault through one exception class; its message tells them apart.
SQLITE_MESSAGES = (
    ("database is locked", LOCKED),
    ("database table is locked", LOCKED),
    ("database schema is locked", LOCKED),
    ("database or disk is full", FULL),
    ("attempt to write a readonly database", READ_ONLY),
    ("unable to open database file", READ_ONLY),
    ("disk i/o error", READ_ONLY),
)

# Store-level exception classes routed through ``store_fault_response``.
HANDLED = (
    sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError,
    es.OperationalError, es.InterfaceError,
    psycopg.OperationalError, psycopg.InterfaceError,
    sqlite3.OperationalError,
)


def _causes(error: BaseException):
    """The error, what it wraps (``orig`` for SQLAlchemy, ``__cause__`` for eventsourcing)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__


def classify(error: BaseException) -> StoreFault | None:
    """The store fault behind ``error``, or None when it is not one we recognise."""
    postgres = False
    for cause in _causes(error):
        if isinstance(cause, psycopg.errors.DiskFull):
            return FULL
        if isinstance(cause, psycopg.errors.ReadOnlySqlTransaction):
            return READ_ONLY
        if isinstance(cause, psycopg.errors.LockNotAvailable):
            return LOCKED
        if isinstance(cause, (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)):
            postgres = True
        message = str(cause).lower()
        for text, fault in SQLITE_MESSAGES:
            if text in message:
                return fault
    if postgres:  # connection refused, terminated by the administrator, lost mid-query...
        return UNREACHABLE
    return None


_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ status }} {{ title }} · PMO Ledger</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='pmo.css') }}">
</head>
<body>
  <main id="main">
    <section class="error-page">
      <p class="error-status">{{ status }}</p>
      <h1>{{ title }}</h1>
      <p class="error-detail">{{ detail }}</p>
      {% if retry_after %}<p>Please try again in {{ retry_after }} seconds.</p>{% endif %}
      <p><a href="{{ request.path }}">Reload this page</a></p>
    </section>
  </main>
</body>
</html>
"""


def _caller_is_anonymous_from_now_on() -> None:
    """What runs after this answer (after-request hooks: the request log asks who called)
    must not ask the store who the signed-in user is: it just failed, and one more failure
    there would cut the after-request chain short (security headers, correlation id)."""
    if "_login_user" not in g:
        current_app.login_manager._update_request_context_with_user()  # Flask-Login's anonymous


def store_fault_response(fault: StoreFault) -> Response:
    _caller_is_anonymous_from_now_on()
    detail = fault.detail
    if request.method not in SAFE_METHODS:
        detail += " If you were saving a change, reload first to see whether it was recorded."
    if errors.wants_problem():
        response = errors.problem(fault.status, fault.title, detail, store_fault=fault.kind)
    else:
        # Straight from the Jinja environment: render_template would run the context
        # processors, which read the store that just failed.
        html = current_app.jinja_env.from_string(_PAGE).render(
            status=fault.status, title=fault.title, detail=detail, retry_after=fault.retry_after,
            request=request)
        response = Response(html, fault.status, mimetype="text/html")
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_store_error(error: Exception):
    fault = classify(error)
    if fault is None:
        raise error  # a bug, not a fault: Flask's own handling (a 500, or the traceback in tests)
    first_line = (str(error) or type(error).__name__).splitlines()[0]
    current_app.logger.warning("store %s: %s %s answered %s: %s", fault.kind, request.method,
                               request.path, fault.status, first_line)
    return store_fault_response(fault)


def handle_internal_error(error: InternalServerError):
    """A store fault raised while another error was being shown (the 404 page reads plugin
    state for its navigation) arrives here as a 500 wrapping it."""
    fault = classify(error.original_exception) if error.original_exception else None
    if fault is not None:
        return store_fault_response(fault)
    return errors.http_error_response(error)


def register_store_error_handlers(app: Flask) -> None:
    for exception_class in HANDLED:
        app.register_error_handler(exception_class, handle_store_error)
    app.register_error_handler(InternalServerError, handle_internal_error)
