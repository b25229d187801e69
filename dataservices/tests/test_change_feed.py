"""The change feed: exactly once, in order, no gaps; expiries learnt lazily."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from dataservices.tests.helpers import NOON, make_subject, publish_listing, publish_record
from disclosure import feed, periods
from disclosure.models import DisclosureEvent, EndReason
from disclosure.services import record_correct, record_end_disclosure

pytestmark = pytest.mark.django_db


def poll_all(after=feed.START, limit=2, at=None):
    """Poll like an agency: follow next cursors until has_more is false."""
    items, position = [], after
    while True:
        page = feed.changes(after=position, limit=limit, at=at)
        items.extend(page.items)
        position = page.position
        if not page.has_more:
            return items, position


def test_polling_from_each_cursor_returns_every_event_once_in_order(at_noon):
    subject = make_subject()
    records = [publish_record(subject=subject, decided_on=dt.date(2026, 6, day)) for day in range(1, 8)]
    record_end_disclosure(record=records[2], reason=EndReason.REPAIRED)
    items, position = poll_all(limit=2)
    assert [i.event.pk for i in items] == list(
        DisclosureEvent.objects.order_by("txid", "pk").values_list("pk", flat=True)
    )
    assert [i.action for i in items][-1] == "ended" and items[-1].reason == "repaired"
    # Nothing new: the same cursor gives an empty page, and the same cursor back.
    again = feed.changes(after=position)
    assert again.items == [] and again.position == position and not again.has_more
    later = publish_record(subject=subject, decided_on=dt.date(2026, 6, 9))
    assert [i.record.pk for i in feed.changes(after=position).items] == [later.pk]


def test_an_expiry_reaches_the_first_poll_after_the_last_day_though_nothing_was_written():
    # General penalty decided 2025-11-20: disclosed through 2026-11-20.
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2025, 11, 20))
        items, position = poll_all()
        assert [(i.action, i.disclosed) for i in items] == [("disclosed", True)]
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        page = feed.changes(after=position)
        [expiry] = page.items
        assert (expiry.object_id, expiry.action, expiry.reason) == (record.pk, "ended", "expired")
        assert expiry.disclosed is False and expiry.record is None
        assert expiry.event.effective_on == dt.date(2026, 11, 21)
        # Idempotent: polling again and the cron command add nothing.
        call_command("materialise_disclosure_events", since="2026-11-19")
        assert feed.changes(after=page.position).items == []
        assert DisclosureEvent.objects.filter(reason="expired").count() == 1


def test_a_decision_dated_in_the_future_is_announced_on_its_day():
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2026, 11, 23))
        items, position = poll_all()
        assert items == []  # not public yet: not even its existence
    with time_machine.travel(NOON + dt.timedelta(days=3), tick=False):
        [item] = feed.changes(after=position).items
        assert (item.object_id, item.action, item.disclosed) == (record.pk, "disclosed", True)


def test_a_listing_leaves_the_feed_on_its_planned_exit_date():
    with time_machine.travel(NOON, tick=False):
        listing = publish_listing(entered_on=dt.date(2026, 1, 10), planned_exit_on=dt.date(2026, 11, 22))
        _, position = poll_all()
    with time_machine.travel(NOON + dt.timedelta(days=5), tick=False):
        [item] = feed.changes(after=position).items
        assert (item.kind, item.object_id, item.reason, item.disclosed) == ("listing", listing.pk, "expired", False)


def test_a_minor_record_never_disclosed_is_not_in_the_feed(at_noon):
    publish_record(severity="minor", decided_on=dt.date(2026, 11, 1))
    assert poll_all()[0] == []


def test_a_cursor_it_did_not_issue_is_refused():
    with pytest.raises(feed.InvalidCursor):
        feed.decode_cursor("not-a-cursor")
    assert feed.decode_cursor(feed.encode_cursor((12, 34))) == (12, 34)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_committed_late_is_served_after_earlier_cursors_not_skipped():
    """Two writers: A inserts first (lower id) but commits after B.

    An id-ordered feed read between B's and A's commits would hand out a
    cursor past A's id and never serve A. This feed holds B back until A
    has finished, then serves A and B, each once.
    """
    subject = make_subject()
    first = publish_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    second = publish_record(subject=subject, decided_on=dt.date(2026, 6, 2))
    start = feed.changes(after=feed.START, materialise=False).position
    a_inserted, a_may_commit = threading.Event(), threading.Event()
    errors = []

    def writer_a():
        try:
            with transaction.atomic():
                DisclosureEvent.objects.create(
                    record=first, subject=subject, action="updated", effective_on=periods.today(), note="A"
                )
                a_inserted.set()
                assert a_may_commit.wait(10)
        except Exception as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert a_inserted.wait(10)
    event_b = DisclosureEvent.objects.create(
        record=second, subject=subject, action="updated", effective_on=periods.today(), note="B"
    )
    # B is committed and visible, with a higher id than A's uncommitted row.
    visible_now = list(DisclosureEvent.objects.filter(pk__gt=0).values_list("note", flat=True))
    assert "B" in visible_now and "A" not in visible_now
    during = feed.changes(after=start, materialise=False)
    assert during.items == []  # held back: A might still commit behind B
    a_may_commit.set()
    thread.join(10)
    assert not errors
    after = feed.changes(after=during.position, materialise=False)
    assert [i.event.note for i in after.items] == ["A", "B"]
    event_a, served_b = (item.event for item in after.items)
    assert served_b.pk == event_b.pk
    assert event_a.pk < event_b.pk and event_a.txid < served_b.txid
    assert feed.changes(after=after.position, materialise=False).items == []


@pytest.mark.postgres
def test_events_carry_the_id_of_their_transaction(at_noon):
    record = publish_record()
    event = DisclosureEvent.objects.get(record=record)
    with connection.cursor() as cursor:
        cursor.execute("select pg_current_xact_id()::text::bigint")
        assert event.txid == cursor.fetchone()[0]


def test_a_correction_that_ends_disclosure_reaches_the_feed(at_noon):
    record = publish_record(decided_on=dt.date(2026, 6, 1))
    _, position = poll_all()
    # Lowered to minor after an objection: no longer disclosable at all.
    record_correct(record=record, changes={"severity": "minor"}, actor="staff", note="objection upheld")
    [item] = feed.changes(after=position).items
    assert (item.object_id, item.action, item.reason, item.disclosed) == (record.pk, "changed", "corrected", False)
    assert item.record is None
