"""The Flask app factory: pages, the JSON API, sign-in, and what plugins contribute."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Blueprint, Flask, abort, g, request, send_from_directory
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from flask_wtf.csrf import CSRFProtect

from web import schema_sharing  # noqa: F401  (first: before any API module's decorators run)
from core.plugins import flatten
from web import auth, commands, errors, input_guard, security, store_errors
from web import health, page_cache
from web import logging as request_logging
from web import tenancy
from web.tenancy import current_pmo

csrf = CSRFProtect()


def _secret_key(instance: Path) -> str:
    """PMO_SECRET_KEY, or one generated once and kept in var/ so sessions survive restarts."""
    if os.environ.get("PMO_SECRET_KEY"):
        return os.environ["PMO_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    instance = Path(os.environ.get("PMO_VAR", "var"))
    app.config.update(
        PMO_STORE=os.environ.get("PMO_STORE"),
        API_TITLE="PMO Ledger",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("PMO_HTTPS") == "1",  # served over HTTPS only
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # An import's preview form carries the uploaded file (up to 1 MB, base64) back as a field.
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
    )
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    tenancy.init_app(app)  # first: with several organisations, which one is decided before all else
    csrf.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)
    commands.init_app(app)
    request_logging.init_app(app)  # after commands: the log line carries the correlation id
    health.init_app(app)
    auth.init_app(app)
    # Errors are problem+json (web/errors.py), documented per operation; not smorest's default.
    Api.DEFAULT_ERROR_RESPONSE_NAME = None
    from web.api.lazy_doc import LazyDocApi  # here: web.api imports this module

    # The OpenAPI document is written on its first read, not at start-up (web/api/lazy_doc.py).
    api = LazyDocApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}})
    api.spec.options["security"] = [{"bearer": []}]
    errors.register_error_handlers(app)  # after Api(), whose own handler it replaces
    store_errors.register_store_error_handlers(app)  # 503/507 when the store fails

    @app.route("/api/docs/assets/<path:filename>")
    def swagger_assets(filename: str):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    from web.api import register_api
    from web.views import register_views

    register_api(api)
    register_views(app)

    owner: dict[str, str] = {}  # blueprint name -> plugin name
    app.extensions["pmo_plugin_blueprints"] = owner
    with app.app_context():
        for impl in tenancy.plugin_manager().hook.register_blueprints.get_hookimpls():
            plugin_name = impl.plugin.plugin_info()["name"] if hasattr(impl.plugin, "plugin_info") else None
            for blueprint in impl.function() or []:
                if plugin_name:
                    owner[blueprint.name] = plugin_name
                if isinstance(blueprint, ApiBlueprint):
                    csrf.exempt(blueprint)
                    api.register_blueprint(blueprint)
                else:
                    app.register_blueprint(blueprint)

    from flask_login import current_user

    @app.before_request
    def _plugin_guard():
        """A disabled plugin's pages and API answer 404 saying so; its data stays."""
        name = owner.get((request.blueprint or "").split(".")[0])
        if name is None or not current_user.is_authenticated:
            return  # signed-out callers get the view's own 401 / sign-in redirect first
        pmo = current_pmo()
        if name not in pmo.enabled_plugins():
            title = pmo.plugins[name].title if name in pmo.plugins else name
            abort(404, f"The {title} plugin is disabled. An admin can enable it under "
                       "Admin > Plugins; its data is kept.")

    @app.context_processor
    def _navigation():
        from flask_login import current_user

        if not tenancy.has_ledger():  # a platform page, or an address of no organisation
            return {"plugin_nav": []}
        user = current_user if current_user.is_authenticated else None
        moment = g.get("page_as_of")  # set by web.views.asof for pages shown as of a moment
        as_of = moment.position if moment is not None else None
        return {"plugin_nav": flatten(current_pmo().hook("nav_links")(user=user, as_of=as_of))}

    page_cache.init_app(app)  # last: it needs the page's moment and the signed-in user
    return app


def close_stores(app: Flask) -> None:
    """Close the stores the app has opened; the next request opens its own again.

    ``create_app`` opens the store (the plugins' blueprints come through it). gunicorn's
    ``preload_app`` builds the app once in the master and forks the workers from it: the master
    calls this before the first fork, so that no SQLite or PostgreSQL connection is shared by
    two processes, and each worker opens the store on its first request (gunicorn.conf.py).
    """
    stores = app.extensions.get("pmo", {})
    for pmo in list(stores.values()):
        pmo.close()
    stores.clear()


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> ApiBlueprint:
    """A JSON API blueprint: exempt from CSRF (scripts send tokens; sessions are checked)."""
    blueprint = ApiBlueprint(name, import_name, url_prefix=url_prefix, description=description)
    csrf.exempt(blueprint)
    return blueprint


__all__ = ["create_app", "close_stores", "api_blueprint", "Blueprint"]
