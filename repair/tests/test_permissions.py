"""Who sees and decides which case."""

from __future__ import annotations

import pytest

from repair import selectors, services
from repair.models import Status
from repair.tests import factories as f
from repair.tests.conftest import submit


@pytest.fixture
def tax_case(world):
    return submit(world, items=[f"record-{world.tax_penalty.pk}"])


def test_a_reviewer_of_authority_a_never_sees_authority_bs_cases(world, submitted, tax_case, client):
    assert list(selectors.cases_for_staff(user=world.market_reviewer)) == [submitted]
    assert list(selectors.cases_for_staff(user=world.tax_reviewer)) == [tax_case]
    client.force_login(world.tax_reviewer)
    queue = client.get("/office/").content.decode()
    assert tax_case.tracking_no in queue and submitted.tracking_no not in queue
    assert client.get(f"/office/cases/{submitted.pk}/").status_code == 403
    response = client.post(f"/office/cases/{submitted.pk}/transition/", {"to": "accepted"})
    assert response.status_code == 403


def test_only_the_deciding_authority_decides(world, accepted):
    with pytest.raises(services.RepairError, match="Only reviewers of"):
        services.case_transition(case=accepted, to=Status.REPAIRED, actor=world.tax_reviewer)
    with pytest.raises(services.RepairError, match="not allowed"):
        services.case_transition(case=accepted, to=Status.REPAIRED, actor=world.centre)


def test_authority_reviewers_do_not_accept(world, submitted):
    with pytest.raises(services.RepairError, match="not allowed"):
        services.case_transition(case=submitted, to=Status.ACCEPTED, actor=world.market_reviewer)


def test_the_credit_centre_sees_every_authority(world, submitted, tax_case):
    assert set(selectors.cases_for_staff(user=world.centre)) == {submitted, tax_case}


def test_nobody_reviews_a_case_about_a_subject_they_are_bound_to(world, submitted, client):
    f.bind(world.centre, world.subject, status="pending")
    assert list(selectors.cases_for_staff(user=world.centre)) == []
    with pytest.raises(services.RepairError, match="subject you act for"):
        services.case_transition(case=submitted, to=Status.ACCEPTED, actor=world.centre)
    client.force_login(world.centre)
    assert client.get(f"/office/cases/{submitted.pk}/").status_code == 403


def test_applicants_and_strangers_stay_out_of_the_back_office(world, submitted, client):
    assert client.get("/office/").status_code == 302
    for outsider in (world.applicant, world.stranger):
        client.force_login(outsider)
        assert client.get("/office/").status_code == 403
        assert client.get(f"/office/cases/{submitted.pk}/").status_code == 403


def test_an_applicant_sees_only_their_own_cases(world, submitted, client):
    client.force_login(world.stranger)
    assert client.get(f"/repair/cases/{submitted.tracking_no}/").status_code == 403
    assert client.post(f"/repair/cases/{submitted.tracking_no}/withdraw/").status_code == 403
    client.force_login(world.applicant)
    assert client.get(f"/repair/cases/{submitted.tracking_no}/").status_code == 200


def test_the_roles_exist_with_their_permissions(db):
    from django.contrib.auth.models import Group

    def perms(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"accept_case", "view_all_cases", "review_binding"} <= perms("credit_centre_reviewer")
    assert "decide_case" not in perms("credit_centre_reviewer")
    assert {"decide_case"} <= perms("authority_reviewer")
    assert {"accept_case", "view_all_cases"}.isdisjoint(perms("authority_reviewer"))
    assert {"change_category", "change_creditlist", "add_officialyear", "change_user"} <= perms("administrator")
    assert {"accept_case", "decide_case"}.isdisjoint(perms("administrator"))
