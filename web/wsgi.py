"""The WSGI entry point: ``gunicorn -c gunicorn.conf.py web.wsgi:app``.

The store comes from ``PMO_STORE`` (default ``sqlite:///var/pmo.sqlite``). Run ``pmo init``
first (``make run`` does), so that workers find the tables instead of racing to create them.
"""
from web.app import create_app

app = create_app()
