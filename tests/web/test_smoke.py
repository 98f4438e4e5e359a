from tests.conftest import login


def test_signed_in_user_sees_the_dashboard(client, people):
    assert client.get("/").status_code == 302
    login(client, people["viewer"]["username"], people["viewer"]["password"])
    assert client.get("/").status_code == 200


def test_openapi_document_is_served(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
