"""The one rule: which records and listings are disclosed on a given day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import selectors, services
from disclosure.models import Category, EndReason, ExitReason, Record
from disclosure.tests.factories import make_listing, make_record

pytestmark = pytest.mark.django_db

D = dt.date


def disclosed(record: Record, on: dt.date) -> bool:
    return selectors.records_disclosed(at=on).filter(pk=record.pk).exists()


def test_a_general_penalty_is_disclosed_through_the_last_day_of_its_one_year_maximum():
    record = make_record(severity="general", decided_on=D(2025, 3, 15))
    assert record.disclosure_until == D(2026, 3, 15)
    assert disclosed(record, D(2026, 3, 15))
    assert not disclosed(record, D(2026, 3, 16))


def test_a_serious_penalty_is_disclosed_through_the_last_day_of_its_three_year_maximum():
    record = make_record(severity="serious", decided_on=D(2024, 7, 31))
    assert record.disclosure_until == D(2027, 7, 31)
    assert disclosed(record, D(2027, 7, 31))
    assert not disclosed(record, D(2027, 8, 1))


def test_a_six_month_period_decided_on_31_august_is_gone_on_1_march():
    penalties = Category.objects.get(code="admin_penalty")
    services.category_update_rules(category=penalties, general_max_months=6)
    record = make_record(severity="general", decided_on=D(2025, 8, 31))
    assert disclosed(record, D(2026, 2, 28))
    assert not disclosed(record, D(2026, 3, 1))


def test_a_serious_penalty_decided_on_29_february_ends_on_28_february():
    record = make_record(severity="serious", decided_on=D(2024, 2, 29))
    assert record.disclosure_until == D(2027, 2, 28)
    assert disclosed(record, D(2027, 2, 28))
    assert not disclosed(record, D(2027, 3, 1))


def test_repair_becomes_possible_the_day_after_the_minimum_period():
    general = make_record(severity="general", decided_on=D(2025, 8, 31))
    serious = make_record(severity="serious", decided_on=D(2024, 2, 29))
    assert general.repairable_from == D(2025, 12, 1)
    assert serious.repairable_from == D(2025, 3, 1)


def test_a_minor_penalty_is_not_disclosed_by_default():
    record = make_record(severity="minor", decided_on=D(2026, 6, 1))
    assert not disclosed(record, D(2026, 6, 2))


def test_a_minor_penalty_is_disclosed_for_at_most_three_months_where_the_category_says_so():
    penalties = Category.objects.get(code="admin_penalty")
    services.category_update_rules(category=penalties, minor_disclosed=True)
    record = make_record(severity="minor", decided_on=D(2026, 6, 1))
    assert disclosed(record, D(2026, 9, 1))
    assert not disclosed(record, D(2026, 9, 2))
    assert record.repairable_from == D(2026, 6, 1)


def test_a_decision_dated_in_the_future_is_not_disclosed_yet():
    record = make_record(severity="serious", decided_on=D(2026, 12, 1))
    assert not disclosed(record, D(2026, 11, 30))
    assert disclosed(record, D(2026, 12, 1))


@pytest.mark.parametrize("reason", EndReason.values)
def test_a_record_ended_early_is_not_disclosed_from_that_day(reason):
    record = make_record(severity="serious", decided_on=D(2025, 1, 10))
    services.record_end_disclosure(record=record, reason=reason, on=D(2026, 5, 20), actor="staff")
    assert disclosed(record, D(2026, 5, 19))
    assert not disclosed(record, D(2026, 5, 20))
    assert not disclosed(record, D(2026, 5, 21))


def test_ending_a_record_keeps_its_content_and_writes_one_event():
    record = make_record(severity="serious", decided_on=D(2025, 1, 10), summary="超标排放大气污染物")
    services.record_end_disclosure(record=record, reason="repaired", on=D(2026, 5, 20), actor="reviewer")
    services.record_end_disclosure(record=record, reason="repaired", on=D(2026, 5, 20), actor="reviewer")
    record.refresh_from_db()
    assert record.summary == "超标排放大气污染物"
    assert record.end_reason == "repaired"
    events = list(record.events.all())
    assert [(e.action, e.reason, e.actor) for e in events] == [("ended", "repaired", "reviewer")]
    assert events[0].before["ended_on"] is None


def test_the_default_day_is_today_in_beijing_even_at_23_30_utc():
    record = make_record(severity="general", decided_on=D(2025, 3, 1))
    assert record.disclosure_until == D(2026, 3, 1)
    # 2026-03-01 23:30 UTC is already 2 March in Beijing: the record is gone.
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        assert not selectors.records_disclosed().filter(pk=record.pk).exists()
    with time_machine.travel(dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC), tick=False):
        assert selectors.records_disclosed().filter(pk=record.pk).exists()


def test_a_licence_is_disclosed_while_valid_and_is_not_repairable():
    licence = make_record(category="admin_license", severity="", decided_on=D(2024, 1, 1), valid_until=D(2026, 12, 31))
    assert licence.repairable_from is None
    assert disclosed(licence, D(2026, 12, 31))
    assert not disclosed(licence, D(2027, 1, 1))


def test_a_category_excluded_from_repair_has_no_repairable_date():
    record = make_record(category="illegal_fundraising", severity="serious", decided_on=D(2025, 1, 1))
    assert record.repairable_from is None
    assert disclosed(record, D(2026, 6, 1))


def test_existing_records_follow_when_staff_change_a_categorys_periods():
    record = make_record(severity="general", decided_on=D(2025, 10, 1))
    assert disclosed(record, D(2026, 6, 1))
    penalties = Category.objects.get(code="admin_penalty")
    updated = services.category_update_rules(
        category=penalties,
        general_min_months=1,
        general_max_months=6,
        periods_legal_basis="某条例第十条：一般失信信息公示期为6个月",
        actor="admin",
    )
    record.refresh_from_db()
    assert updated == 1
    assert record.disclosure_until == D(2026, 4, 1)
    assert record.repairable_from == D(2025, 11, 2)
    assert not disclosed(record, D(2026, 6, 1))
    event = record.events.get()
    assert event.action == "updated"
    assert event.before["disclosure_until"] == "2026-10-01"


def test_a_category_cannot_disclose_minor_dishonesty_for_more_than_three_months():
    penalties = Category.objects.get(code="admin_penalty")
    with pytest.raises(services.DisclosureError, match="minor"):
        services.category_update_rules(category=penalties, minor_max_months=6)


def test_a_listing_is_current_from_entry_until_the_day_it_exits():
    listing = make_listing(entered_on=D(2026, 1, 10))
    services.listing_exit(listing=listing, reason=ExitReason.REPAIRED, on=D(2026, 6, 1), actor="staff")
    current = selectors.listings_current
    assert not current(at=D(2026, 1, 9)).filter(pk=listing.pk).exists()
    assert current(at=D(2026, 1, 10)).filter(pk=listing.pk).exists()
    assert current(at=D(2026, 5, 31)).filter(pk=listing.pk).exists()
    assert not current(at=D(2026, 6, 1)).filter(pk=listing.pk).exists()
    assert listing.events.get().reason == "repaired"


def test_a_listing_leaves_the_list_on_its_planned_exit_date():
    listing = make_listing(entered_on=D(2025, 1, 10), planned_exit_on=D(2026, 1, 10))
    assert selectors.listings_current(at=D(2026, 1, 9)).filter(pk=listing.pk).exists()
    assert not selectors.listings_current(at=D(2026, 1, 10)).filter(pk=listing.pk).exists()


def test_a_listing_cannot_exit_before_it_was_entered():
    listing = make_listing(entered_on=D(2026, 1, 10))
    with pytest.raises(services.DisclosureError):
        services.listing_exit(listing=listing, reason="expired", on=D(2026, 1, 9))
