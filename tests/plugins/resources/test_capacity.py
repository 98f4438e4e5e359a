"""Hours per month, counted by hand: working days, part-time and leave, percentages, hours."""
from __future__ import annotations

from datetime import date

import pytest

from plugins.resources import capacity as cap

MAY = date(2026, 5, 1)  # 21 working days: Fri 1st ... Fri 29th


def test_a_month_has_its_working_days_and_one_fte_is_eight_hours_a_day():
    assert len(cap.working_days(MAY, cap.month_end(MAY))) == 21
    assert cap.full_time_hours(MAY) == 168.0
    assert cap.months_between(date(2026, 11, 20), date(2027, 2, 1)) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def test_part_time_and_leave_take_their_days_and_the_later_period_wins():
    part_time = cap.Period(date(2026, 5, 1), date(2026, 5, 31), 20.0)
    leave = cap.Period(date(2026, 5, 18), date(2026, 5, 22), 0.0)  # one week, recorded after
    # 16 days at 4 hours (part-time) and 5 days of leave.
    assert cap.capacity_hours(40.0, [part_time, leave], MAY) == pytest.approx(16 * 4)
    # Recorded the other way round, the part-time period covers the leave again.
    assert cap.capacity_hours(40.0, [leave, part_time], MAY) == pytest.approx(21 * 4)
    # A new contract from the 18th: 11 days at 8 hours, 10 at 6.4.
    contract = cap.Period(date(2026, 5, 18), None, 32.0)
    assert cap.capacity_hours(40.0, [contract], MAY) == pytest.approx(11 * 8 + 10 * 6.4)


def test_allocations_count_the_working_days_they_cover():
    # 50% of a full-time week from the 11th (15 working days left in May).
    assert cap.allocation_hours(date(2026, 5, 11), date(2026, 6, 30), 50, None, MAY) == pytest.approx(15 * 4)
    # 84 hours a month, for 15 of May's 21 working days.
    assert cap.allocation_hours(date(2026, 5, 11), date(2026, 6, 30), None, 84.0, MAY) == pytest.approx(60)
    assert cap.allocation_hours(date(2026, 6, 1), date(2026, 6, 30), 100, None, MAY) == 0
    assert cap.fte_hours(2.0, date(2026, 4, 1), date(2026, 5, 8), MAY) == pytest.approx(6 * 16)


@pytest.mark.parametrize("capacity, demand, state", [
    (160, 100, "under"), (160, 144, "full"), (160, 160, "full"), (160, 160.04, "full"), (160, 161, "over"),
    (0, 0, "none"), (0, 8, "over")])
def test_under_full_from_ninety_percent_and_over(capacity, demand, state):
    assert cap.status(capacity, demand) == state
