"""The OpenAPI document is written on its first read, and is the one an eager API writes."""
import copy

import marshmallow
from flask_smorest import Api

from tests.conftest import make_app
from web import schema_sharing  # noqa: F401  (what the last test checks)
from web.api.lazy_doc import LazyDocApi


def _api(app) -> LazyDocApi:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"]


def test_the_app_starts_without_documenting_its_views(monkeypatch):
    app = make_app()
    api = _api(app)
    assert isinstance(api, LazyDocApi)
    assert len(api._undocumented) >= 20  # core and plugin blueprints, routes registered already
    assert not api._spec.to_dict()["paths"]
    assert app.test_client().get("/healthz").status_code == 200
    assert api._undocumented, "a request that does not read the spec leaves it unwritten"
    document = app.test_client().get("/api/openapi.json").get_json()
    assert not api._undocumented
    assert "/api/projects" in document["paths"]


def test_the_lazy_document_is_byte_for_byte_the_eager_one(monkeypatch):
    lazy = make_app().test_client().get("/api/openapi.json").data
    # flask-smorest's own register_blueprint documents at registration: the eager reference.
    monkeypatch.setattr(LazyDocApi, "register_blueprint", Api.register_blueprint)
    eager_app = make_app()
    assert not _api(eager_app)._undocumented
    eager = eager_app.test_client().get("/api/openapi.json").data
    assert lazy == eager
    assert b'"/api/projects"' in lazy


def test_schema_instances_are_shared_by_deep_copies_of_the_docs():
    class Sample(marshmallow.Schema):
        name = marshmallow.fields.String()

    schema = Sample()
    doc = {"response": {"responses": {200: [{"schema": schema}]}}}
    copied = copy.deepcopy(doc)
    assert copied is not doc and copied["response"] is not doc["response"]
    assert copied["response"]["responses"][200][0]["schema"] is schema
