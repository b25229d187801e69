"""Lists have a maximum period, counted like a record's (DESIGN.md, "Lists")."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import feed, selectors, services
from disclosure.models import CreditList, Listing
from disclosure.tests.factories import make_listing

pytestmark = pytest.mark.django_db

D = dt.date


def on_list(listing: Listing, day: dt.date) -> bool:
    return Listing.objects.disclosed_on(day).filter(pk=listing.pk).exists()


def test_a_severe_dishonesty_entry_of_2020_without_an_exit_date_is_no_longer_listed():
    listing = make_listing(credit_list="severe_dishonesty", entered_on=D(2020, 5, 10))
    assert not on_list(listing, D(2026, 11, 20))
    assert listing not in selectors.list_entries(credit_list=listing.credit_list, at=D(2026, 11, 20))


def test_the_maximum_counts_from_the_entry_date_like_the_civil_code():
    listing = make_listing(credit_list="major_tax_violation", entered_on=D(2023, 8, 31))
    assert listing.disclosure_until == D(2026, 8, 31)
    assert on_list(listing, D(2026, 8, 31))
    assert not on_list(listing, D(2026, 9, 1))
    feb = make_listing(credit_list="severe_dishonesty", entered_on=D(2024, 2, 29))
    assert feb.disclosure_until == D(2027, 2, 28)


def test_every_default_list_has_a_maximum_and_its_legal_basis():
    for credit_list in CreditList.objects.all():
        assert credit_list.max_months >= 1 and credit_list.max_months_basis, credit_list.code
    assert CreditList.objects.get(code="severe_dishonesty").max_months == 36
    assert CreditList.objects.get(code="major_tax_violation").max_months == 36


def test_a_planned_exit_before_the_maximum_ends_the_listing_first():
    listing = make_listing(entered_on=D(2026, 1, 10), planned_exit_on=D(2027, 1, 10))
    assert listing.disclosure_until == D(2027, 1, 9)


def test_the_change_feed_announces_the_end_as_expired():
    listing = make_listing(credit_list="severe_dishonesty", entered_on=D(2023, 11, 20))  # last day 2026-11-20
    with time_machine.travel(dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC), tick=False):
        feed.materialise_calendar_events()
    with time_machine.travel(dt.datetime(2026, 11, 21, 4, 0, tzinfo=dt.UTC), tick=False):
        page = feed.changes(subject_id=listing.subject_id)
    assert [(i.kind, i.action, i.reason, i.disclosed) for i in page.items] == [("listing", "ended", "expired", False)]


def test_a_procurement_listing_leaves_with_its_ban_and_cannot_be_repaired_before():
    listing = make_listing(
        credit_list="procurement_violation", entered_on=D(2026, 1, 10), planned_exit_on=D(2027, 7, 10)
    )
    assert listing.disclosure_until == D(2027, 7, 9)
    assert listing.repairable_from is None
    assert CreditList.objects.get(code="procurement_violation").exit_at_ban_end


def test_changing_a_lists_maximum_needs_its_legal_basis():
    credit_list = CreditList.objects.get(code="severe_dishonesty")
    with pytest.raises(services.DisclosureError, match="legal basis"):
        services.credit_list_update_rules(credit_list=credit_list, actor="staff", max_months=24)
    with pytest.raises(services.DisclosureError, match="legal basis"):
        services.credit_list_update_rules(credit_list=credit_list, actor="staff", max_months=60, basis=" ")


def test_existing_listings_follow_a_new_maximum_with_an_event_each():
    old = make_listing(credit_list="severe_dishonesty", entered_on=D(2024, 6, 1))
    recent = make_listing(credit_list="severe_dishonesty", entered_on=D(2026, 6, 1))
    credit_list = old.credit_list
    with time_machine.travel(dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC), tick=False):
        updated = services.credit_list_update_rules(
            credit_list=credit_list, actor="staff", max_months=24, basis="某行政法规第十二条"
        )
    assert updated == 2
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.disclosure_until, recent.disclosure_until) == (D(2026, 6, 1), D(2028, 6, 1))
    assert CreditList.objects.get(pk=credit_list.pk).max_months_basis == "某行政法规第十二条"
    assert old.events.get().action == "updated"
    assert not on_list(old, D(2026, 11, 20))
