"""The repair clock of 国办发〔2025〕22号 §六: the result within 10 working
days of the application; the deciding authority within 3 working days of
receiving the complete application; one extension with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from repair import selectors, services
from repair.models import Status

D = dt.date


def test_the_promised_result_date_is_ten_working_days_after_the_application(submitted):
    # Wednesday 2026-11-25: 26, 27, 30, 1, 2, 3, 4, 7, 8, 9 December.
    assert submitted.result_due == D(2026, 12, 9)
    assert submitted.feedback_due == D(2026, 12, 4)  # acceptance leaves the authority its 3 days


def test_the_decision_is_due_three_working_days_after_acceptance_and_the_applicant_waits_no_longer(world, submitted):
    with time_machine.travel(dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC), tick=False):  # the last acceptance day
        case = services.case_transition(case=submitted, to=Status.ACCEPTED, actor=world.centre)
    assert case.decision_due == D(2026, 12, 9)
    assert case.decision_due <= case.result_due


def test_the_applicants_page_shows_the_promised_date(client, world, submitted):
    client.force_login(world.applicant)
    page = client.get(f"/repair/cases/{submitted.tracking_no}/").content.decode()
    assert "Result promised by" in page and "2026-12-09" in page


def test_the_queue_counts_a_case_overdue_by_the_promised_date(world, submitted):
    services.case_transition(case=submitted, to=Status.ACCEPTED, actor=world.centre)
    with time_machine.travel(dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        overdue = selectors.staff_queue(user=world.centre, due="overdue", today=D(2026, 12, 10))
        assert submitted.pk in {case.pk for case in overdue}


def test_reminders_name_the_promised_date(world, submitted, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC), tick=False):
        assert services.reminders_send() == 1
    assert "2026-12-09" in mailoutbox[-1].body


def test_a_complex_case_is_extended_once_with_a_reason_mailed_to_the_applicant(
    world, accepted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_extend(case=accepted, actor=world.market_reviewer, reason="需向税务机关核实缴款情况")
    assert case.result_due == D(2026, 12, 23)  # 10 more working days
    assert case.extended_on == D(2026, 11, 25)
    assert "需向税务机关核实缴款情况" in mailoutbox[-1].body and "2026-12-23" in mailoutbox[-1].body
    with pytest.raises(services.RepairError, match="already extended"):
        services.case_extend(case=case, actor=world.market_reviewer, reason="再次延长")


def test_an_extension_needs_a_reason_and_the_deciding_authority(world, accepted):
    with pytest.raises(services.RepairError, match="reason"):
        services.case_extend(case=accepted, actor=world.market_reviewer, reason=" ")
    with pytest.raises(services.RepairError):
        services.case_extend(case=accepted, actor=world.tax_reviewer, reason="复杂")
    with pytest.raises(services.RepairError):
        services.case_extend(case=accepted, actor=world.applicant, reason="复杂")


def test_the_office_extends_a_case_from_its_page(client, world, accepted):
    client.force_login(world.market_reviewer)
    assert "Extend once" in client.get(f"/office/cases/{accepted.pk}/").content.decode()
    client.post(f"/office/cases/{accepted.pk}/extend/", {"reason": "案情复杂"})
    accepted.refresh_from_db()
    assert accepted.extension_reason == "案情复杂"
