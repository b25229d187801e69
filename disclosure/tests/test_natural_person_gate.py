"""One public gate for subjects (DESIGN.md, natural persons).

A natural person with nothing disclosed is 404 on every surface that names a
subject, logged in or not; a repair commitment never makes anyone public by
itself and is disclosed no longer than the repaired item would have been.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from disclosure import selectors, services
from disclosure.tests.factories import make_authority, make_record, make_subject

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(NOW, tick=False):
        yield


def person(name: str = "林某某", number: str = "350181199001011234"):
    return make_subject(name, uscc=None, subject_type="natural_person", identity_number=number, region_code="350181")


def public_urls(key: str) -> list[str]:
    return [
        f"/subjects/{key}/",
        f"/subjects/{key}/report.pdf",
        f"/repair/check/{key}/",
        f"/subjects/{key}/feed/",
        f"/subjects/{key}/follow/",
        f"/api/v1/subjects/{key}/",
    ]


@pytest.fixture
def logged_in(client):
    user = get_user_model().objects.create_user(username="someone@example.com", password="x-very-secret-1")
    client.force_login(user)
    return client


@pytest.mark.parametrize("as_user", [False, True], ids=["anonymous", "logged-in"])
def test_a_person_with_nothing_disclosed_is_not_found_on_any_surface(client, logged_in, as_user):
    browser = logged_in if as_user else client
    subject = person()
    make_record(subject=subject, decided_on=dt.date(2024, 1, 5), document_no="OLD-1")  # expired 2025-01-05
    for url in public_urls(subject.public_key):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "林某某" not in response.content.decode("utf-8", "replace"), url


def test_a_person_with_something_disclosed_has_a_page_and_a_report(client):
    subject = person()
    make_record(subject=subject, decided_on=dt.date(2026, 6, 1), document_no="NOW-1")
    assert client.get(f"/subjects/{subject.public_key}/").status_code == 200
    assert client.get(f"/subjects/{subject.public_key}/report.pdf").status_code == 200


def test_the_identity_number_is_never_an_answer(client):
    subject = person()
    make_record(subject=subject, decided_on=dt.date(2024, 1, 5))
    page = client.get("/search/", {"q": "350181199001011234"}).content.decode()
    assert subject.public_key not in page
    assert client.get("/subjects/350181199001011234/").status_code == 404


def repair_commitment(subject, *, cap: dt.date | None):
    return services.commitment_record_create(
        subject=subject,
        text="信用承诺书……",
        authority=make_authority(),
        decided_on=dt.date(2026, 11, 20),
        actor="reviewer",
        document_no="REPAIR-1",
        until_cap=cap,
    )


def test_a_repair_commitment_alone_does_not_make_a_person_public(client):
    subject = person()
    repaired = make_record(subject=subject, decided_on=dt.date(2026, 3, 1))
    services.record_end_disclosure(record=repaired, reason="repaired")
    commitment = repair_commitment(subject, cap=repaired.disclosure_until)
    for url in public_urls(subject.public_key):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/records/{commitment.pk}/").status_code in (404, 410)
    ids = [row["id"] for row in client.get("/api/v1/records/").json()["results"]]
    assert commitment.pk not in ids


def test_a_persons_commitment_is_shown_beside_what_else_is_disclosed(client):
    subject = person()
    make_record(subject=subject, decided_on=dt.date(2026, 6, 1), document_no="STILL-1")
    commitment = repair_commitment(subject, cap=dt.date(2027, 3, 1))
    page = client.get(f"/subjects/{subject.public_key}/").content.decode()
    assert "REPAIR-1" in page and "STILL-1" in page
    assert client.get(f"/records/{commitment.pk}/").status_code == 200


def test_a_repair_commitment_ends_when_the_repaired_record_would_have(client):
    enterprise = make_subject("福清市承诺示例有限公司")
    repaired = make_record(subject=enterprise, decided_on=dt.date(2026, 3, 1))  # general: until 2027-03-01
    services.record_end_disclosure(record=repaired, reason="repaired")
    commitment = repair_commitment(enterprise, cap=repaired.disclosure_until)
    assert commitment.disclosure_until == dt.date(2027, 3, 1)  # not 2029-11-20 (36 months)
    assert selectors.record_disclosed_get(pk=commitment.pk, at=dt.date(2027, 3, 1)) is not None
    assert selectors.record_disclosed_get(pk=commitment.pk, at=dt.date(2027, 3, 2)) is None


def test_the_cap_survives_a_change_of_the_catalogue_rules():
    enterprise = make_subject("福清市承诺示例二有限公司")
    commitment = repair_commitment(enterprise, cap=dt.date(2027, 3, 1))
    category = commitment.category
    services.category_update_rules(category=category, actor="staff", positive_months=60)
    commitment.refresh_from_db()
    assert commitment.disclosure_until == dt.date(2027, 3, 1)
