"""The PMO keeps its decision log: record decisions, and mark one replaced by a later one."""
from tests.web.api.conftest import problem

DECISION = {"title": "Vendor", "decision": "Buy Acme CRM", "decided_by": "Steering committee",
            "decided_on": "2025-02-10", "rationale": "cheapest compliant bid"}


def test_record_and_supersede(as_, projects):
    manager = as_("manager")
    first = manager.post("/api/decisions", json={**DECISION, "project_id": projects["P-OWN"]})
    assert first.status_code == 201
    second = manager.post("/api/decisions", json={
        **DECISION, "decision": "Buy Beta CRM", "decided_on": "2025-04-01", "project_id": projects["P-OWN"]})
    first_id, second_id = first.get_json()["id"], second.get_json()["id"]

    superseded = manager.post(f"/api/decisions/{first_id}/supersede", json={"by": second_id})
    assert superseded.status_code == 200 and superseded.get_json()["superseded_by"] == second_id
    assert superseded.headers["ETag"] == '"2"'

    log = as_("viewer").get(f"/api/decisions?project_id={projects['P-OWN']}").get_json()
    assert [d["decision"] for d in log] == ["Buy Beta CRM", "Buy Acme CRM"]  # latest first
    assert as_("viewer").get(f"/api/decisions/{second_id}").get_json()["superseded_by"] is None


def test_superseding_by_an_unknown_decision_names_the_field(as_, head):
    first = as_("pmo").post("/api/decisions", json=DECISION).get_json()
    before = head()
    refused = as_("pmo").post(f"/api/decisions/{first['id']}/supersede",
                              json={"by": "00000000-0000-0000-0000-000000000000"})
    assert list(problem(refused, 422)["errors"]) == ["by"]
    assert head() == before


def test_decisions_outside_a_project_belong_to_the_pmo(as_):
    assert as_("pmo").post("/api/decisions", json=DECISION).status_code == 201
    problem(as_("manager").post("/api/decisions", json=DECISION), 403)
