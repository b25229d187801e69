"""Objections (异议申诉): correct, withdraw or refuse, with the same machinery."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from disclosure import periods
from disclosure.models import DisclosureEvent, Record
from repair import services
from repair.models import Case, Kind, Status


def _object(world, record=None, **kwargs):
    return services.objection_submit(
        applicant=world.applicant,
        subject=world.subject,
        record=record or world.recent,
        ground=kwargs.pop("ground", "wrong"),
        statement=kwargs.pop("statement", "文书号与处罚决定书不一致"),
        evidence=kwargs.pop("evidence", []),
        token=uuid.uuid4(),
    )


@pytest.fixture
def objection(world):
    case = _object(world)
    return services.case_transition(case=case, to=Status.ACCEPTED, actor=world.centre)


def test_a_bound_user_objects_to_a_disclosed_record(world):
    case = _object(world)
    assert (case.kind, case.status, case.authority) == (Kind.OBJECTION, Status.SUBMITTED, world.market)
    assert (case.feedback_due, case.result_due) == (dt.date(2026, 12, 4), dt.date(2026, 12, 9))
    # Any disclosed record can be objected to, not only repairable ones.
    assert _object(world, record=world.fraud).kind == Kind.OBJECTION


def test_one_open_case_per_record(world):
    _object(world)
    with pytest.raises(services.RepairError, match="already under review"):
        _object(world)


def test_a_stranger_cannot_object(world):
    with pytest.raises(services.RepairError, match="not approved"):
        services.objection_submit(
            applicant=world.stranger,
            subject=world.subject,
            record=world.recent,
            ground="wrong",
            statement="x",
            evidence=[],
            token=uuid.uuid4(),
        )


def test_correcting_keeps_the_previous_version(world, objection, mailoutbox, django_capture_on_commit_callbacks):
    old_no = world.recent.document_no
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_transition(
            case=objection,
            to=Status.CORRECTED,
            actor=world.market_reviewer,
            note="经核实，文书号录入错误",
            changes={"document_no": "榕市监罚〔2026〕999号"},
        )
    assert case.status == Status.CORRECTED
    world.recent.refresh_from_db()
    assert world.recent.document_no == "榕市监罚〔2026〕999号"
    event = DisclosureEvent.objects.filter(record=world.recent, action="updated").last()
    assert event.before["document_no"] == old_no
    assert event.actor == "market@example.com"
    assert "corrected" in mailoutbox[-1].body


def test_correcting_needs_the_corrected_content(world, objection):
    with pytest.raises(services.RepairError, match="corrected content"):
        services.case_transition(case=objection, to=Status.CORRECTED, actor=world.market_reviewer, changes={})


def test_withdrawing_ends_disclosure_as_corrected(world, objection):
    services.case_transition(case=objection, to=Status.RECORD_WITHDRAWN, actor=world.market_reviewer, note="重复录入")
    assert not Record.objects.disclosed_on(periods.today()).filter(pk=world.recent.pk).exists()
    world.recent.refresh_from_db()
    assert world.recent.end_reason == "corrected"


def test_refusing_an_objection_needs_reasons(world, objection, mailoutbox, django_capture_on_commit_callbacks):
    with pytest.raises(services.RepairError, match="reason"):
        services.case_transition(case=objection, to=Status.REFUSED, actor=world.market_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=objection, to=Status.REFUSED, actor=world.market_reviewer, note="经向原认定部门核实，信息准确"
        )
    assert "经向原认定部门核实" in mailoutbox[-1].body
    assert Record.objects.disclosed_on(periods.today()).filter(pk=world.recent.pk).exists()


def test_an_objection_can_be_not_accepted_with_a_reason(world):
    case = _object(world)
    with pytest.raises(services.RepairError, match="reason"):
        services.case_transition(case=case, to=Status.NOT_ACCEPTED, actor=world.centre)
    case = services.case_transition(case=case, to=Status.NOT_ACCEPTED, actor=world.centre, note="非本平台受理范围")
    assert case.reason == "非本平台受理范围"


def test_repair_outcomes_are_not_open_to_objections(world, objection):
    with pytest.raises(services.InvalidTransition):
        services.case_transition(case=objection, to=Status.REPAIRED, actor=world.market_reviewer)


def test_staff_correct_a_record_through_the_case_page(world, objection, client):
    client.force_login(world.market_reviewer)
    page = client.get(f"/office/cases/{objection.pk}/").content.decode()
    assert "Correct the record" in page or "更正" in page
    response = client.post(
        f"/office/cases/{objection.pk}/transition/",
        {
            "to": "corrected",
            "document_no": "榕市监罚〔2026〕1000号",
            "decided_on": world.recent.decided_on.isoformat(),
            "severity": world.recent.severity,
            "summary": world.recent.summary,
            "note": "经核实更正",
        },
    )
    assert response.status_code == 302
    world.recent.refresh_from_db()
    assert world.recent.document_no == "榕市监罚〔2026〕1000号"


def test_a_natural_person_objects_to_a_record_about_themself(world, client):
    from disclosure.models import Subject
    from repair.tests import factories as f

    person = Subject.objects.create(
        name="陈某某", search_name="陈某某", subject_type="natural_person", identity_number="11010119800101103X"
    )
    record = f.record(person, world.market)
    citizen = f.user("chen@example.com")
    f.bind(citizen, person)
    client.force_login(citizen)
    url = f"/repair/subjects/{person.public_key}/object/"
    page = client.get(url).content.decode()
    assert "11010119800101103X" not in page
    token = re.search(r'name="token" value="([0-9a-f-]+)"', page).group(1)
    response = client.post(
        url, {"token": token, "record": f"record-{record.pk}", "ground": "duplicated", "statement": "同一行为重复录入"}
    )
    assert response.status_code == 302
    case = Case.objects.get(applicant=citizen)
    assert (case.kind, case.subject, case.authority) == (Kind.OBJECTION, person, world.market)
    commitment = services.commitment_text(subject=person, on=periods.today())
    assert "本人陈某某" in commitment and "110101********103X" in commitment
