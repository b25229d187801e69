"""Every API endpoint shows disclosed data only (DESIGN.md, the one rule)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dataservices.tests.helpers import make_subject, publish_listing, publish_record
from disclosure.models import EndReason, ExitReason, SubjectType
from disclosure.services import listing_exit, record_end_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(at_noon):
    subject = make_subject("福州示例科技有限公司")
    shown = publish_record(subject=subject, decided_on=dt.date(2026, 6, 1), document_no="SHOWN-1")
    expired = publish_record(
        subject=subject, decided_on=dt.date(2025, 10, 1), document_no="EXPIRED-1", effective_on=dt.date(2025, 10, 2)
    )
    repaired = publish_record(subject=subject, decided_on=dt.date(2026, 5, 1), document_no="REPAIRED-1")
    record_end_disclosure(record=repaired, reason=EndReason.REPAIRED)
    revoked = publish_record(subject=subject, decided_on=dt.date(2026, 5, 2), document_no="REVOKED-1")
    record_end_disclosure(record=revoked, reason=EndReason.REVOKED)
    future = publish_record(subject=subject, decided_on=dt.date(2026, 12, 1), document_no="FUTURE-1")
    minor = publish_record(subject=subject, severity="minor", decided_on=dt.date(2026, 11, 1), document_no="MINOR-1")
    listed = publish_listing(subject=subject, credit_list="abnormal_operation", document_no="LIST-SHOWN")
    exited = publish_listing(subject=subject, credit_list="severe_dishonesty", document_no="LIST-EXITED")
    listing_exit(listing=exited, reason=ExitReason.REPAIRED)
    person = make_subject(
        "张三", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350181199001011234"
    )
    publish_record(subject=person, decided_on=dt.date(2026, 6, 2), document_no="PERSON-1")
    hidden = ["EXPIRED-1", "REPAIRED-1", "REVOKED-1", "FUTURE-1", "MINOR-1", "LIST-EXITED", "350181199001011234"]
    return {
        "subject": subject,
        "person": person,
        "shown": shown,
        "hidden": hidden,
        "hidden_ids": {expired.pk, repaired.pk, revoked.pk, future.pk, minor.pk},
        "listed": listed,
        "never_public_ids": {future.pk, minor.pk},
    }


def get(path: str, **params):
    response = APIClient().get(path, params)
    assert response.status_code == 200, response.content
    return response


def assert_only_disclosed(response, world) -> None:
    body = response.content.decode()
    for marker in world["hidden"]:
        assert marker not in body, f"{marker} leaked by {response.request['PATH_INFO']}"


def test_it_shows_a_subject_with_only_its_disclosed_records_and_current_listings(world):
    response = get(f"/api/v1/subjects/{world['subject'].uscc}/")
    data = response.json()
    assert [r["document_no"] for r in data["records"]] == ["SHOWN-1"]
    assert [entry["code"] for entry in data["listings"]] == ["abnormal_operation"]
    record = data["records"][0]
    assert record["disclosure_until"] == "2027-06-01"
    assert {"document_no", "category", "severity", "decided_on", "authority", "summary"} <= set(record)
    assert_only_disclosed(response, world)


def test_it_finds_a_subject_by_lower_case_code(world):
    data = get(f"/api/v1/subjects/{world['subject'].uscc.lower()}/").json()
    assert data["name"] == "福州示例科技有限公司"


def test_it_lists_records_without_the_expired_repaired_revoked_future_or_minor_ones(world):
    response = get("/api/v1/records/", uscc=world["subject"].uscc)
    assert [r["document_no"] for r in response.json()["results"]] == ["SHOWN-1"]
    assert_only_disclosed(response, world)
    everything = get("/api/v1/records/", page_size=1000)
    ids = {r["id"] for r in everything.json()["results"]}
    assert world["shown"].pk in ids and not ids & world["hidden_ids"]


def test_it_searches_with_counts_of_what_is_disclosed(world):
    response = get("/api/v1/subjects/", q="示例科技")
    [hit] = response.json()["results"]
    assert hit["negative_records"] == 1 and hit["current_lists"] == 1
    assert_only_disclosed(response, world)


def test_it_masks_the_identity_number_of_a_natural_person(world):
    response = get(f"/api/v1/subjects/{world['person'].public_key}/")
    assert response.json()["identity_number_masked"] == "350181********1234"
    assert_only_disclosed(response, world)


def test_list_entries_leave_out_subjects_that_have_exited(world):
    response = get("/api/v1/lists/severe_dishonesty/entries/")
    assert response.json()["results"] == []
    response = get("/api/v1/lists/abnormal_operation/entries/")
    assert [e["document_no"] for e in response.json()["results"]] == ["LIST-SHOWN"]
    lists = {item["code"]: item["entries"] for item in get("/api/v1/lists/").json()}
    assert lists["severe_dishonesty"] == 0 and lists["abnormal_operation"] == 1


def test_the_bulk_check_counts_only_disclosed_negative_records(world):
    response = APIClient().post("/api/v1/checks/", {"codes": [world["subject"].uscc]}, format="json")
    [result] = response.json()["results"]
    assert result["status"] == "negative"
    assert result["negative_records"] == 1
    assert result["categories"] == ["admin_penalty"]
    assert result["lists"] == ["abnormal_operation"]


def test_the_change_feed_carries_no_content_of_records_no_longer_disclosed(world):
    response = get("/api/v1/changes/", limit=1000)
    assert_only_disclosed(response, world)
    items = response.json()["results"]
    shown = [i for i in items if i["type"] == "record" and i["object_id"] == world["shown"].pk]
    assert shown and shown[0]["disclosed"] is True and shown[0]["record"]["document_no"] == "SHOWN-1"
    ended = {i["object_id"]: i for i in items if i["action"] == "ended"}
    assert all(i["record"] is None and i["listing"] is None for i in ended.values())
    # The future and minor records were never public: not even their ids.
    assert not world["never_public_ids"] & {i["object_id"] for i in items if i["type"] == "record"}


def test_an_unknown_subject_is_404_in_the_error_format(world):
    response = APIClient().get("/api/v1/subjects/91350100M000100Y43/")
    assert response.status_code == 404
    assert set(response.json()) == {"status", "code", "message", "fields"}


def test_bad_query_parameters_get_a_message_per_field(world):
    response = APIClient().get("/api/v1/records/", {"uscc": "123", "severity": "awful", "decided_after": "soon"})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"uscc", "severity", "decided_after"}
    assert "18" in fields["uscc"][0]
