"""gunicorn settings for PMO Ledger: ``gunicorn -c gunicorn.conf.py web.wsgi:app``.

Every setting can be changed through the environment, without editing this file:

PMO_BIND          address to listen on (default 127.0.0.1:8000)
PMO_WORKERS       worker processes (default 2 x cores + 1). Each opens the store itself.
PMO_THREADS       threads per worker (default 1: sync workers). More than 1 uses gthread
                  workers, which also keep client connections alive between requests.
PMO_TIMEOUT       seconds a worker may spend on one request before it is restarted (60)
PMO_MAX_REQUESTS  restart a worker after about this many requests (0 = never; default 0)
PMO_LOG_LEVEL     debug, info (default), warning, error
PMO_STORE         the ledger (see README). SQLite: several workers on one file are fine;
                  writes are serialised by SQLite's lock and each event is projected once.
PMO_PAGE_CACHE    rendered pages each worker keeps, keyed by the read models' positions,
                  user and URL (default 256; 0 = off; see web/page_cache.py). A write moves
                  the positions, so no page older than the ledger's head is ever served.
PMO_PAGE_CACHE_MB the most memory those pages may take per worker (default 32)
PMO_PRELOAD       1 (default; 0 with PMO_ORGS): build the app once in the master and fork
                  the workers from it (ready in a fraction of a second); 0: each worker
                  builds it itself.
PMO_PROJECTIONS   inline (default): each worker catches the read models up after a write.
                  external: run ``pmo projections run`` beside gunicorn (PostgreSQL); the
                  workers then only wait for it to reach their own writes.

Logs are JSON lines on stderr: one ``pmo.request`` line per request (method, path, status,
ms, user, correlation id) and gunicorn's own messages. gunicorn's access log is off because
the request lines say more. Health: ``/healthz`` (process up), ``/readyz`` (store reachable,
read models caught up; 503 otherwise).
"""
import multiprocessing
import os

bind = os.environ.get("PMO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PMO_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PMO_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("PMO_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("PMO_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("PMO_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The master imports and builds the app once and the workers are forked from it, so a worker
# is ready in a fraction of a second instead of importing everything again (docs/performance.md,
# "Start-up"). The master closes the store create_app opened before the first fork
# (when_ready), so no connection is shared across fork; each worker opens its own on its first
# request. Off with several organisations (PMO_ORGS: the platform store is opened at start-up
# and stays open, so it would be shared) or with PMO_PRELOAD=0.
preload_app = os.environ.get("PMO_PRELOAD", "0" if os.environ.get("PMO_ORGS") else "1") == "1"

accesslog = None
loglevel = os.environ.get("PMO_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "web.logging.JSONFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "pmo": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "web.app": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


def on_starting(server):
    """Create the tables and read models once, in the master, before any worker starts.

    ``make run`` already ran ``pmo init``; this keeps a bare ``gunicorn`` start safe as well.
    """
    from web.tenancy import open_pmo

    open_pmo(os.environ.get("PMO_STORE")).close()


def when_ready(server):
    """After the master built the app (preload_app), before any worker is forked: close its store."""
    if server.cfg.preload_app:
        from web.app import close_stores

        close_stores(server.app.wsgi())
