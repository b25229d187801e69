"""Bankruptcy restructuring (暂时屏蔽): on a court ruling approving a plan or
a settlement, the subject's negative information is shielded until the plan
is carried out (then it stays ended, as repaired) or fails (then it is
disclosed again for the rest of its period)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from disclosure import feed, selectors, services
from disclosure.models import Listing, Record, Shield
from disclosure.tests.factories import make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def company():
    subject = make_subject("福清市重整示例有限公司")
    penalty = make_record(subject=subject, decided_on=dt.date(2026, 6, 1), document_no="SHIELD-P")
    licence = make_record(subject=subject, category="admin_license", severity="", decided_on=dt.date(2026, 1, 5))
    listing = make_listing(subject=subject, entered_on=dt.date(2026, 2, 1))
    return subject, penalty, licence, listing


def shield(subject) -> Shield:
    return services.shield_start(
        subject=subject,
        ruling=Shield.Ruling.RESTRUCTURING,
        court="福建省福州市中级人民法院",
        document_no="（2026）闽01破12号之三",
        ruled_on=dt.date(2026, 11, 10),
        actor="centre",
    )


def is_disclosed(obj) -> bool:
    return type(obj).objects.disclosed_on(dt.date(2026, 11, 20)).filter(pk=obj.pk).exists()


def test_shielding_hides_negative_information_and_keeps_the_rest(client, company):
    subject, penalty, licence, listing = company
    shield(subject)
    assert not is_disclosed(penalty) and not is_disclosed(listing)
    assert is_disclosed(licence)
    assert "SHIELD-P" not in client.get(f"/subjects/{subject.uscc}/").content.decode()
    items = {(i.kind, i.action, i.reason) for i in feed.changes(subject_id=subject.pk).items}
    assert items >= {("record", "ended", "shielded"), ("listing", "ended", "shielded")}


def test_a_failed_plan_restores_disclosure_for_the_rest_of_the_period(company):
    subject, penalty, _, listing = company
    running = shield(subject)
    with time_machine.travel(dt.datetime(2027, 3, 1, 4, 0, tzinfo=dt.UTC), tick=False):
        services.shield_end(shield=running, outcome=Shield.Outcome.FAILED, actor="centre")
        day = dt.date(2027, 3, 1)
        assert Record.objects.disclosed_on(day).filter(pk=penalty.pk).exists()  # through 2027-06-01
        assert Listing.objects.disclosed_on(day).filter(pk=listing.pk).exists()
        reasons = {(i.kind, i.action, i.reason) for i in feed.changes(subject_id=subject.pk, limit=100).items}
    assert ("record", "disclosed", "restored") in reasons


def test_a_plan_carried_out_leaves_it_ended_as_repaired(company):
    subject, penalty, _, listing = company
    services.shield_end(shield=shield(subject), outcome=Shield.Outcome.CARRIED_OUT, actor="centre")
    penalty.refresh_from_db()
    listing.refresh_from_db()
    assert (penalty.end_reason, listing.exit_reason) == ("repaired", "repaired")
    assert not is_disclosed(penalty)


def test_one_running_shield_per_subject_and_a_ruling_is_required(company):
    subject = company[0]
    shield(subject)
    with pytest.raises(services.DisclosureError, match="already shielded"):
        shield(subject)
    with pytest.raises(services.DisclosureError):
        services.shield_start(
            subject=make_subject("另一公司"),
            ruling="",
            court="法院",
            document_no="x",
            ruled_on=dt.date(2026, 11, 1),
            actor="a",
        )


def test_the_public_query_stays_the_one_rule():
    # Shielding ends disclosure through end_reason: no new condition in the rule.
    assert "shield" not in str(selectors.records_disclosed(at=dt.date(2026, 11, 20)).query).lower()


def test_staff_shield_from_the_office_with_the_permission(client, company):
    subject = company[0]
    user = get_user_model().objects.create_user("officer", "o@example.com", "x-very-secret-1", is_staff=True)
    client.force_login(user)
    assert client.get("/office/shields/").status_code == 403
    user.is_superuser = True
    user.save()
    data = {
        "uscc": subject.uscc,
        "ruling": "settlement",
        "court": "福清市人民法院",
        "document_no": "（2026）闽0181破3号",
        "ruled_on": "2026-11-18",
    }
    assert client.post("/office/shields/", data).status_code == 302
    running = Shield.objects.get(subject=subject)
    assert client.post(f"/office/shields/{running.pk}/end/", {"outcome": "failed"}).status_code == 302
    running.refresh_from_db()
    assert running.outcome == "failed"
