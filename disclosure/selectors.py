"""The one door to public data.

Every public surface (pages, search, API, exports, feeds, sitemap, reports,
bulk checks) reads through these functions, which apply the disclosure rule
of `disclosure.models` for a given Beijing date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from disclosure import periods, search
from disclosure.models import (
    CacheGeneration,
    Category,
    CreditList,
    DisclosureEvent,
    Listing,
    Polarity,
    Record,
    Section,
    Subject,
    SubjectFormerName,
    SubjectType,
)


def _day(at: dt.date | None) -> dt.date:
    return at if at is not None else periods.today()


def _shown_with_others(day: dt.date) -> Q:
    """Leaves out a natural person's repair commitment while nothing else is
    disclosed about them: a commitment never makes a person public by itself
    (DESIGN.md, natural persons). Anyone else's is shown in its period."""
    others = Q(
        Exists(Record.objects.disclosed_on(day).filter(subject=OuterRef("subject"), is_repair_commitment=False))
        | Exists(Listing.objects.disclosed_on(day).filter(subject=OuterRef("subject")))
    )
    return ~Q(is_repair_commitment=True, subject__subject_type=SubjectType.NATURAL_PERSON) | others


def records_disclosed(*, at: dt.date | None = None) -> QuerySet[Record]:
    """Records disclosed on `at` (default: today in Asia/Shanghai)."""
    day = _day(at)
    return (
        Record.objects.disclosed_on(day)
        .filter(_shown_with_others(day))
        .select_related("subject", "category", "authority")
    )


def listings_current(*, at: dt.date | None = None) -> QuerySet[Listing]:
    """Listings whose subject is on the list on `at` (default: today)."""
    return Listing.objects.disclosed_on(_day(at)).select_related("subject", "credit_list", "authority")


def record_disclosed_get(*, pk: int, at: dt.date | None = None) -> Record | None:
    """The record if it is disclosed on `at`, else None (410 or 404)."""
    return records_disclosed(at=at).filter(pk=pk).first()


def record_was_disclosed(*, pk: int, at: dt.date | None = None) -> bool:
    """Whether the record was ever disclosed up to `at`: 410 for those, 404
    for the others (future, minor), so that nothing confirms they exist.

    If it was disclosed on any day, it was on its decision day: every other
    condition of the rule only gets harder to meet as days pass.
    """
    decided_on = Record.objects.filter(pk=pk).values_list("decided_on", flat=True).first()
    if decided_on is None or decided_on > _day(at):
        return False
    return Record.objects.disclosed_on(decided_on).filter(pk=pk).exists()


