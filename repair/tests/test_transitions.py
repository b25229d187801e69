"""Every move of the one transition table, and the moves it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from repair import services
from repair.models import Case, CaseEvent, CaseItem, Kind, Status
from repair.services import TRANSITIONS
from repair.tests.conftest import submit


def _events(case):
    return [(e.actor.get_username(), e.old_status, e.new_status, e.note) for e in CaseEvent.objects.filter(case=case)]


def test_accepting_starts_the_three_working_day_decision_deadline(world, submitted):
    case = services.case_transition(case=submitted, to=Status.ACCEPTED, actor=world.centre, note="材料齐全")
    assert case.status == Status.ACCEPTED
    # Wednesday 2026-11-25 + 3 working days.
    assert case.decision_due == dt.date(2026, 11, 30)
    assert _events(case)[-1] == ("centre@example.com", Status.SUBMITTED, Status.ACCEPTED, "材料齐全")


def test_not_accepting_needs_a_reason_and_frees_the_items(
    world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(services.RepairError, match="reason"):
        services.case_transition(case=submitted, to=Status.NOT_ACCEPTED, actor=world.centre, note=" ")
    assert Case.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_transition(case=submitted, to=Status.NOT_ACCEPTED, actor=world.centre, note="缺少缴款凭证")
    assert case.reason == "缺少缴款凭证"
    assert not CaseItem.objects.filter(case=case, open=True).exists()
    assert "缺少缴款凭证" in mailoutbox[-1].body
    # The applicant can apply again.
    again = submit(world)
    assert again.pk != case.pk


def test_refusing_needs_a_reason_and_the_applicant_can_apply_again(
    world, accepted, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(services.RepairError, match="reason"):
        services.case_transition(case=accepted, to=Status.REFUSED, actor=world.market_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_transition(
            case=accepted, to=Status.REFUSED, actor=world.market_reviewer, note="罚款尚未缴清"
        )
    assert case.status == Status.REFUSED and case.closed_at is not None
    assert "罚款尚未缴清" in mailoutbox[-1].body
    world.penalty.refresh_from_db()
    assert world.penalty.ended_on is None
    assert submit(world).status == Status.SUBMITTED


@pytest.mark.parametrize("stage", ["submitted", "accepted"])
def test_the_applicant_can_withdraw_before_the_decision(world, submitted, stage):
    case = submitted
    if stage == "accepted":
        case = services.case_transition(case=case, to=Status.ACCEPTED, actor=world.centre)
    case = services.case_transition(case=case, to=Status.WITHDRAWN, actor=world.applicant)
    assert case.status == Status.WITHDRAWN
    assert _events(case)[-1][:3] == ("boss@example.com", stage, Status.WITHDRAWN)


def test_staff_cannot_withdraw_for_the_applicant(world, submitted):
    with pytest.raises(services.RepairError, match="Only the applicant"):
        services.case_transition(case=submitted, to=Status.WITHDRAWN, actor=world.centre)


def test_nothing_moves_after_a_decision_but_a_revocation_for_fraud(world, accepted):
    case = services.case_transition(case=accepted, to=Status.REPAIRED, actor=world.market_reviewer)
    for to in Status.values:
        expected = services.RepairError if to == Status.REPAIR_REVOKED else services.InvalidTransition
        with pytest.raises(expected):
            services.case_transition(case=case, to=to, actor=world.applicant, note="x")


def test_a_decision_cannot_skip_acceptance(world, submitted):
    with pytest.raises(services.InvalidTransition):
        services.case_transition(case=submitted, to=Status.REPAIRED, actor=world.market_reviewer)


def test_objection_outcomes_are_not_open_to_repair_applications(world, accepted):
    for to in (Status.CORRECTED, Status.RECORD_WITHDRAWN):
        with pytest.raises(services.InvalidTransition):
            services.case_transition(case=accepted, to=to, actor=world.market_reviewer, note="x")


def test_the_table_covers_both_kinds_and_ends_in_final_states():
    finals = {Status.NOT_ACCEPTED, Status.REFUSED, Status.CORRECTED, Status.RECORD_WITHDRAWN}
    finals |= {Status.WITHDRAWN, Status.REPAIR_REVOKED}
    # A repair's only way on: revoked because it was obtained by fraud.
    assert TRANSITIONS[(Kind.REPAIR, Status.REPAIRED)] == (Status.REPAIR_REVOKED,)
    for kind in Kind.values:
        assert (kind, Status.SUBMITTED) in TRANSITIONS and (kind, Status.ACCEPTED) in TRANSITIONS
    for final in finals:
        assert all(source != final for _, source in TRANSITIONS)


def test_the_second_reviewer_gets_a_clear_message(world, submitted):
    services.case_transition(case=submitted, to=Status.ACCEPTED, actor=world.centre)
    other = world.admin
    other.user_permissions.add(*world.centre.groups.get().permissions.filter(codename="accept_case"))
    other = type(other).objects.get(pk=other.pk)
    with pytest.raises(services.InvalidTransition, match="centre@example.com"):
        services.case_transition(case=submitted, to=Status.NOT_ACCEPTED, actor=other, note="重复")


def test_status_cannot_be_edited_in_the_admin(world, submitted, admin_client):
    response = admin_client.get(f"/admin/repair/case/{submitted.pk}/change/")
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    response = admin_client.post(f"/admin/repair/case/{submitted.pk}/change/", {"status": "repaired"})
    assert Case.objects.get(pk=submitted.pk).status == Status.SUBMITTED
