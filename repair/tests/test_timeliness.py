"""双公示 timeliness: licences and penalties published within 7 working days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from disclosure.periods import BEIJING
from disclosure.tests.factories import make_record
from repair.timeliness import publication_timeliness

pytestmark = pytest.mark.django_db


def arrived(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def test_a_penalty_published_on_the_seventh_working_day_is_in_time_and_on_the_eighth_late():
    # Decided Thursday 2026-06-04; working days after it: 5, 8, 9, 10, 11, 12, 15 June (7th), 16 June (8th).
    make_record(source="fuqing", decided_on=dt.date(2026, 6, 4), arrived_at=arrived(dt.date(2026, 6, 15), 23))
    make_record(source="fuqing", decided_on=dt.date(2026, 6, 4), arrived_at=arrived(dt.date(2026, 6, 16), 0))
    [row] = publication_timeliness(decided_from=dt.date(2026, 6, 1), decided_to=dt.date(2026, 6, 30))
    assert (row.source, row.category, row.total, row.on_time, row.late) == ("fuqing", "admin_penalty", 2, 1, 1)


def test_the_spring_festival_does_not_count_as_working_days_and_make_up_saturdays_do():
    # Decided Friday 2026-02-13. Working days after it: Saturday 14 February
    # (调休), then 24, 25, 26, 27, Saturday 28 February (调休) and 2 March,
    # the 7th. Counting weekdays only, the 7th would be 24 February.
    for arrival in (dt.date(2026, 3, 2), dt.date(2026, 3, 3)):
        make_record(
            category="admin_license",
            severity="",
            source="fuzhou",
            decided_on=dt.date(2026, 2, 13),
            arrived_at=arrived(arrival),
        )
    [row] = publication_timeliness(decided_from=dt.date(2026, 2, 1), decided_to=dt.date(2026, 2, 28))
    assert (row.total, row.on_time) == (2, 1)


def test_other_categories_and_other_dates_are_not_counted():
    make_record(category="judicial", decided_on=dt.date(2026, 6, 4), arrived_at=arrived(dt.date(2026, 9, 1)))
    make_record(decided_on=dt.date(2026, 5, 4), arrived_at=arrived(dt.date(2026, 9, 1)))
    assert publication_timeliness(decided_from=dt.date(2026, 6, 1), decided_to=dt.date(2026, 6, 30)) == []


def test_credit_centre_staff_see_the_report_and_applicants_do_not(client):
    make_record(source="fuqing", decided_on=dt.date(2026, 6, 4), arrived_at=arrived(dt.date(2026, 6, 5)))
    staff = User.objects.create_user("centre@example.cn", password="x", is_staff=True)
    staff.groups.add(Group.objects.get(name="credit_centre_reviewer"))
    applicant = User.objects.create_user("someone@example.cn", password="x")
    query = {"decided_from": "2026-06-01", "decided_to": "2026-06-30"}

    client.force_login(applicant)
    assert client.get("/office/timeliness/", query).status_code == 403

    client.force_login(staff)
    response = client.get("/office/timeliness/", query)
    assert response.status_code == 200
    assert [(row.source, row.on_time) for row in response.context["rows"]] == [("fuqing", 1)]


def test_a_range_that_ends_before_it_starts_is_refused(client):
    staff = User.objects.create_superuser("boss@example.cn", password="x")
    client.force_login(staff)
    response = client.get("/office/timeliness/", {"decided_from": "2026-06-30", "decided_to": "2026-06-01"})
    assert response.context["form"].errors["decided_to"]
