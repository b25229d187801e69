"""The change feed for credit service agencies (DESIGN.md, "API").

Semantics, as promised to agencies (also in the API description):

* The feed is the `DisclosureEvent` log in commit order: ordered by
  (transaction id, event id). A cursor is an opaque encoding of the last
  position served; polling from it returns every later event exactly once,
  in order, with no gaps.
* Why not order by id or timestamp: on PostgreSQL ids are taken when a row is
  inserted, not when its transaction commits. A long import can insert id 10,
  a repair decision id 11 and commit first; a reader at that moment sees 11,
  stores cursor 11 and would never see 10. So every event carries the id of
  its transaction (`txid`, set by a trigger) and the feed serves only events
  of transactions older than the oldest one still running in the database
  (see _HORIZON_SQL): all of those have finished, so nothing can ever appear
  behind a served position. A long-running
  transaction therefore holds the feed back until it ends; it never
  reorders it. SQLite has a single writer: txid is 0 and ids are in commit
  order.
* Changes that happen by the calendar alone (a record's last day of
  disclosure passes, a decision or entry date in the future arrives, a
  listing reaches its planned exit date) write nothing on that day. They are
  materialised as events lazily and idempotently: at each poll and by
  `manage.py materialise_disclosure_events` (cron, just after midnight
  Beijing time). An agency therefore learns of an expiry on its first poll
  after the day it happens.
* Only events about something the public could see are served: an event is
  public when its record or listing was disclosed on the day before it took
  effect or on the day it took effect, decided by the one disclosure rule.
  Each served item says whether the record or listing is disclosed *now*
  and, if so, carries its current public content. A mirror that, for each
  item in order, upserts the content when `disclosed` is true and deletes the
  item otherwise holds exactly the disclosed data as of its last poll.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import DateField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from disclosure import periods
from disclosure.models import Category, DisclosureEvent, Listing, Record, disclosed_records_q, live_listings_q

Position = tuple[int, int]
START: Position = (0, 0)

PUBLIC_ACTIONS = {
    DisclosureEvent.Action.CREATED: "disclosed",
    DisclosureEvent.Action.DISCLOSED: "disclosed",
    DisclosureEvent.Action.UPDATED: "changed",
    DisclosureEvent.Action.ENDED: "ended",
}
EXPIRED = "expired"


class InvalidCursor(ValueError):
    """A cursor that this portal did not hand out."""


def encode_cursor(position: Position) -> str:
    raw = f"v1:{position[0]}:{position[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, txid, event_id = raw.split(":")
        if version != "v1":
            raise ValueError(version)
        position = (int(txid), int(event_id))
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidCursor("this cursor was not issued by the change feed") from None
    # Both parts are bigint in the database: a larger number was not issued here.
    if not (0 <= position[0] < 2**63 and 0 <= position[1] < 2**63):
        raise InvalidCursor("this cursor was not issued by the change feed")
    return position


@dataclass
class FeedItem:
    event: DisclosureEvent
    action: str
    reason: str
    record: Record | None
    listing: Listing | None
    # (source, source id): who a mirror must delete, even once the record or
    # listing is no longer disclosed and its content is served nowhere.
    source: str = ""
    source_id: str = ""

    @property
    def position(self) -> Position:
        return (self.event.txid, self.event.pk)

    @property
    def cursor(self) -> str:
        return encode_cursor(self.position)

    @property
    def kind(self) -> str:
        return "record" if self.event.record_id else "listing"

    @property
    def object_id(self) -> int:
        return self.event.record_id or self.event.listing_id

    @property
    def disclosed(self) -> bool:
        return self.record is not None or self.listing is not None


@dataclass
class FeedPage:
    items: list[FeedItem]
    position: Position
    has_more: bool

    @property
    def cursor(self) -> str:
        return encode_cursor(self.position)


# The oldest transaction id still running in this database, or the next id to
# be assigned when none is: every txid below it has finished (committed or
# rolled back). pg_snapshot_xmin(pg_current_snapshot()) would do, but counts
# transactions of every database in the cluster, so a long job elsewhere
# would stall the feed. backend_xid is 32 bits: it is widened with the epoch
# of the snapshot's xmax (the xid8 of the next transaction).
# On a hot standby (a read replica) pg_stat_activity does not show the
# primary's transactions, but the snapshot does: there the cluster-wide
# pg_snapshot_xmin is used.
_HORIZON_SQL = """(
    SELECT CASE WHEN pg_is_in_recovery() THEN pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ELSE coalesce(min(CASE WHEN b.x > s.xmax THEN b.x - 4294967296 ELSE b.x END), s.xmax) END
    FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax) s
    LEFT JOIN LATERAL (
        SELECT ((s.xmax >> 32) << 32) + a.backend_xid::text::bigint AS x
        FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
    ) b ON true
    GROUP BY s.xmax
)"""


def _finished(events: QuerySet[DisclosureEvent]) -> QuerySet[DisclosureEvent]:
    """Events of transactions that can no longer commit behind a cursor.

    The reader's own transaction is let through so that code running inside
    one transaction (tests, a management command) sees its own writes; the
    API reads outside any transaction, where that clause matches nothing.
    """
    if connection.vendor != "postgresql":
        return events
    own = RawSQL("coalesce(pg_current_xact_id_if_assigned()::text::bigint, -1)", [])
    return events.filter(Q(txid__lt=RawSQL(_HORIZON_SQL, [])) | Q(txid=own))


def _after(position: Position) -> Q:
    txid, event_id = position
    return Q(txid__gt=txid) | Q(txid=txid, pk__gt=event_id)


def _disclosed_pairs(
    model: type[Record] | type[Listing], wanted: dict[dt.date, set[int]]
) -> set[tuple[str, dt.date, int]]:
    """{(kind, day, pk)} of the wanted objects disclosed on each wanted day.

    One UNION ALL query per 100 days instead of one query per day: a page
    of old events spans many days.
    """
    kind = "record" if model is Record else "listing"
    days = sorted(wanted)
    found: set[tuple[str, dt.date, int]] = set()
    for start in range(0, len(days), 100):
        parts = [
            model.objects.disclosed_on(day)
            .filter(pk__in=sorted(wanted[day]))
            .annotate(on_day=Value(day, output_field=DateField()))
            .values_list("on_day", "pk")
            for day in days[start : start + 100]
        ]
        query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        found.update((kind, day, pk) for day, pk in query)
    return found


def _public(events: list[DisclosureEvent]) -> list[DisclosureEvent]:
    """The events about something the public could see (module docstring)."""
    wanted: dict[str, dict[dt.date, set[int]]] = {"record": {}, "listing": {}}
    for event in events:
        kind = "record" if event.record_id else "listing"
        object_id = event.record_id or event.listing_id
        for day in (event.effective_on - dt.timedelta(days=1), event.effective_on):
            wanted[kind].setdefault(day, set()).add(object_id)
    seen: set[tuple[str, dt.date, int]] = set()
    if wanted["record"]:
        seen |= _disclosed_pairs(Record, wanted["record"])
    if wanted["listing"]:
        seen |= _disclosed_pairs(Listing, wanted["listing"])
    public = []
    for event in events:
        kind = "record" if event.record_id else "listing"
        object_id = event.record_id or event.listing_id
        days = (event.effective_on - dt.timedelta(days=1), event.effective_on)
        if any((kind, day, object_id) in seen for day in days) or _was_disclosed_before_correction(event):
            public.append(event)
    return public


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _was_disclosed_before_correction(event: DisclosureEvent) -> bool:
    """A correction can make a disclosed record undisclosable (e.g. a severity
    lowered to minor): judge the previous version by the same rule, through
    Q.check(), so agencies learn that their copy must go."""
    if event.action != DisclosureEvent.Action.UPDATED or not event.before:
        return False
    before = event.before
    if event.listing_id:
        return _listing_was_live_before_change(event)
    try:
        if "publishable" in before:
            # Snapshots that carry the derived dates (disclosure.services).
            publishable = bool(before["publishable"])
            decided_on = _date(before["decided_on"])
            until = _date(before.get("disclosure_until"))
            ended_on = _date(before.get("ended_on"))
        else:
            # Content only (model_to_dict without non-editable fields):
            # derive the dates from the catalogue, as the record did.
            category = Category.objects.get(pk=before.get("category_id", before.get("category")))
            old = Record(
                category=category,
                severity=before.get("severity", ""),
                decided_on=_date(before["decided_on"]),
                valid_until=_date(before.get("valid_until")),
            )
            old.apply_catalogue()
            publishable, decided_on, until, ended_on = old.publishable, old.decided_on, old.disclosure_until, None
    except (KeyError, ValueError, TypeError, Category.DoesNotExist):
        return False
    day = event.effective_on - dt.timedelta(days=1)
    return disclosed_records_q(day).check(
        {
            "publishable": publishable,
            "decided_on": Value(decided_on, output_field=DateField()),
            "disclosure_until": Value(until, output_field=DateField()),
            "ended_on": Value(ended_on, output_field=DateField()),
        }
    )


def _listing_was_live_before_change(event: DisclosureEvent) -> bool:
    """The same for a listing: a changed planned exit or list maximum can take
    it off the list today, which agencies must learn."""
    before = event.before
    try:
        values = {
            "entered_on": _date(before["entered_on"]),
            "exited_on": _date(before.get("exited_on")),
            "disclosure_until": _date(before.get("disclosure_until")),
            "planned_exit_on": _date(before.get("planned_exit_on")),
        }
    except (KeyError, ValueError, TypeError):
        return False
    day = event.effective_on - dt.timedelta(days=1)
    return live_listings_q(day).check({k: Value(v, output_field=DateField()) for k, v in values.items()})


def changes(
    *,
    after: Position = START,
    limit: int = 100,
    subject_id: int | None = None,
    at: dt.date | None = None,
    materialise: bool = True,
) -> FeedPage:
    """Up to `limit` public events after `after`, in commit order.

    `position` of the page is where the next poll resumes: past the last
    event examined, including events that were not public.
    """
    day = at or periods.today()
    if materialise:
        materialise_calendar_events(today=day)
    events = _finished(DisclosureEvent.objects.all())
    if subject_id is not None:
        events = events.filter(subject_id=subject_id)
    events = events.select_related("subject").order_by("txid", "pk")
    position = after
    items: list[DisclosureEvent] = []
    has_more = False
    chunk = max(limit, 200)
    while not has_more:
        batch = list(events.filter(_after(position))[:chunk])
        public = {event.pk for event in _public(batch)}
        for event in batch:
            if len(items) == limit:
                has_more = True
                break
            position = (event.txid, event.pk)
            if event.pk in public:
                items.append(event)
        if len(batch) < chunk:
            break
    if not has_more and len(items) == limit:
        has_more = events.filter(_after(position)).exists()
    return FeedPage(items=_with_current_content(items, day), position=position, has_more=has_more)


def _with_current_content(events: list[DisclosureEvent], day: dt.date) -> list[FeedItem]:
    from disclosure import selectors

    record_ids = {e.record_id for e in events if e.record_id}
    listing_ids = {e.listing_id for e in events if e.listing_id}
    records = {r.pk: r for r in selectors.records_disclosed(at=day).filter(pk__in=record_ids)} if record_ids else {}
    listings = (
        {li.pk: li for li in selectors.listings_current(at=day).filter(pk__in=listing_ids)} if listing_ids else {}
    )
    identities = {
        ("record", pk): (source, source_id)
        for pk, source, source_id in Record.objects.filter(pk__in=record_ids).values_list("pk", "source", "source_id")
    } | {
        ("listing", pk): (source, source_id)
        for pk, source, source_id in Listing.objects.filter(pk__in=listing_ids).values_list("pk", "source", "source_id")
    }
    items = []
    for event in events:
        kind = "record" if event.record_id else "listing"
        source, source_id = identities.get((kind, event.record_id or event.listing_id), ("", ""))
        items.append(
            FeedItem(
                event=event,
                action=PUBLIC_ACTIONS.get(event.action, event.action),
                reason=event.reason,
                record=records.get(event.record_id) if event.record_id else None,
                listing=listings.get(event.listing_id) if event.listing_id else None,
                source=source,
                source_id=source_id,
            )
        )
    return items


def recent(*, subject_id: int, limit: int = 50, at: dt.date | None = None) -> list[FeedItem]:
    """A subject's latest public events, newest first (Atom feed, pages)."""
    day = at or periods.today()
    materialise_calendar_events(today=day)
    events = list(
        _finished(DisclosureEvent.objects.filter(subject_id=subject_id))
        .select_related("subject")
        .order_by("-txid", "-pk")[: limit * 4]
    )
    return _with_current_content(_public(events)[:limit], day)


