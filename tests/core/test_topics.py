"""Stored history must survive code moves: every aggregate and event has an explicit topic."""
import inspect

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import resolve_topic

from core.pmo import CORE_AGGREGATES
from tests import sample_plugin


def event_classes(aggregate):
    return [v for k, v in vars(aggregate).items()
            if inspect.isclass(v) and issubclass(v, CanMutateAggregate) and k != "Event"]


def test_every_registered_aggregate_and_event_has_an_explicit_topic(pmo):
    aggregates = [*pmo.aggregates, sample_plugin.Note]
    assert set(CORE_AGGREGATES) <= set(aggregates)
    missing = []
    for aggregate in aggregates:
        if "TOPIC" not in vars(aggregate):
            missing.append(aggregate.__qualname__)
        for cls in event_classes(aggregate):
            # Resolving its topic must give the class itself, not a parent it inherited it from.
            topic = getattr(cls, "TOPIC", None)
            if not topic or resolve_topic(topic) is not cls:
                missing.append(cls.__qualname__)
    assert missing == []


def test_topics_are_namespaced_by_their_owner(pmo):
    for aggregate in pmo.aggregates:
        owner = aggregate.TOPIC.split(".")[0]
        assert owner == "core" or owner in pmo.plugins, aggregate
        for cls in event_classes(aggregate):
            assert cls.TOPIC.startswith(aggregate.TOPIC + "."), cls


def test_stored_records_name_topics_not_module_paths(pmo, as_pmo_officer):
    from core.services.projects import register_project

    register_project(pmo, code="P-1", name="x")
    records = pmo.ledger.recorder.select_notifications(start=1, limit=10)
    assert [r.topic for r in records] == ["core.Project.Registered"]
