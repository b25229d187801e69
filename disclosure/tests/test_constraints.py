"""The database itself refuses inconsistent data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from disclosure.models import Listing, Record
from disclosure.tests.factories import make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db


def test_two_subjects_cannot_share_a_unified_social_credit_code():
    subject = make_subject()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subject(name="另一家公司", uscc=subject.uscc)


def test_an_enterprise_without_a_code_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subject(uscc=None)


def test_a_source_cannot_deliver_the_same_source_id_twice():
    make_record(source="fuqing", source_id="A-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_record(source="fuqing", source_id="A-1")
    make_record(source="fuzhou", source_id="A-1")
    assert Record.objects.filter(source_id="A-1").count() == 2


def test_a_severity_outside_the_three_values_is_refused():
    record = make_record()
    with pytest.raises(IntegrityError), transaction.atomic():
        Record.objects.filter(pk=record.pk).update(severity="awful")


def test_a_listing_cannot_exit_before_its_entry_in_the_database():
    listing = make_listing(entered_on=dt.date(2026, 1, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=listing.pk).update(exited_on=dt.date(2026, 1, 9), exit_reason="expired")


def test_an_end_date_without_a_reason_is_refused():
    record = make_record()
    with pytest.raises(IntegrityError), transaction.atomic():
        Record.objects.filter(pk=record.pk).update(ended_on=dt.date(2026, 7, 1))
