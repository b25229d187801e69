"""Test helpers: published records and listings, as the import writes them."""

from __future__ import annotations

import datetime as dt

from disclosure.models import DisclosureEvent, Listing, Record
from disclosure.tests.factories import make_listing, make_record, make_subject, make_uscc  # noqa: F401

TODAY = dt.date(2026, 11, 20)
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def publish_record(*, effective_on: dt.date = TODAY, **fields) -> Record:
    """A record and its "created" event, in one go (like import_records)."""
    record = make_record(**fields)
    DisclosureEvent.objects.create(
        record=record,
        subject_id=record.subject_id,
        action=DisclosureEvent.Action.CREATED,
        effective_on=effective_on,
        actor="import",
    )
    return record


def publish_listing(*, effective_on: dt.date = TODAY, **fields) -> Listing:
    listing = make_listing(**fields)
    DisclosureEvent.objects.create(
        listing=listing,
        subject_id=listing.subject_id,
        action=DisclosureEvent.Action.CREATED,
        effective_on=effective_on,
        actor="import",
    )
    return listing
