"""send_repair_reminders: due by the next working day or overdue, once per case per day."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from repair import services
from repair.models import CaseReminder, Status
from repair.tests.conftest import submit


def _run():
    out = io.StringIO()
    call_command("send_repair_reminders", stdout=out)
    return out.getvalue()


def test_it_reminds_the_reviewers_of_cases_due_tomorrow_once_a_day(world, mailoutbox):
    case = submit(world)  # feedback due 2026-12-09 (Wednesday)
    assert "0 reminder" in _run()
    with time_machine.travel(dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC), tick=False):
        assert "1 reminder" in _run()
        assert "0 reminder" in _run()  # re-run the same day: nothing new
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["centre@example.com"]
    assert case.tracking_no in mailoutbox[0].subject
    assert CaseReminder.objects.filter(case=case).count() == 1


def test_it_reminds_again_each_day_a_case_is_overdue(world, mailoutbox):
    submit(world)
    for day in (10, 11):
        with time_machine.travel(dt.datetime(2026, 12, day, 1, 0, tzinfo=dt.UTC), tick=False):
            _run()
    assert len(mailoutbox) == 2
    assert "Overdue" in mailoutbox[-1].subject or "逾期" in mailoutbox[-1].subject


def test_a_friday_reminds_of_a_case_due_on_monday(world, mailoutbox):
    case = submit(world)
    case = services.case_transition(case=case, to=Status.ACCEPTED, actor=world.centre)
    assert case.decision_due == dt.date(2026, 11, 30)  # Monday
    with time_machine.travel(dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC), tick=False):
        _run()
    # Accepted: the deciding authority's reviewers, not the other authority's.
    assert mailoutbox[-1].to == ["market@example.com"]


def test_closed_cases_are_not_reminded(world, mailoutbox):
    case = submit(world)
    services.case_transition(case=case, to=Status.WITHDRAWN, actor=world.applicant)
    with time_machine.travel(dt.datetime(2026, 12, 20, 1, 0, tzinfo=dt.UTC), tick=False):
        assert "0 reminder" in _run()
    assert mailoutbox == []