def _with_version(subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """Annotate what the key of a cached page of the subject is made of
    (disclosure.pagecache), in the same query as the subject itself.

    `events_count` and `events_last` change with every DisclosureEvent of the
    subject, whoever wrote it (services, importer, calendar): the count
    because an event committed late can carry a lower id than the last one;
    `catalogue_generation` with every change of the catalogue, lists or
    authorities; `updated_at` with the subject's own fields and former names.
    """
    events = DisclosureEvent.objects.filter(subject=OuterRef("pk")).order_by().values("subject")
    return subjects.annotate(
        events_count=Coalesce(Subquery(events.annotate(n=Count("pk")).values("n")), 0),
        events_last=Coalesce(Subquery(events.annotate(last=Max("pk")).values("last")), 0),
        catalogue_generation=Subquery(CacheGeneration.objects.filter(name=CacheGeneration.CATALOGUE).values("value")),
        has_former_names=Exists(SubjectFormerName.objects.filter(subject=OuterRef("pk"))),
    )


_KEY_PLACEHOLDER = "\x00subject-key\x00"


@functools.cache
def _subject_sql(field_name: str, vendor: str) -> tuple[str, tuple[Any, ...], int]:
    """The SQL of `_with_version` for a lookup by `field_name`, built once
    per process: compiling this queryset costs more than running it (about
    2 ms against 0.1 ms), and a subject lookup starts every subject page."""
    lookup = {field_name: _KEY_PLACEHOLDER}
    if field_name == "public_key":
        lookup["uscc__isnull"] = True
    sql, params = _with_version(Subject.objects.filter(**lookup)).query.sql_with_params()
    return sql, tuple(params), params.index(_KEY_PLACEHOLDER)


def subject_get(*, key: str) -> Subject | None:
    """A subject by its public key: USCC (any case) or opaque key, with the
    version annotations of `_with_version` (one query)."""
    key = key.strip()
    field_name, value = ("uscc", key.upper()) if len(key) == 18 else ("public_key", key)
    sql, params, at = _subject_sql(field_name, connection.vendor)
    found = list(Subject.objects.raw(sql, (*params[:at], value, *params[at + 1 :])))
    return found[0] if found else None


def subject_disclosure(*, subject: Subject, at: dt.date | None = None) -> Subject:
    """The subject with `disclosed_records` and `current_listings` prefetched."""
    day = _day(at)
    records = (
        Record.objects.disclosed_on(day)
        .filter(_shown_with_others(day))
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
    """Subjects with a record disclosed or a listing current on `day`; a
    repair commitment does not count (it never makes a subject public)."""
    return Q(
        Exists(Record.objects.disclosed_on(day).filter(subject=OuterRef("pk"), is_repair_commitment=False))
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
    """`subject_get` limited to subjects the public may look up (one query
    for everybody but natural persons, who need a second)."""
    subject = subject_get(key=key)
    if subject is None:
        return None
    if subject.subject_type == SubjectType.NATURAL_PERSON and not subjects_public(at=at).filter(pk=subject.pk).exists():
        return None
    return subject


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


# --- Subject pages and the API subject detail: bounded whatever the subject ---


@dataclass(frozen=True)
class Catalogue:
    """The catalogue categories and credit lists, in page order."""

    generation: int | None
    categories: tuple[Category, ...]
    lists: tuple[CreditList, ...]
    category_by_id: dict[int, Category] = field(default_factory=dict)
    list_by_id: dict[int, CreditList] = field(default_factory=dict)
    category_by_code: dict[str, Category] = field(default_factory=dict)
    list_by_code: dict[str, CreditList] = field(default_factory=dict)


_catalogue: Catalogue | None = None


def catalogue(*, generation: int | None) -> Catalogue:
    """The catalogue and lists, kept in this process while the database's
    catalogue generation (read with the subject, `_with_version`) is the one
    they were read at. Every change to a category or list raises it in its
    own transaction (disclosure.pagecache), so that each process reloads on
    its next request. Nothing is kept without a generation (no counter row)
    or inside a transaction (its generation may still be rolled back and
    handed out again)."""
    global _catalogue
    if generation is not None and _catalogue is not None and _catalogue.generation == generation:
        return _catalogue
    categories = tuple(Category.objects.all())
    lists = tuple(CreditList.objects.all())
    loaded = Catalogue(
        generation=generation,
        categories=categories,
        lists=lists,
        category_by_id={c.pk: c for c in categories},
        list_by_id={c.pk: c for c in lists},
        category_by_code={c.code: c for c in categories},
        list_by_code={c.code: c for c in lists},
    )
    if generation is not None and not connection.in_atomic_block:
        _catalogue = loaded
    return loaded


def catalogue_current() -> Catalogue:
    """`catalogue` at the database's current generation (one small query)."""
    generation = CacheGeneration.objects.filter(name=CacheGeneration.CATALOGUE).values_list("value", flat=True)
    return catalogue(generation=generation.first())


def list_section(credit_list: CreditList) -> str:
    """Honour lists (e.g. A-level taxpayers) are incentives, the others punishment."""
    return Section.HONOUR if credit_list.polarity == Polarity.POSITIVE else Section.DISHONESTY


@dataclass(frozen=True)
class DisclosureCounts:
    """What is disclosed about one subject on a day, counted per category and list."""

    records: dict[int, int]
    listings: dict[int, int]

    @property
    def empty(self) -> bool:
        return not self.records and not self.listings


def subject_disclosure_counts(*, subject: Subject, at: dt.date | None = None) -> DisclosureCounts:
    """Disclosed records per category and current listings per list, in one
    query (index-only on PostgreSQL: record_subject_category_idx and
    listing_subject_list_idx include the columns of the rule)."""
    day = _day(at)
    records = (
        Record.objects.disclosed_on(day)
        .filter(subject=subject)
        .order_by()
        .values("category_id")
        .annotate(kind=Value("r"), n=Count("pk"))
        .values_list("kind", "category_id", "n")
    )
    listings = (
        Listing.objects.disclosed_on(day)
        .filter(subject=subject)
        .order_by()
        .values("credit_list_id")
        .annotate(kind=Value("l"), n=Count("pk"))
        .values_list("kind", "credit_list_id", "n")
    )
    counts: dict[str, dict[int, int]] = {"r": {}, "l": {}}
    for kind, pk, n in records.union(listings, all=True):
        counts[kind][pk] = n
    return DisclosureCounts(records=counts["r"], listings=counts["l"])


def _first_of_each(querysets: list[QuerySet], limit: int) -> list:
    """The first `limit` rows of each queryset: one UNION ALL where the
    database allows LIMIT inside it (PostgreSQL), else one query each."""
    if not querysets:
        return []
    if len(querysets) > 1 and connection.features.supports_slicing_ordering_in_compound:
        first, *rest = (qs[:limit] for qs in querysets)
        return list(first.union(*rest, all=True))
    return [row for qs in querysets for row in qs[:limit]]


def _subject_records(subject: Subject, day: dt.date) -> QuerySet[Record]:
    # The order of record_subject_category_idx: a LIMIT reads only its rows.
    return (
        Record.objects.disclosed_on(day)
        .filter(subject=subject)
        .select_related("authority")
        .order_by("category_id", "-decided_on", "-id")
    )


def _subject_listings(subject: Subject, day: dt.date) -> QuerySet[Listing]:
    return (
        Listing.objects.disclosed_on(day)
        .filter(subject=subject)
        .select_related("authority")
        .order_by("credit_list_id", "-entered_on", "-id")
    )


def _attach(items: Iterable[Any], cat: Catalogue, subject: Subject) -> None:
    """Set category/list and subject from memory instead of joining them."""
    for item in items:
        item.subject = subject
        if isinstance(item, Record):
            item.category = cat.category_by_id[item.category_id]
        else:
            item.credit_list = cat.list_by_id[item.credit_list_id]


def subject_records_first(
    *, subject: Subject, cat: Catalogue, counts: DisclosureCounts, limit: int, at: dt.date | None = None
) -> tuple[dict[int, list[Record]], dict[int, list[Listing]]]:
    """The newest `limit` disclosed records of each category and current
    listings of each list of a subject: a bounded preview (two queries at
    most), keyed by category and list id."""
    day = _day(at)
    base = _subject_records(subject, day)
    records = _first_of_each([base.filter(category_id=pk) for pk in sorted(counts.records)], limit)
    base_listings = _subject_listings(subject, day)
    listings = _first_of_each([base_listings.filter(credit_list_id=pk) for pk in sorted(counts.listings)], limit)
    _attach(records, cat, subject)
    _attach(listings, cat, subject)
    by_category: dict[int, list[Record]] = {}
    for record in records:
        by_category.setdefault(record.category_id, []).append(record)
    by_list: dict[int, list[Listing]] = {}
    for listing in listings:
        by_list.setdefault(listing.credit_list_id, []).append(listing)
    for items in by_category.values():
        items.sort(key=lambda r: (r.decided_on, r.pk), reverse=True)
    for items in by_list.values():
        items.sort(key=lambda li: (li.entered_on, li.pk), reverse=True)
    return by_category, by_list


def subject_records_page(
    *, subject: Subject, cat: Catalogue, category: Category, offset: int, limit: int, at: dt.date | None = None
) -> list[Record]:
    """One page of a subject's disclosed records of a category, newest first."""
    records = list(_subject_records(subject, _day(at)).filter(category=category)[offset : offset + limit])
    _attach(records, cat, subject)
    return records


def subject_listings_page(
    *, subject: Subject, cat: Catalogue, credit_list: CreditList, offset: int, limit: int, at: dt.date | None = None
) -> list[Listing]:
    """One page of a subject's current listings on a list, newest first."""
    listings = list(_subject_listings(subject, _day(at)).filter(credit_list=credit_list)[offset : offset + limit])
    _attach(listings, cat, subject)
    return listings


def subject_records_all_first(
    *, subject: Subject, cat: Catalogue, limit: int, at: dt.date | None = None
) -> list[Record]:
    """The first `limit` disclosed records of a subject in index order
    (category, newest first): the bounded `records` of the API detail."""
    records = list(_subject_records(subject, _day(at))[:limit])
    _attach(records, cat, subject)
    return records


def subject_listings_all_first(
    *, subject: Subject, cat: Catalogue, limit: int, at: dt.date | None = None
) -> list[Listing]:
    listings = list(_subject_listings(subject, _day(at))[:limit])
    _attach(listings, cat, subject)
    return listings


def subject_former_names(*, subject: Subject) -> list[str]:
    if not getattr(subject, "has_former_names", True):
        return []
    return list(subject.former_names.order_by("replaced_at", "pk").values_list("name", flat=True))


def subject_detail(*, subject: Subject, limit: int, at: dt.date | None = None) -> Subject:
    """The subject with what the API detail carries, bounded: its first
    `limit` disclosed records (by category, newest first) and current
    listings, their totals (`records_count`, `listings_count`) and the
    summary counts of a search result. Three queries at most."""
    day = _day(at)
    cat = catalogue(generation=subject.catalogue_generation)
    counts = subject_disclosure_counts(subject=subject, at=day)
    subject.records_count = sum(counts.records.values())
    subject.listings_count = sum(counts.listings.values())
    subject.disclosed_records = (
        subject_records_all_first(subject=subject, cat=cat, limit=limit, at=day) if counts.records else []
    )
    subject.current_listings = (
        subject_listings_all_first(subject=subject, cat=cat, limit=limit, at=day) if counts.listings else []
    )
    subject.negative_records = sum(n for pk, n in counts.records.items() if cat.category_by_id[pk].is_negative)
    subject.positive_records = subject.records_count - subject.negative_records
    subject.current_lists = sum(1 for pk in counts.listings if cat.list_by_id[pk].is_negative)
    subject.honour_lists = len(counts.listings) - subject.current_lists
    return subject
