"""gunicorn settings for PMO Ledger: ``gunicorn -c gunicorn.conf.py web.wsgi:app``.

Environment: PMO_BIND (default 127.0.0.1:8000), PMO_WORKERS (default 2 x cores + 1),
PMO_STORE (the ledger; see README). Several workers on one SQLite file are fine: writes are
serialised by SQLite's lock, and the projection runner locks its tracking rows, so each event
is projected once.
"""
import multiprocessing
import os

bind = os.environ.get("PMO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PMO_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("PMO_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker opens the store itself; opening it in the master would share connections.
preload_app = False


def on_starting(server):
    """Create the tables and read models once, in the master, before any worker starts.

    ``make run`` already ran ``pmo init``; this keeps a bare ``gunicorn`` start safe as well.
    """
    from web.tenancy import open_pmo

    open_pmo(os.environ.get("PMO_STORE")).close()
