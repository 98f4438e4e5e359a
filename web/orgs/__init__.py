"""Several organisations in one deployment, each on its own ledger (``PMO_ORGS=path|host``).

The map:

runtime.py    settings (PMO_ORGS, PMO_PLATFORM_STORE, ...), the organisation directory, the
              bounded cache of open PMOs
requests.py   the WSGI middlewares (/o/<slug>/ or the host name), the first before_request
              (unknown -> 404, suspended -> 403), per-organisation session cookies, the header's
              organisation switcher
views.py      /platform/: platform admins list, create, suspend, resume and export organisations
admin.py      creating, summarising and exporting organisations (CLI and pages share it)
cli.py        ``pmo orgs ...``; ``pmo --org SLUG <command>`` runs any command on one organisation

The platform's own domain (the Organisation and PlatformAdmin aggregates, the platform ledger
and its read models) is in ``core/platform.py`` and ``core/platform_app.py``; which store an
organisation lives in, in ``core/platform_stores.py``. ``web/tenancy.py`` is still the one
place that says which ledger serves a request. Core and plugins know nothing of organisations.
See docs/organisations.md.
"""
