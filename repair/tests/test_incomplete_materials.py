"""容缺受理 (国办发〔2025〕22号 §五): an application missing non-essential
materials is accepted with a list of what to add and a date, not refused."""

from __future__ import annotations

import datetime as dt

import pytest

from repair import services
from repair.models import Status
from repair.tests import factories as f


def accept_incomplete(world, case):
    return services.case_transition(
        case=case,
        to=Status.ACCEPTED,
        actor=world.centre,
        missing_materials="缴款凭证原件扫描件",
        materials_due=dt.date(2026, 12, 2),
    )


def test_it_is_accepted_with_what_to_add_and_by_when(client, world, submitted):
    case = accept_incomplete(world, submitted)
    assert case.status == Status.ACCEPTED and case.awaiting_materials
    assert case.decision_due is None
    client.force_login(world.applicant)
    page = client.get(f"/repair/cases/{case.tracking_no}/").content.decode()
    assert "缴款凭证原件扫描件" in page and "2026-12-02" in page


def test_the_authoritys_three_days_run_once_the_materials_arrive(client, world, submitted):
    case = accept_incomplete(world, submitted)
    client.force_login(world.applicant)
    response = client.post(f"/repair/cases/{case.tracking_no}/materials/", {"evidence": [f.upload()]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.materials_received_at is not None
    assert case.decision_due == dt.date(2026, 11, 30)  # Wed 25 + 3 working days
    assert case.evidence.count() == 2
    assert not case.awaiting_materials


def test_materials_need_a_date_in_the_future(world, submitted):
    with pytest.raises(services.RepairError, match="date"):
        services.case_transition(
            case=submitted, to=Status.ACCEPTED, actor=world.centre, missing_materials="补充材料", materials_due=None
        )


def test_only_the_applicant_adds_materials_and_only_when_asked(world, accepted):
    with pytest.raises(services.RepairError, match="not waiting"):
        services.case_materials_supply(case=accepted, applicant=world.applicant, evidence=[f.upload()])


def test_a_stranger_cannot_add_materials(world, submitted):
    case = accept_incomplete(world, submitted)
    with pytest.raises(services.RepairError, match="Only the applicant"):
        services.case_materials_supply(case=case, applicant=world.stranger, evidence=[f.upload()])