def head() -> Position:
    """The position after the last finished event: where a new consumer that
    only wants future changes (an e-mail alert, a webhook) starts."""
    last = _finished(DisclosureEvent.objects.all()).order_by("-txid", "-pk").values_list("txid", "pk").first()
    return (last[0], last[1]) if last else START


# --- Calendar-driven changes --------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=periods.BEIJING)


def _materialise_day(day: dt.date) -> list[DisclosureEvent]:
    """Events for what changes at the start of `day` by the calendar alone."""
    yesterday = day - dt.timedelta(days=1)
    events: list[DisclosureEvent] = []
    # Last day of disclosure was yesterday: disclosed then, gone today.
    for record in Record.objects.disclosed_on(yesterday).filter(disclosure_until=yesterday).only("pk", "subject_id"):
        events.append(_calendar_event(record=record, action=DisclosureEvent.Action.ENDED, reason=EXPIRED, day=day))
    # Yesterday was a listing's last day on the list: its list's maximum
    # period ran out, or its planned exit (the first day off) is today.
    for listing in (
        Listing.objects.disclosed_on(yesterday)
        .filter(Q(disclosure_until=yesterday) | Q(planned_exit_on=day))
        .only("pk", "subject_id")
    ):
        events.append(_calendar_event(listing=listing, action=DisclosureEvent.Action.ENDED, reason=EXPIRED, day=day))
    # Decided or entered today but imported before today: nothing was
    # disclosed at import (the import's own event is not public), so the
    # start of disclosure needs an event of its own.
    before_today = _day_start(day)
    for record in (
        Record.objects.disclosed_on(day).filter(decided_on=day, created_at__lt=before_today).only("pk", "subject_id")
    ):
        events.append(_calendar_event(record=record, action=DisclosureEvent.Action.DISCLOSED, reason="", day=day))
    for listing in (
        Listing.objects.disclosed_on(day).filter(entered_on=day, created_at__lt=before_today).only("pk", "subject_id")
    ):
        events.append(_calendar_event(listing=listing, action=DisclosureEvent.Action.DISCLOSED, reason="", day=day))
    return events


