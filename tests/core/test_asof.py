"""As of: a date or timestamp becomes a log position; pages then show that moment."""
from datetime import datetime, timezone

import pytest

from core import queries
from core.asof import parse_as_of, resolve_as_of
from core.domain.errors import ValidationError
from core.services import projects, reporting
from events.context import command_context


def at(day: str):
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc)


@pytest.fixture
def pmo(store_url):
    from web.tenancy import open_pmo

    instance = open_pmo(store_url, entry_points=False)
    yield instance
    instance.close()


def test_the_steering_committee_sees_what_it_saw_then(pmo):
    with command_context("pia", occurred_at=at("2026-03-01T09:00")):
        project = projects.register_project(pmo, code="P-1", name="Portal")
        for stage in ("proposed", "approved", "active"):
            projects.move_project_to_stage(pmo, project.id, stage, "ok")
    with command_context("bo", occurred_at=at("2026-03-10T16:00")):
        reporting.submit_status_report(pmo, project.id, period_start=at("2026-02-01").date(),
                                       period_end=at("2026-02-28").date(), overall="amber",
                                       schedule="amber", cost="green", scope="green", progress_pct=40)
    with command_context("pia", occurred_at=at("2026-06-30T12:00")):
        projects.move_project_to_stage(pmo, project.id, "closed", "Handed over to operations")

    _, gate_day = resolve_as_of(pmo, "2026-03-12")
    then = queries.get_project(pmo, "P-1", at=gate_day)
    assert (then["stage"], then["overall"]) == ("active", "amber")
    assert queries.get_project(pmo, "P-1")["stage"] == "closed"
    _, before = resolve_as_of(pmo, "2026-02-01")
    assert before == 0 and queries.get_project(pmo, "P-1", at=before) is None
    _, morning = resolve_as_of(pmo, "2026-03-10T15:59:59Z")
    assert queries.get_project(pmo, "P-1", at=morning)["overall"] is None


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "12/03/2026"])
def test_a_bad_as_of_is_a_field_error(bad):
    with pytest.raises(ValidationError) as e:
        parse_as_of(bad)
    assert e.value.field == "as_of"


def test_a_date_means_the_end_of_that_day():
    assert parse_as_of("2026-03-12") == datetime(2026, 3, 12, 23, 59, 59, 999999, timezone.utc)
