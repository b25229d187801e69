"""Deadlines in official Chinese working days (Spring Festival, 调休, unknown years)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from repair import services, workdays
from repair.models import CaseEvent
from repair.tests import factories as f
from repair.tests.conftest import submit

D = dt.date
pytestmark = pytest.mark.django_db


def test_it_skips_the_2026_spring_festival_and_counts_the_make_up_saturdays():
    # Off 2026-02-15..23; Saturdays 02-14 and 02-28 are make-up working days.
    assert workdays.is_workday(D(2026, 2, 14)) is True
    assert workdays.is_workday(D(2026, 2, 17)) is False
    assert workdays.is_workday(D(2026, 2, 28)) is True
    # Filed Thursday 02-12: 13, 14(调休), 24, 25, 26, 27, 28(调休), 03-02, 03, 04.
    assert workdays.add_workdays(D(2026, 2, 12), 10) == D(2026, 3, 4)
    # Accepted Friday 02-13: 14(调休), 24, 25.
    assert workdays.add_workdays(D(2026, 2, 13), 3) == D(2026, 2, 25)


def test_it_starts_counting_after_a_holiday_when_filed_during_one():
    assert workdays.add_workdays(D(2026, 2, 18), 1) == D(2026, 2, 24)


def test_it_falls_back_to_weekends_only_for_a_year_the_package_does_not_know(db):
    assert workdays.years_without_schedule([2026, 2027]) == [2027]
    # Friday 2027-02-05 + 3 working days, weekends only: Mon 8, Tue 9, Wed 10.
    assert workdays.add_workdays(D(2027, 2, 5), 3) == D(2027, 2, 10)


def _enter_2027(actor):
    return services.official_year_enter(
        year=2027,
        holidays=[D(2027, 1, 1)] + [D(2027, 2, 5) + dt.timedelta(days=n) for n in range(8)],
        workdays_=[D(2027, 2, 14), D(2027, 2, 20)],
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        actor=actor,
    )


def test_a_staff_entered_2027_schedule_is_used_for_deadlines(db):
    staff = f.user("admin@example.com", staff=True, groups=("administrator",))
    _enter_2027(staff)
    assert workdays.years_without_schedule([2027]) == []
    assert workdays.is_workday(D(2027, 2, 8)) is False  # a Monday in the holiday
    assert workdays.is_workday(D(2027, 2, 14)) is True  # a Sunday make-up day
    # Thursday 02-04: 14(调休), 15, 16.
    assert workdays.add_workdays(D(2027, 2, 4), 3) == D(2027, 2, 16)


def test_entering_a_year_moves_the_deadlines_of_open_cases_and_records_it(world):
    with time_machine.travel(dt.datetime(2027, 2, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        # The penalty's disclosure is over by then; the listing is still current.
        case = submit(world, items=[f"listing-{world.severe.pk}"])
        assert case.result_due == D(2027, 2, 18)  # weekends only: 10 working days
        _enter_2027(world.admin)
    case.refresh_from_db()
    # 14(调休), 15, 16, 17, 18, 19, 20(调休), 22, 23, 24.
    assert case.result_due == D(2027, 2, 24)
    notes = [e.note for e in CaseEvent.objects.filter(case=case, actor=world.admin)]
    assert any("2027-02-18" in note and "2027-02-24" in note for note in notes)


def test_it_rejects_a_make_up_day_that_is_not_a_weekend(db):
    staff = f.user("admin@example.com", staff=True, groups=("administrator",))
    with pytest.raises(services.RepairError, match="weekend"):
        services.official_year_enter(
            year=2027, holidays=[D(2027, 1, 1)], workdays_=[D(2027, 2, 10)], source="x", actor=staff
        )


def test_the_staff_queue_warns_while_next_year_is_unknown(world, client):
    client.force_login(world.centre)
    response = client.get("/office/")
    assert "2027" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    _enter_2027(world.admin)
    response = client.get("/office/")
    assert 'class="notice warn" role="alert"' not in response.content.decode()


def test_staff_enter_a_year_through_the_calendar_page(world, client):
    client.force_login(world.admin)
    response = client.post(
        "/office/calendar/",
        {
            "year": "2027",
            "source": "国办发明电〔2026〕号",
            "holidays": "2027-01-01\n2027-02-05..2027-02-12  # 春节",
            "workdays": "2027-02-14\n",
        },
    )
    assert response.status_code == 302
    assert workdays.is_workday(D(2027, 2, 9)) is False
    page = client.get("/office/calendar/").content.decode()
    assert "国办发明电〔2026〕号" in page and "10 days, entered by admin@example.com" in page
    assert workdays.is_workday(D(2027, 2, 14)) is True


def test_reviewers_cannot_enter_the_calendar(world, client):
    client.force_login(world.centre)
    assert client.get("/office/calendar/").status_code == 403


def test_a_case_due_in_an_unknown_year_warns_on_its_page(world, client):
    with time_machine.travel(dt.datetime(2026, 12, 28, 2, 0, tzinfo=dt.UTC), tick=False):
        case = submit(world, items=[f"listing-{world.severe.pk}"])
    assert case.feedback_due.year == 2027
    client.force_login(world.centre)
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "The official working-day schedule for 2027 is not known yet" in page
