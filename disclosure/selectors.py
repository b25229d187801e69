"""The one door to public data.

Every public surface (pages, search, API, exports, feeds, sitemap, reports,
bulk checks) reads through these functions, which apply the disclosure rule
of `disclosure.models` for a given Beijing date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from disclosure import periods, search
from disclosure.models import Category, CreditList, Listing, Polarity, Record, Subject, SubjectType


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


# --- Public portal: search, subject pages, lists, sitemap ---------------------


def _region_prefix(code: str) -> str:
    """'350000' -> '35', '350100' -> '3501', '350181' -> '350181'."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _has_disclosure(day: dt.date) -> Q:
    """Subjects with a record disclosed or a listing current on `day`."""
    return Q(
        Exists(Record.objects.disclosed_on(day).filter(subject=OuterRef("pk")))
        | Exists(Listing.objects.disclosed_on(day).filter(subject=OuterRef("pk")))
    )


def subjects_public(*, at: dt.date | None = None) -> QuerySet[Subject]:
    """Subjects the public may look up: everybody registered, except natural
    persons with nothing disclosed (a person's mere presence in the database
    is not public information)."""
    day = _day(at)
    return Subject.objects.filter(~Q(subject_type=SubjectType.NATURAL_PERSON) | _has_disclosure(day))


def subjects_search(
    *, query: str, filters: Mapping[str, Any] | None = None, at: dt.date | None = None
) -> QuerySet[Subject]:
    """Subjects matching a name fragment (or code prefix), ranked best first.

    The method lives in `disclosure.search.subjects_matching`. Filters (all
    optional): `subject_type`; `region` (a 6-digit code: a province or city
    code matches everything under it); `category` (a catalogue code: has a
    record of it disclosed on `at`); `list` (a list code, or "any": is on it).
    """
    day = _day(at)
    filters = filters or {}
    subjects = search.subjects_matching(query)
    subjects = subjects.filter(~Q(subject_type=SubjectType.NATURAL_PERSON) | _has_disclosure(day))
    if filters.get("subject_type"):
        subjects = subjects.filter(subject_type=filters["subject_type"])
    if filters.get("region"):
        subjects = subjects.filter(region_code__startswith=_region_prefix(filters["region"]))
    if filters.get("category"):
        disclosed = Record.objects.disclosed_on(day).filter(subject=OuterRef("pk"), category__code=filters["category"])
        subjects = subjects.filter(Exists(disclosed))
    if filters.get("list"):
        current = Listing.objects.disclosed_on(day).filter(subject=OuterRef("pk"))
        if filters["list"] != "any":
            current = current.filter(credit_list__code=filters["list"])
        subjects = subjects.filter(Exists(current))
    return subjects


def subjects_summarize(subjects: Sequence[Subject], *, at: dt.date | None = None) -> list[Subject]:
    """Set `negative_records`, `positive_records`, `current_lists` (dishonesty
    lists) and `honour_lists` on each subject of a result page, in two
    queries whatever the page size."""
    day = _day(at)
    ids = [subject.pk for subject in subjects]
    by_polarity: dict[tuple[int, str], int] = {
        (row["subject_id"], row["category__polarity"]): row["n"]
        for row in Record.objects.disclosed_on(day)
        .filter(subject_id__in=ids)
        .values("subject_id", "category__polarity")
        .annotate(n=Count("id"))
    }
    lists: dict[tuple[int, str], int] = {
        (row["subject_id"], row["credit_list__polarity"]): row["n"]
        for row in Listing.objects.disclosed_on(day)
        .filter(subject_id__in=ids)
        .values("subject_id", "credit_list__polarity")
        .annotate(n=Count("credit_list", distinct=True))
    }
    for subject in subjects:
        subject.negative_records = by_polarity.get((subject.pk, Polarity.NEGATIVE), 0)
        subject.positive_records = by_polarity.get((subject.pk, Polarity.POSITIVE), 0)
        subject.current_lists = lists.get((subject.pk, Polarity.NEGATIVE), 0)
        subject.honour_lists = lists.get((subject.pk, Polarity.POSITIVE), 0)
    return list(subjects)


def subject_public_get(*, key: str, at: dt.date | None = None) -> Subject | None:
    """`subject_get` limited to subjects the public may look up."""
    subject = subject_get(key=key)
    if subject is None or not subjects_public(at=at).filter(pk=subject.pk).exists():
        return None
    return subject


def record_get(*, pk: int) -> Record | None:
    """Any record by id, disclosed or not: only to tell 410 from 404."""
    return Record.objects.filter(pk=pk).only("pk").first()


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def credit_lists_with_counts(*, at: dt.date | None = None) -> QuerySet[CreditList]:
    """Every list with `entries`: its number of current listings."""
    current = Listing.objects.disclosed_on(_day(at)).filter(credit_list=OuterRef("pk"))
    counted = current.order_by().values("credit_list").annotate(n=Count("pk")).values("n")
    return CreditList.objects.annotate(entries=Coalesce(Subquery(counted), 0))


def credit_list_get(*, code: str) -> CreditList | None:
    return CreditList.objects.filter(code=code).first()


def list_entries(*, credit_list: CreditList, region: str = "", at: dt.date | None = None) -> QuerySet[Listing]:
    """Current entries of a list, newest first, optionally under a region."""
    entries = listings_current(at=at).filter(credit_list=credit_list)
    if region:
        entries = entries.filter(subject__region_code__startswith=_region_prefix(region))
    return entries.order_by("-entered_on", "-pk")


def sitemap_subjects(*, at: dt.date | None = None) -> QuerySet[Subject]:
    """Subjects with something disclosed now, for the sitemap. Natural
    persons are left out: their pages are public but not advertised."""
    day = _day(at)
    return (
        Subject.objects.filter(_has_disclosure(day))
        .exclude(subject_type=SubjectType.NATURAL_PERSON)
        .only("pk", "uscc", "public_key", "updated_at")
        .order_by("pk")
    )


def sitemap_records(*, at: dt.date | None = None) -> QuerySet[Record]:
    """Records disclosed now, for the sitemap (natural persons left out)."""
    return (
        Record.objects.disclosed_on(_day(at))
        .exclude(subject__subject_type=SubjectType.NATURAL_PERSON)
        .only("pk", "updated_at")
        .order_by("pk")
    )
