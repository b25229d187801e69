"""The API subject detail stays small whatever the subject: the first 100
records and listings, their totals, and links to page through the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from disclosure.tests.factories import make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db


def test_a_subject_with_many_records_gets_the_first_100_and_a_link_to_all(at_noon, django_assert_max_num_queries):
    subject = make_subject()
    for n in range(120):
        make_record(subject=subject, decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=n % 300))
    for n in range(3):
        make_listing(subject=subject, credit_list="abnormal_operation", entered_on=dt.date(2026, 1, 1 + n))
    with django_assert_max_num_queries(6):
        data = APIClient().get(f"/api/v1/subjects/{subject.uscc}/").json()
    assert len(data["records"]) == 100 and data["records_count"] == 120
    assert data["records_next"].endswith(f"/api/v1/records/?uscc={subject.uscc}")
    assert len(data["listings"]) == 3 and data["listings_count"] == 3 and data["listings_next"] is None
    assert data["negative_records"] == 120 and data["current_lists"] == 1
    decided = [record["decided_on"] for record in data["records"]]
    assert decided == sorted(decided, reverse=True)  # newest first within the category

    everything = APIClient().get("/api/v1/records/", {"uscc": subject.uscc, "page_size": 1000}).json()
    assert len(everything["results"]) == 120


def test_a_subject_on_a_list_more_than_100_times_pages_through_its_listings(at_noon):
    subject = make_subject()
    for _ in range(105):
        make_listing(subject=subject, credit_list="dishonest_judgment_debtor", entered_on=dt.date(2026, 1, 1))
    data = APIClient().get(f"/api/v1/subjects/{subject.uscc}/").json()
    assert len(data["listings"]) == 100 and data["listings_count"] == 105
    assert data["listings_next"].endswith(f"/api/v1/subjects/{subject.uscc}/listings/")
    pages = APIClient().get(f"/api/v1/subjects/{subject.uscc}/listings/", {"page_size": 1000}).json()
    assert len(pages["results"]) == 105 and {item["code"] for item in pages["results"]} == {"dishonest_judgment_debtor"}


def test_a_small_subject_has_no_paging_links(at_noon):
    subject = make_subject()
    make_record(subject=subject)
    data = APIClient().get(f"/api/v1/subjects/{subject.uscc}/").json()
    assert data["records_count"] == 1 and data["records_next"] is None and data["listings_next"] is None


def test_the_listings_of_an_unknown_subject_are_404(at_noon):
    assert APIClient().get("/api/v1/subjects/91350100M000100Y43/listings/").status_code == 404
