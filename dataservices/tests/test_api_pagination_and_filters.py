"""Cursor pagination is stable while rows arrive; filters narrow as documented."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dataservices.tests.helpers import make_subject, publish_listing, publish_record

pytestmark = pytest.mark.django_db


def test_paging_through_records_while_new_ones_arrive_gives_no_duplicates_or_gaps(at_noon):
    existing = [publish_record(decided_on=dt.date(2026, 6, 1) + dt.timedelta(days=n)) for n in range(5)]
    client = APIClient()
    first = client.get("/api/v1/records/", {"page_size": 2}).json()
    publish_record(decided_on=dt.date(2026, 7, 1))  # arrives between two pages
    seen = [r["id"] for r in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == sorted((r.pk for r in existing), reverse=True)


def test_records_are_filtered_by_category_severity_and_decision_dates(at_noon):
    subject = make_subject()
    publish_record(subject=subject, decided_on=dt.date(2026, 3, 1), severity="serious", document_no="A")
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1), severity="general", document_no="B")
    publish_record(
        subject=subject, decided_on=dt.date(2026, 6, 2), category="admin_license", severity="", document_no="C"
    )
    client = APIClient()

    def docs(**params):
        return sorted(r["document_no"] for r in client.get("/api/v1/records/", params).json()["results"])

    assert docs(severity="serious") == ["A"]
    assert docs(category="admin_license") == ["C"]
    assert docs(decided_after="2026-05-01", decided_before="2026-06-01") == ["B"]
    assert client.get("/api/v1/records/", {"category": "nonsense"}).status_code == 400


def test_list_entries_are_filtered_by_region_prefix(at_noon):
    fuqing = make_subject("福清甲公司", region_code="350181")
    xiamen = make_subject("厦门乙公司", region_code="350203")
    publish_listing(subject=fuqing, credit_list="abnormal_operation")
    publish_listing(subject=xiamen, credit_list="abnormal_operation")
    client = APIClient()

    def names(region):
        response = client.get("/api/v1/lists/abnormal_operation/entries/", {"region": region})
        return sorted(e["subject"]["name"] for e in response.json()["results"])

    assert names("350100") == ["福清甲公司"]  # a city covers its counties
    assert names("350000") == ["厦门乙公司", "福清甲公司"]
    assert client.get("/api/v1/lists/abnormal_operation/entries/", {"region": "35"}).status_code == 400
    assert client.get("/api/v1/lists/no_such_list/entries/").status_code == 404


def test_search_filters_by_list_and_hides_natural_persons_with_nothing_disclosed(at_noon):
    listed = make_subject("闽清示例陶瓷有限公司")
    publish_listing(subject=listed, credit_list="severe_dishonesty")
    make_subject("闽清示例茶业有限公司")
    make_subject("闽清示例", uscc=None, subject_type="natural_person", identity_number="350124198001011234")
    client = APIClient()

    def names(**params):
        return sorted(s["name"] for s in client.get("/api/v1/subjects/", {"q": "闽清示例", **params}).json()["results"])

    assert names() == ["闽清示例茶业有限公司", "闽清示例陶瓷有限公司"]
    assert names(list="severe_dishonesty") == ["闽清示例陶瓷有限公司"]
    assert client.get("/api/v1/subjects/").status_code == 400  # q is required
