"""Issuing credit reports: a snapshot of what is disclosed, numbered and signed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from disclosure import periods, regions, selectors
from disclosure.catalogue import NOT_DISHONESTY_LISTS
from disclosure.models import Polarity, Subject, SubjectType
from reports import signing
from reports.models import SCOPES, CreditReport, DecisionDocument, IssuedFile, Purpose, Scope

# Unambiguous characters for codes read off paper and typed in again.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _code(length: int) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` years earlier (29 February → 28)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def report_content(*, subject: Subject, at: dt.date, purpose: str = Purpose.GENERAL) -> dict[str, Any]:
    """What a report on `subject` states for day `at`, through the one rule,
    narrowed to what its purpose needs (`reports.models.SCOPES`)."""
    scope = SCOPES[purpose]
    since = _years_before(at, scope.years) + dt.timedelta(days=1) if scope.years else None
    subject = selectors.subject_disclosure(subject=subject, at=at)
    negative, positive = [], []
    for record in subject.disclosed_records:
        negative_record = record.category.polarity == Polarity.NEGATIVE
        if scope.categories is not None and record.category.code not in scope.categories:
            continue
        if negative_record and since and record.decided_on < since:
            continue
        if not negative_record and not scope.positive:
            continue
        item = {
            "id": record.pk,
            "category": record.category.code,
            "category_name": record.category.name,
            "category_name_en": record.category.name_en,
            "severity": record.severity,
            "document_no": record.document_no,
            "decided_on": record.decided_on.isoformat(),
            "authority": record.authority.name,
            "summary": record.summary,
            "disclosure_until": record.disclosure_until.isoformat() if record.disclosure_until else None,
        }
        (negative if negative_record else positive).append(item)
    listings = [
        {
            "list": listing.credit_list.code,
            "list_name": listing.credit_list.name,
            "list_name_en": listing.credit_list.name_en,
            "negative": listing.credit_list.polarity == Polarity.NEGATIVE,
            # 经营异常名录 is negative but not a list of dishonest subjects.
            "dishonesty": listing.credit_list.polarity == Polarity.NEGATIVE
            and listing.credit_list.code not in NOT_DISHONESTY_LISTS,
            "entered_on": listing.entered_on.isoformat(),
            "reason": listing.reason,
            "authority": listing.authority.name,
            "document_no": listing.document_no,
        }
        for listing in subject.current_listings
        if scope.lists is None or listing.credit_list.code in scope.lists
    ]
    is_person = subject.subject_type == SubjectType.NATURAL_PERSON
    return {
        "subject": {
            "key": subject.key,
            "name": subject.name,
            "uscc": subject.uscc,
            "subject_type": subject.subject_type,
            "region_code": subject.region_code,
            "region_name": regions.full_name(subject.region_code),
            "region_name_en": regions.full_name_en(subject.region_code),
            "legal_representative": "" if is_person else subject.legal_representative,
            # Never the full identity number (DESIGN.md).
            "identity_number": subject.masked_identity_number if is_person else "",
            "former_names": sorted(name.name for name in subject.former_names.all()),
        },
        "scope": _scope_content(scope=scope, since=since),
        "negative_records": negative,
        "positive_records": positive,
        "listings": listings,
    }


def _scope_content(*, scope: Scope, since: dt.date | None) -> dict[str, Any]:
    """The scope as the report prints it, names included."""
    categories = {category.code: category for category in selectors.categories()}
    credit_lists = {credit_list.code: credit_list for credit_list in selectors.credit_lists()}
    chosen_categories = [categories[code] for code in scope.categories or () if code in categories]
    chosen_lists = [credit_lists[code] for code in scope.lists or () if code in credit_lists]
    return {
        "categories": list(scope.categories) if scope.categories is not None else None,
        "category_names": [category.name for category in chosen_categories],
        "category_names_en": [category.name_en for category in chosen_categories],
        "lists": list(scope.lists) if scope.lists is not None else None,
        "list_names": [credit_list.name for credit_list in chosen_lists],
        "list_names_en": [credit_list.name_en for credit_list in chosen_lists],
        "since": since.isoformat() if since else None,
        "positive": scope.positive,
    }


def report_issue(*, subject: Subject, purpose: str = Purpose.GENERAL, at: dt.date | None = None) -> CreditReport:
    """Issue (or return the already issued) report for today's disclosure.

    The same content on the same day and for the same purpose yields the same
    report, so reloading the PDF does not mint new numbers.
    """
    if purpose not in Purpose.values:
        raise ValueError(f"unknown report purpose {purpose!r}")
    at = at or periods.today()
    content = report_content(subject=subject, at=at, purpose=purpose)
    canonical = json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    existing = CreditReport.objects.filter(subject=subject, as_of=at, purpose=purpose, content_sha256=digest).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return CreditReport.objects.create(
                number=f"XY{at:%Y%m%d}{_code(8)}",
                verification_code=_code(8),
                subject=subject,
                purpose=purpose,
                as_of=at,
                content=content,
                content_sha256=digest,
            )
    except IntegrityError:
        # Two requests for the same report at once: the other one won.
        return CreditReport.objects.get(subject=subject, as_of=at, purpose=purpose, content_sha256=digest)


def report_verify(*, number: str, code: str) -> CreditReport | None:
    """The report with this number if the verification code matches."""
    number = number.strip().upper()
    code = code.strip().upper()
    report = CreditReport.objects.select_related("subject").filter(number=number).first()
    if report is None or not secrets.compare_digest(report.verification_code, code):
        return None
    return report


def report_changed_since_issue(*, report: CreditReport) -> bool:
    """True when what is disclosed today differs from what the report states."""
    today = report_content(subject=report.subject, at=periods.today(), purpose=report.purpose)
    # The scope's dates move with the day; what matters is what is stated.
    return {k: v for k, v in today.items() if k != "scope"} != {k: v for k, v in report.content.items() if k != "scope"}


# --- Credit repair decision documents (信用修复决定书) ------------------------


def decision_content(*, case: Any) -> dict[str, Any]:
    """What the decision document on a decided repair application states.

    The outcome, the items it is about and their dates as at the decision;
    never an identity number in full (DESIGN.md)."""
    subject = case.subject
    is_person = subject.subject_type == SubjectType.NATURAL_PERSON
    items = []
    for item in case.items.select_related("record__category", "listing__credit_list", "record", "listing"):
        if item.record is not None:
            record = item.record
            items.append(
                {
                    "kind": "record",
                    "name": record.category.name,
                    "name_en": record.category.name_en,
                    "document_no": record.document_no,
                    "date": record.decided_on.isoformat(),
                    "authority": record.authority.name,
                }
            )
        else:
            listing = item.listing
            items.append(
                {
                    "kind": "listing",
                    "name": listing.credit_list.name,
                    "name_en": listing.credit_list.name_en,
                    "document_no": listing.document_no,
                    "date": listing.entered_on.isoformat(),
                    "authority": listing.authority.name,
                }
            )
    decided = case.closed_at and periods.beijing_date(case.closed_at)
    return {
        "tracking_no": case.tracking_no,
        "outcome": case.status,
        "subject": {
            "name": subject.name,
            "uscc": subject.uscc,
            "identity_number": subject.masked_identity_number if is_person else "",
        },
        "authority": case.authority.name,
        "submitted_on": periods.beijing_date(case.submitted_at).isoformat(),
        "decided_on": decided.isoformat() if decided else None,
        "reason": case.reason,
        "items": items,
        "commitment_record_id": case.commitment_record_id,
    }


DECIDED_OUTCOMES = ("repaired", "refused", "repair_revoked")


def decision_issue(*, case: Any) -> DecisionDocument:
    """Issue (or return the already issued) decision document of a decided
    repair application; a later outcome (a repair revoked for fraud) gets a
    document of its own."""
    if case.kind != "repair" or case.status not in DECIDED_OUTCOMES:
        raise ValueError("only a decided repair application has a decision document")
    content = decision_content(case=case)
    digest = hashlib.sha256(
        json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()
    existing = DecisionDocument.objects.filter(case=case, content_sha256=digest).first()
    if existing:
        return existing
    day = periods.today()
    try:
        with transaction.atomic():
            return DecisionDocument.objects.create(
                number=f"XF{day:%Y%m%d}{_code(8)}",
                verification_code=_code(8),
                case=case,
                content=content,
                content_sha256=digest,
            )
    except IntegrityError:
        return DecisionDocument.objects.get(case=case, content_sha256=digest)


def decision_verify(*, number: str, code: str) -> DecisionDocument | None:
    number = number.strip().upper()
    code = code.strip().upper()
    document = DecisionDocument.objects.filter(number=number).first()
    if document is None or not secrets.compare_digest(document.verification_code, code):
        return None
    return document


def signed_pdf_issue(*, number: str, language: str, render: Callable[[], bytes], reason: str) -> IssuedFile:
    """The signed PDF of document `number` in `language`, made once.

    The first request renders and signs it (`reports.signing.sign_pdf`) and
    keeps the file and its SHA-256; later requests get the very same bytes, so
    that a copy uploaded to /reports/verify/ is recognised. Credit reports and
    repair decision documents both use this.
    """
    existing = IssuedFile.objects.filter(number=number, language=language).first()
    if existing is not None:
        return existing
    body = signing.sign_pdf(render(), reason=reason, location=settings.SITE_URL)
    try:
        with transaction.atomic():
            return IssuedFile.objects.create(
                number=number,
                language=language,
                sha256=hashlib.sha256(body).hexdigest(),
                size=len(body),
                content=body,
            )
    except IntegrityError:
        # Two first downloads at once: keep the file the other one stored.
        return IssuedFile.objects.get(number=number, language=language)
