"""No public page shows what is not disclosed today (DESIGN.md, the central rule).

Expired, repaired, revoked, future and minor records, and exited listings,
must appear on none of: the subject page, the record page, search counts,
list pages and the sitemap.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import services
from disclosure.tests.factories import make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def hidden_records():
    """One subject, five records that are not disclosed today, each a reason."""
    subject = make_subject("福州隐没贸易有限公司")
    expired = make_record(subject=subject, decided_on=dt.date(2025, 6, 1), document_no="EXPIRED-1")
    repaired = make_record(subject=subject, decided_on=dt.date(2026, 3, 1), document_no="REPAIRED-1")
    services.record_end_disclosure(record=repaired, reason="repaired", on=dt.date(2026, 10, 1))
    revoked = make_record(subject=subject, decided_on=dt.date(2026, 4, 1), document_no="REVOKED-1")
    services.record_end_disclosure(record=revoked, reason="revoked", on=dt.date(2026, 11, 20))
    future = make_record(subject=subject, decided_on=dt.date(2026, 12, 1), document_no="FUTURE-1")
    minor = make_record(subject=subject, severity="minor", decided_on=dt.date(2026, 11, 1), document_no="MINOR-1")
    exited = make_listing(subject=subject, credit_list="severe_dishonesty", reason="EXITED-LISTING")
    services.listing_exit(listing=exited, reason="repaired", on=dt.date(2026, 11, 1))
    return subject, [expired, repaired, revoked, future, minor]


HIDDEN_TEXT = ["EXPIRED-1", "REPAIRED-1", "REVOKED-1", "FUTURE-1", "MINOR-1", "EXITED-LISTING"]


def test_the_subject_page_shows_none_of_them_and_says_nothing_is_disclosed(client, hidden_records):
    subject, _ = hidden_records
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    for text in HIDDEN_TEXT:
        assert text not in page
    assert "今日（2026-11-20）该主体没有公示中的信用信息" in page


def test_each_record_page_answers_410_gone_with_noindex_and_no_content(client, hidden_records):
    _, records = hidden_records
    # Expired, repaired, revoked: disclosed once, ended now. (Future and minor
    # records were never disclosed: 404, test_record_gone_or_never.)
    for record in records[:3]:
        response = client.get(f"/records/{record.pk}/")
        assert response.status_code == 410
        page = response.content.decode()
        assert '<meta name="robots" content="noindex">' in page
        assert record.document_no not in page
        assert record.summary not in page
        assert "已终止公示" in page


def test_an_unknown_record_is_404_not_410(client):
    assert client.get("/records/999999/").status_code == 404


def test_search_counts_them_as_nothing(client, hidden_records):
    page = client.get("/search/", {"q": "隐没"}).content.decode()
    assert "福州隐没贸易有限公司" in page
    assert "无公示中的失信信息" in page
    assert "列入 1 个失信名单" not in page


def test_search_filters_by_list_or_category_do_not_find_them(client, hidden_records):
    for params in ({"q": "隐没", "list": "any"}, {"q": "隐没", "category": "admin_penalty"}):
        page = client.get("/search/", params).content.decode()
        assert "福州隐没贸易有限公司" not in page


def test_list_pages_do_not_show_an_exited_listing(client, hidden_records):
    assert "EXITED-LISTING" not in client.get("/lists/severe_dishonesty/").content.decode()
    assert "福州隐没贸易有限公司" not in client.get("/lists/severe_dishonesty/").content.decode()


def test_the_sitemap_lists_neither_the_subject_nor_the_records(client, hidden_records):
    subject, records = hidden_records
    visible = make_record(subject=make_subject("福州可见有限公司"), decided_on=dt.date(2026, 10, 1))
    xml = client.get("/sitemap-records.xml").content.decode() + client.get("/sitemap-subjects.xml").content.decode()
    assert f"/records/{visible.pk}/" in xml
    assert f"/subjects/{visible.subject.uscc}/" in xml
    assert f"/subjects/{subject.uscc}/" not in xml
    for record in records:
        assert f"/records/{record.pk}/<" not in xml


def test_a_record_disappears_from_every_page_on_the_request_after_its_repair(client):
    record = make_record(decided_on=dt.date(2026, 6, 1), document_no="GOING-1")
    key = record.subject.uscc
    assert "GOING-1" in client.get(f"/subjects/{key}/").content.decode()
    assert client.get(f"/records/{record.pk}/").status_code == 200
    services.record_end_disclosure(record=record, reason="repaired")
    assert "GOING-1" not in client.get(f"/subjects/{key}/").content.decode()
    assert client.get(f"/records/{record.pk}/").status_code == 410
    assert f"/records/{record.pk}/" not in client.get("/sitemap-records.xml").content.decode()


def test_a_record_is_gone_the_day_after_its_last_day_of_disclosure(client):
    # General, decided 2025-11-20: disclosed through 2026-11-20 (12 months).
    record = make_record(decided_on=dt.date(2025, 11, 20), document_no="LAST-DAY-1")
    assert client.get(f"/records/{record.pk}/").status_code == 200
    with time_machine.travel(dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC), tick=False):  # 00:30 in Beijing
        assert client.get(f"/records/{record.pk}/").status_code == 410
