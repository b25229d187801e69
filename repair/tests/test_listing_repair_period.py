"""A listing can be repaired only after its list's minimum period."""

from __future__ import annotations

import datetime as dt

import pytest

from disclosure.tests.factories import make_listing, make_subject
from repair.selectors import Repairability, subject_repair_check

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def state_of(listing) -> tuple[str, dt.date | None]:
    item = next(
        item
        for item in subject_repair_check(subject=listing.subject, at=TODAY, show_cases=True)
        if item.listing == listing
    )
    return item.state, item.repairable_from


def test_a_severe_dishonesty_listing_is_repairable_only_after_one_year_on_the_list():
    listing = make_listing(subject=make_subject(), credit_list="severe_dishonesty", entered_on=dt.date(2026, 3, 31))
    assert state_of(listing) == (Repairability.LATER, dt.date(2027, 4, 1))


def test_a_severe_dishonesty_listing_becomes_repairable_the_day_after_its_first_year():
    listing = make_listing(subject=make_subject(), credit_list="severe_dishonesty", entered_on=dt.date(2025, 11, 25))
    assert state_of(listing) == (Repairability.NOW, dt.date(2026, 11, 26))


def test_an_abnormal_operations_listing_is_repairable_as_soon_as_the_subject_corrects():
    listing = make_listing(subject=make_subject(), credit_list="abnormal_operation", entered_on=dt.date(2026, 11, 1))
    assert state_of(listing)[0] == Repairability.NOW


def test_a_dishonest_judgment_debtor_listing_is_not_repaired_through_the_portal():
    listing = make_listing(
        subject=make_subject(), credit_list="dishonest_judgment_debtor", entered_on=dt.date(2026, 1, 1)
    )
    assert state_of(listing) == (Repairability.NEVER, None)
