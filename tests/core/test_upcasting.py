"""Schema evolution: actions stored before 'priority' existed read as 'normal' priority."""
import json
import uuid

from eventsourcing.persistence import StoredEvent

from core import queries
from core.domain.action import Action
from core.services import logs
from events.context import command_context


def store_v1_action(pmo, action_id: uuid.UUID) -> None:
    """Write the record exactly as version 1 of the code wrote it (no priority, no class_version)."""
    state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": "2025-05-02T08:00:00+00:00"},
        "originator_topic": "core.Action", "actor": "eva", "reason": "", "correlation_id": "c1",
        "title": "Book steering meeting", "owner": "eva", "due_date": None, "project_id": None,
        "description": "",
    }
    pmo.ledger.recorder.insert_events([StoredEvent(
        originator_id=action_id, originator_version=1, topic="core.Action.Assigned",
        state=json.dumps(state, separators=(",", ":")).encode())])


def test_stored_v1_actions_read_as_v2_with_normal_priority(pmo):
    action_id = uuid.uuid4()
    store_v1_action(pmo, action_id)
    assert pmo.get(Action, action_id).priority == "normal"
    pmo.catch_up()
    assert queries.get_action(pmo, action_id)["priority"] == "normal"
    # The v1 action lives on under v2 code: it can be closed like any other.
    with command_context("eva"):
        logs.close_action(pmo, action_id, "Booked")
    assert queries.get_action(pmo, action_id)["status"] == "done"


def test_new_actions_are_stored_as_v2_with_their_priority(pmo):
    with command_context("eva"):
        action = logs.assign_action(pmo, "Escalate budget", "eva", priority="high")
    record = pmo.ledger.recorder.select_notifications(start=1, limit=1)[0]
    assert json.loads(record.state)["class_version"] == 2
    assert queries.get_action(pmo, action.id)["priority"] == "high"
