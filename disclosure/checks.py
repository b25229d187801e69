"""Bulk status of unified social credit codes (procurement, public trading).

Shared by `POST /api/v1/checks/` and the `/check/` page. Reads through the
one disclosure rule (`disclosed_on`), like every public surface.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count

from disclosure import periods, selectors
from disclosure.models import Listing, Polarity, Record, Subject
from disclosure.search import InvalidCode, validate_uscc


class CheckStatus:
    INVALID = "invalid"
    UNKNOWN = "unknown"
    CLEAN = "clean"
    NEGATIVE = "negative"


@dataclass
class CodeCheck:
    input: str
    code: str | None
    status: str
    reason: str | None = None
    duplicate: bool = False
    subject: Subject | None = None
    negative_records: int | None = None
    categories: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)


def codes_check(*, codes: Sequence[str], at: dt.date | None = None) -> list[CodeCheck]:
    """One result per input code, in input order.

    Codes are normalised (spaces, full-width, case) before validation; a code
    repeated after normalisation is answered again and marked `duplicate`.
    `negative`: negative records disclosed on `at`, or on a negative list.
    The queries are per request, not per code: four whatever the count.
    """
    day = at or periods.today()
    results: list[CodeCheck] = []
    seen: set[str] = set()
    for raw in codes:
        try:
            code = validate_uscc(raw)
        except InvalidCode as exc:
            results.append(CodeCheck(input=raw, code=None, status=CheckStatus.INVALID, reason=str(exc)))
            continue
        results.append(CodeCheck(input=raw, code=code, status=CheckStatus.UNKNOWN, duplicate=code in seen))
        seen.add(code)
    subjects = {s.uscc: s for s in Subject.objects.filter(uscc__in=seen)}
    ids = [s.pk for s in subjects.values()]
    # Categories and lists from memory instead of joins: each query is then
    # one index-only scan (record_subject_category_idx, listing_subject_list_idx).
    cat = selectors.catalogue_current()
    negative = [category.pk for category in cat.categories if category.is_negative]
    negatives: dict[int, dict[str, int]] = defaultdict(dict)
    for subject_id, category_id, n in (
        Record.objects.disclosed_on(day)
        .filter(subject_id__in=ids, category_id__in=negative)
        .order_by()
        .values("subject_id", "category_id")
        .annotate(n=Count("pk"))
        .values_list("subject_id", "category_id", "n")
    ):
        negatives[subject_id][cat.category_by_id[category_id].code] = n
    lists: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for subject_id, list_id in (
        Listing.objects.disclosed_on(day)
        .filter(subject_id__in=ids)
        .order_by()
        .values_list("subject_id", "credit_list_id")
        .distinct()
    ):
        credit_list = cat.list_by_id[list_id]
        lists[subject_id].append((credit_list.code, credit_list.polarity))
    for on in lists.values():
        on.sort()
    for result in results:
        subject = subjects.get(result.code) if result.code else None
        if subject is None:
            continue
        by_category = negatives.get(subject.pk, {})
        on = lists.get(subject.pk, [])
        result.subject = subject
        result.negative_records = sum(by_category.values())
        result.categories = sorted(by_category)
        result.lists = [code for code, _ in on]
        negative_list = any(polarity == Polarity.NEGATIVE for _, polarity in on)
        result.status = CheckStatus.NEGATIVE if result.negative_records or negative_list else CheckStatus.CLEAN
    return results
