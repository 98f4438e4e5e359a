"""Structured logs: one JSON object per line, each carrying the request's correlation id.

``init_app`` logs every request on the ``pmo.request`` logger (method, path, status, duration,
user, correlation id; the organisation, when the app serves several) and adds the correlation id to every other record logged while a
request runs. ``JSONFormatter`` writes the lines; ``gunicorn.conf.py`` installs it for the
``pmo`` loggers and for gunicorn's error log. Without that configuration (tests, the CLI)
the records go wherever Python's logging sends them, at INFO: usually nowhere.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Any

from flask import Flask, g, has_request_context, request

request_log = logging.getLogger("pmo.request")

# Attributes every LogRecord has; anything else on a record is an extra field worth logging.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    """A record as one JSON line: time (UTC, ISO), level, logger, message, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, separators=(",", ":"))


class CorrelationFilter(logging.Filter):
    """Stamp records logged during a request with its correlation id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id") and has_request_context():
            record.correlation_id = g.get("correlation_id")
        return True


def init_app(app: Flask) -> None:
    app.logger.addFilter(CorrelationFilter())

    @app.before_request
    def _started() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        if request_log.isEnabledFor(logging.INFO):
            started = g.get("request_started")
            # The user Flask-Login already loaded for this request, if any (never load it
            # just to log it).
            user = g.get("_login_user")
            # Serving several organisations: which one (web/tenancy.py); the path is the app's,
            # without /o/<slug>.
            org = {"org": g.pmo_org["slug"]} if g.get("pmo_org") else {}
            request_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                **org,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                "bytes": response.calculate_content_length(),
                "user": getattr(user, "username", None) if user is not None and user.is_authenticated else None,
                "remote": request.remote_addr,
                "correlation_id": g.get("correlation_id"),
            })
        return response
