"""Public status lookup and the staff queue."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine

from repair import services
from repair.models import Status
from repair.tests import factories as f
from repair.tests.conftest import submit


def test_anyone_with_the_tracking_number_and_the_code_sees_the_status_but_not_the_evidence(world, client):
    case = submit(world)
    page = client.post("/repair/status/", {"tracking_no": case.tracking_no.lower(), "uscc": world.subject.uscc})
    body = page.content.decode()
    assert case.get_status_display() in body or "Submitted" in body
    assert case.tracking_no in body
    assert "/repair/evidence/" not in body and "receipt.pdf" not in body
    wrong = client.post("/repair/status/", {"tracking_no": case.tracking_no, "uscc": f.code(7)}).content.decode()
    assert case.tracking_no not in wrong.split("<form")[0] + wrong.split("</form>")[-1]


def test_the_queue_puts_overdue_cases_first_and_filters(world, client):
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        old = submit(world, items=[f"record-{world.tax_penalty.pk}"])  # due 2026-11-16: overdue
    new = submit(world)
    client.force_login(world.centre)
    body = client.get("/office/").content.decode()
    assert body.index(old.tracking_no) < body.index(new.tracking_no)
    overdue = client.get("/office/", {"due": "overdue"}).content.decode()
    assert old.tracking_no in overdue and new.tracking_no not in overdue
    market = client.get("/office/", {"authority": world.market.name}).content.decode()
    assert new.tracking_no in market and old.tracking_no not in market
    services.case_transition(case=new, to=Status.ACCEPTED, actor=world.centre)
    accepted = client.get("/office/", {"status": "accepted"}).content.decode()
    assert new.tracking_no in accepted and old.tracking_no not in accepted


def test_staff_record_notes_with_their_name(world, client):
    case = submit(world)
    client.force_login(world.centre)
    client.post(f"/office/cases/{case.pk}/note/", {"note": "已电话联系原认定部门"})
    event = case.events.last()
    assert (event.actor, event.note) == (world.centre, "已电话联系原认定部门")
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "已电话联系原认定部门" in page and "centre@example.com" in page


def test_the_queue_is_paginated(world, client):
    from repair.models import Case

    first = submit(world)
    for n in range(50):
        Case.objects.create(
            kind="objection",
            subject=world.subject,
            applicant=world.applicant,
            authority=world.market,
            statement=f"x{n}",
            ground="wrong",
            submission_token=uuid.uuid4(),
            feedback_due=first.feedback_due + dt.timedelta(days=1),
            result_due=first.result_due + dt.timedelta(days=1),
        )
    client.force_login(world.centre)
    page_one = client.get("/office/").content.decode()
    assert first.tracking_no in page_one and "?page=2" in page_one
    assert client.get("/office/", {"page": 2}).content.decode().count("/office/cases/") == 1