def _calendar_event(
    *, action: str, reason: str, day: dt.date, record: Record | None = None, listing: Listing | None = None
) -> DisclosureEvent:
    item: Any = record or listing
    return DisclosureEvent(
        record=record,
        listing=listing,
        subject_id=item.subject_id,
        action=action,
        reason=reason,
        effective_on=day,
        actor=DisclosureEvent.MATERIALISED,
        note="materialised from the calendar",
    )


def materialise_calendar_events(*, today: dt.date | None = None, since: dt.date | None = None) -> int:
    """Write the events of calendar-driven changes for every day up to today.

    Idempotent: a watermark row (locked, so concurrent polls wait instead of
    scanning twice) records the last day done, and unique constraints on
    DisclosureEvent reject a second copy. The day before the watermark is
    scanned again to catch an import that committed just after midnight.
    Returns the number of events written.
    """
    from dataservices.models import FeedWatermark

    today = today or periods.today()
    written = 0
    # Fast path without a lock: every poll calls this, and all but the first
    # of a day have nothing to do.
    done = FeedWatermark.objects.filter(pk=1).values_list("materialised_through", flat=True).first()
    if since is None and done is not None and done >= today:
        return 0
    with transaction.atomic():
        FeedWatermark.objects.get_or_create(pk=1)
        watermark = FeedWatermark.objects.select_for_update().get(pk=1)
        if watermark.materialised_through is not None and watermark.materialised_through >= today and since is None:
            return 0
        if since is not None:
            start = since
        elif watermark.materialised_through is not None:
            start = watermark.materialised_through
        else:
            # First run: yesterday and today. Older expiries need no event: a
            # consumer reading the feed from the start sees each item's
            # current state (`disclosed`) with every event anyway.
            start = today - dt.timedelta(days=1)
        day = start
        while day <= today:
            events = _materialise_day(day)
            if events:
                done = DisclosureEvent.objects.filter(actor=DisclosureEvent.MATERIALISED, effective_on=day)
                before = done.count()
                DisclosureEvent.objects.bulk_create(events, ignore_conflicts=True)
                written += done.count() - before
            day += dt.timedelta(days=1)
        if watermark.materialised_through is None or watermark.materialised_through < today:
            watermark.materialised_through = today
            watermark.save(update_fields=["materialised_through"])
    return written
