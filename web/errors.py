"""Errors mapped to HTTP in one place: problem+json under /api, an HTML page elsewhere."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from core.domain.errors import ConflictError, DomainError, NotFoundError
from events.context import NoCommandContextError

PROBLEM = "application/problem+json"


def wants_problem() -> bool:
    return request.path.startswith("/api")


def problem(status: int, title: str, detail: str | None = None, errors: dict | None = None,
            **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM
    return response


def _page(status: int, title: str, detail: str | None) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, detail=detail), status


def render_error(status: int, title: str, detail: str | None = None, errors: dict | None = None, **extra):
    if wants_problem():
        return problem(status, title, detail, errors, **extra)
    return _page(status, title, detail)


def domain_error_status(error: DomainError) -> int:
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, NotFoundError):
        return 404
    return 422


def domain_error_response(error: DomainError):
    status = domain_error_status(error)
    extra: dict[str, Any] = {}
    if isinstance(error, ConflictError) and error.current_version is not None:
        extra["current_version"] = error.current_version
    errors = {error.field: [error.message]} if error.field else None
    title = {404: "Not found", 409: "Conflict", 422: "Unprocessable entity"}[status]
    return render_error(status, title, error.message, errors, **extra)


def http_error_response(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    errors: dict | None = None
    if messages:
        # flask-smorest nests by location ({"json": {"field": [...]}}); callers want fields.
        errors = {}
        for location, fields in messages.items():
            if isinstance(fields, dict):
                errors.update(_flatten(fields))
            else:
                errors[location] = fields
    detail = data.get("message") or error.description
    response = render_error(error.code or 500, error.name, detail, errors)
    if error.code == 405 and wants_problem():
        response.headers["Allow"] = ", ".join(error.valid_methods or [])  # type: ignore[union-attr]
    return response


def _flatten(fields: dict, prefix: str = "") -> dict[str, list]:
    """{"labels": {"0": ["..."]}} -> {"labels.0": ["..."]}: one list of messages per field."""
    flat: dict[str, list] = {}
    for name, value in fields.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{key}."))
        else:
            flat[key] = value if isinstance(value, list) else [value]
    return flat


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error_response)
    app.register_error_handler(HTTPException, http_error_response)

    @app.errorhandler(NoCommandContextError)
    def _no_context(error):  # a bug, not user input: say so plainly
        app.logger.exception("state change without a command context")
        return render_error(500, "Internal error", "a change was attempted without an actor")
