"""The OpenAPI document describes every API route, and is a valid OpenAPI 3 document."""
import re

from openapi_spec_validator import validate

WRITES = {"post", "put", "patch", "delete"}


def _document(client) -> dict:
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def _routes(app) -> dict[str, set[str]]:
    """API routes of the app, as OpenAPI paths, with their methods."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api") or rule.rule.startswith(("/api/docs", "/api/openapi")):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_every_api_route_is_documented(app, client):
    paths = _document(client)["paths"]
    routes = _routes(app)
    assert len(routes) >= 30
    for path, methods in routes.items():
        assert path in paths, f"{path} is not in the OpenAPI document"
        assert set(paths[path]) - {"parameters"} == methods, path


def test_every_operation_has_a_summary_schemas_and_its_errors(client):
    for path, operations in _document(client)["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            responses = operation["responses"]
            assert "401" in responses, where
            success = [code for code in responses if code.startswith("2")]
            assert success, where
            if success != ["204"]:
                assert "content" in responses[success[0]], where
            if method in WRITES:
                assert {"403", "409"} <= set(responses), where
                problem = responses["403"]["content"]["application/problem+json"]["schema"]
                assert problem == {"$ref": "#/components/schemas/Problem"}, where
                if method != "delete":
                    assert "422" in responses and "requestBody" in operation, where


def test_etags_and_if_match_are_documented(client):
    paths = _document(client)["paths"]
    patch = paths["/api/projects/{key}"]["patch"]
    assert "If-Match" in [p["name"] for p in patch["parameters"]]
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/projects/{key}"]["get"]["responses"]["200"]["headers"]
    assert "Location" in paths["/api/projects"]["post"]["responses"]["201"]["headers"]


def test_the_document_is_valid_openapi_3(client):
    document = _document(client)
    assert document["openapi"].startswith("3.")
    validate(document)
    schemas = document["components"]["schemas"]
    assert {"Project", "ProjectCreate", "ProjectUpdate", "StatusReport", "Problem"} <= set(schemas)
    assert schemas["ProjectCreate"]["additionalProperties"] is False  # unknown fields are refused
