"""Health and readiness for load balancers and orchestrators; no sign-in, no session.

``/healthz``  the process is up and serving (touches nothing else): 200
``/readyz``   the store answers and the read models are caught up: 200, else 503. "Caught
              up" means the active projections lag the ledger by at most ``PMO_READY_MAX_LAG``
              events (default 100: under steady writes a lag of a few events is normal, and
              with ``PMO_PROJECTIONS=external`` the projection process is a poll behind).
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from events.projections import tracking_table
from web.tenancy import current_pmo

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    """The store is reachable and the read models are (nearly) current."""
    max_lag = int(os.environ.get("PMO_READY_MAX_LAG", "100"))
    try:
        pmo = current_pmo()
        head = pmo.ledger.max_position()
        names = pmo.active_projections()
        with pmo.read() as conn:
            positions = dict(conn.execute(
                sa.select(tracking_table.c.name, tracking_table.c.position)
                .where(tracking_table.c.name.in_(names))).all())
    except Exception as error:  # any failure to reach the store means: not ready
        current_app.logger.warning("readyz: store unreachable: %s", error)
        return jsonify(status="unavailable", reason="the store does not answer"), 503
    lag = max((head - positions.get(name, 0) for name in names), default=0)
    body = dict(head=head, lag=lag, projections=pmo.projections_mode)
    if lag > max_lag:
        return jsonify(status="catching up", reason=f"read models are {lag} events behind", **body), 503
    return jsonify(status="ready", **body)


def init_app(app) -> None:
    app.register_blueprint(bp)
