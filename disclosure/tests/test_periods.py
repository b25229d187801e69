"""The date arithmetic of disclosure periods (Civil Code arts. 201-202)."""

from __future__ import annotations

import datetime as dt

import time_machine

from disclosure import periods


def test_a_six_month_period_from_31_august_ends_on_the_last_day_of_february():
    assert periods.period_last_day(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)


def test_a_period_ends_on_the_corresponding_day_when_the_month_has_it():
    assert periods.period_last_day(dt.date(2025, 3, 15), 12) == dt.date(2026, 3, 15)
    assert periods.period_last_day(dt.date(2025, 1, 31), 3) == dt.date(2025, 4, 30)


def test_a_period_from_29_february_ends_on_28_february_in_common_years():
    assert periods.period_last_day(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert periods.period_last_day(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)
    assert periods.period_last_day(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 29)


def test_a_period_into_a_leap_february_keeps_the_29th():
    assert periods.period_last_day(dt.date(2023, 8, 29), 6) == dt.date(2024, 2, 29)
    assert periods.period_last_day(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)


def test_repair_can_be_applied_for_from_the_day_after_the_minimum_period():
    assert periods.repairable_from(dt.date(2025, 8, 31), 3) == dt.date(2025, 12, 1)
    assert periods.repairable_from(dt.date(2025, 11, 30), 3) == dt.date(2026, 3, 1)


def test_without_a_minimum_period_repair_is_possible_from_the_decision_date():
    assert periods.repairable_from(dt.date(2026, 5, 6), 0) == dt.date(2026, 5, 6)


def test_today_is_the_beijing_date_at_23_30_utc():
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        assert periods.today() == dt.date(2026, 3, 2)


def test_today_is_the_same_date_in_the_beijing_afternoon():
    with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        assert periods.today() == dt.date(2026, 3, 1)
