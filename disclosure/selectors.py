"""The one door to public data.

Every public surface (pages, search, API, exports, feeds, sitemap, reports,
bulk checks) reads through these functions, which apply the disclosure rule
of `disclosure.models` for a given Beijing date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from disclosure import periods
from disclosure.models import CreditList, Listing, Polarity, Record, Subject


def _day(at: dt.date | None) -> dt.date:
    return at if at is not None else periods.today()


def records_disclosed(*, at: dt.date | None = None) -> QuerySet[Record]:
    """Records disclosed on `at` (default: today in Asia/Shanghai)."""
    return Record.objects.disclosed_on(_day(at)).select_related("subject", "category", "authority")


def listings_current(*, at: dt.date | None = None) -> QuerySet[Listing]:
    """Listings whose subject is on the list on `at` (default: today)."""
    return Listing.objects.disclosed_on(_day(at)).select_related("subject", "credit_list", "authority")


def record_disclosed_get(*, pk: int, at: dt.date | None = None) -> Record | None:
    """The record if it is disclosed on `at`, else None (410 for the public)."""
    return records_disclosed(at=at).filter(pk=pk).first()


def subject_get(*, key: str) -> Subject | None:
    """A subject by its public key: USCC (any case) or opaque key."""
    key = key.strip()
    if len(key) == 18:
        return Subject.objects.filter(uscc=key.upper()).first()
    return Subject.objects.filter(public_key=key, uscc__isnull=True).first()


def subject_disclosure(*, subject: Subject, at: dt.date | None = None) -> Subject:
    """The subject with `disclosed_records` and `current_listings` prefetched."""
    day = _day(at)
    records = (
        Record.objects.disclosed_on(day)
        .select_related("category", "authority")
        .order_by("category__ordering", "-decided_on", "-id")
    )
    listings = Listing.objects.disclosed_on(day).select_related("credit_list", "authority").order_by("-entered_on")
    return (
        Subject.objects.filter(pk=subject.pk)
        .prefetch_related(
            Prefetch("records", queryset=records, to_attr="disclosed_records"),
            Prefetch("listings", queryset=listings, to_attr="current_listings"),
            "former_names",
        )
        .get()
    )


def subjects_with_disclosure_counts(subjects: QuerySet[Subject], *, at: dt.date | None = None) -> QuerySet[Subject]:
    """Annotate `negative_records` and `current_lists` counts for result lists."""
    day = _day(at)
    record_rule = Q(records__in=Record.objects.disclosed_on(day).filter(category__polarity=Polarity.NEGATIVE))
    listing_rule = Q(listings__in=Listing.objects.disclosed_on(day).filter(credit_list__polarity=Polarity.NEGATIVE))
    return subjects.annotate(
        negative_records=Count("records", filter=record_rule, distinct=True),
        current_lists=Count("listings", filter=listing_rule, distinct=True),
    )


def credit_lists() -> QuerySet[CreditList]:
    return CreditList.objects.all()
