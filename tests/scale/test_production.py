"""What operations rely on: health and readiness, request logs, where projections run."""
from __future__ import annotations

import io
import json
import logging

import pytest

from core import queries
from core.domain.project import Project
from core.services import projects, users
from events.context import command_context
from tests.conftest import close_app, make_app
from web.logging import JSONFormatter
from web.tenancy import current_pmo, open_pmo


@pytest.fixture
def app():
    app = make_app()
    yield app
    close_app(app)


def test_healthz_answers_while_the_process_is_up(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_says_ready_when_the_read_models_are_caught_up(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready" and response.json["lag"] == 0


def test_readyz_answers_503_while_the_read_models_lag(app, monkeypatch):
    monkeypatch.setenv("PMO_READY_MAX_LAG", "0")
    with app.app_context(), command_context("pia", "written behind the projections' back"):
        current_pmo().ledger.save(Project(code="P-LAG", name="Lagging"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["lag"] == 1 and "behind" in response.json["reason"]


def test_readyz_answers_503_when_the_store_does_not_answer(app, monkeypatch):
    with app.app_context():
        def down():
            raise OSError("connection refused")
        monkeypatch.setattr(current_pmo().ledger, "max_position", down)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"


def test_each_request_is_logged_as_one_json_line_with_its_correlation_id(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("pmo.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with app.app_context(), command_context("setup"):
            user = users.create_user(current_pmo(), "reader", "long-enough-1", "viewer")
            _, token = users.issue_token(current_pmo(), user.id)
        app.test_client().get("/api/projects", headers={"Authorization": f"Bearer {token}",
                                                         "X-Correlation-ID": "trace-42"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["correlation_id"] == "trace-42"
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/api/projects", 200, "reader")
    assert line["level"] == "info" and line["ms"] >= 0


def test_with_external_projections_a_writer_still_sees_its_write(tmp_path, monkeypatch):
    # No projection process runs here: the writer waits briefly, then catches up itself.
    monkeypatch.setenv("PMO_PROJECTIONS", "external")
    monkeypatch.setenv("PMO_PROJECTIONS_WAIT", "0.05")
    pmo = open_pmo(f"sqlite:///{tmp_path}/pmo.sqlite", entry_points=False)
    assert pmo.projections_mode == "external"
    with command_context("pia"):
        projects.register_project(pmo, code="P-1", name="Seen at once")
    assert queries.get_project(pmo, "P-1")["name"] == "Seen at once"
    pmo.close()


def test_an_unknown_projections_mode_is_refused(monkeypatch):
    monkeypatch.setenv("PMO_PROJECTIONS", "sometimes")
    with pytest.raises(ValueError, match="inline or external"):
        open_pmo("memory://", entry_points=False)
