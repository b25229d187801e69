"""Reads for the repair workflow: the self-check, queues, cases for a user."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case as DbCase
from django.db.models import DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from accounts.selectors import staff_authority, subjects_related, user_may_act_for
from disclosure import periods
from disclosure import selectors as disclosure_selectors
from disclosure.models import Authority, Listing, Polarity, Record, Subject
from repair.models import OPEN_STATUSES, Case, CaseItem, Evidence, Status


class Repairability:
    NOW = "now"
    LATER = "later"
    NEVER = "never"
    IN_CASE = "in_case"


@dataclass(frozen=True)
class CheckItem:
    """One disclosed negative record or current listing, and whether it can be repaired."""

    record: Record | None
    listing: Listing | None
    state: str
    repairable_from: dt.date | None = None
    case: Case | None = None

    @property
    def obj(self) -> Record | Listing:
        return self.record or self.listing  # type: ignore[return-value]

    @property
    def authority(self):
        return self.obj.authority

    @property
    def selectable(self) -> bool:
        return self.state == Repairability.NOW

    @property
    def value(self) -> str:
        """The value of this item in the application form's checkboxes."""
        return f"record-{self.record.pk}" if self.record else f"listing-{self.listing.pk}"


def subject_repair_check(*, subject: Subject, show_cases: bool, at: dt.date | None = None) -> list[CheckItem]:
    """What is disclosed about a subject right now, with its repair state.

    Reads the disclosed set through disclosure.selectors (the one rule) and
    the stored `repairable_from` / `repairable` fields; nothing is recomputed.
    `show_cases` is required so that every caller decides: True only for an
    account bound to the subject (or the workflow itself); otherwise open
    applications are not revealed and items show their own state.
    """
    day = at or periods.today()
    disclosed = disclosure_selectors.subject_disclosure(subject=subject, at=day)
    open_items = CaseItem.objects.filter(open=True, case__subject=subject).select_related("case")
    if not show_cases:
        open_items = open_items.none()
    by_record = {item.record_id: item.case for item in open_items if item.record_id}
    by_listing = {item.listing_id: item.case for item in open_items if item.listing_id}
    items: list[CheckItem] = []
    for record in disclosed.disclosed_records:
        if record.category.polarity != Polarity.NEGATIVE:
            continue
        if record.pk in by_record:
            items.append(CheckItem(record, None, Repairability.IN_CASE, case=by_record[record.pk]))
        elif not record.category.repairable or record.repairable_from is None:
            items.append(CheckItem(record, None, Repairability.NEVER))
        elif record.repairable_from > day:
            items.append(CheckItem(record, None, Repairability.LATER, repairable_from=record.repairable_from))
        else:
            items.append(CheckItem(record, None, Repairability.NOW, repairable_from=record.repairable_from))
    for listing in disclosed.current_listings:
        if listing.credit_list.polarity != Polarity.NEGATIVE:
            continue
        if listing.pk in by_listing:
            items.append(CheckItem(None, listing, Repairability.IN_CASE, case=by_listing[listing.pk]))
        elif listing.repairable_from is None:
            items.append(CheckItem(None, listing, Repairability.NEVER))
        elif listing.repairable_from > day:
            items.append(CheckItem(None, listing, Repairability.LATER, repairable_from=listing.repairable_from))
        else:
            items.append(CheckItem(None, listing, Repairability.NOW, repairable_from=listing.repairable_from))
    return items


def records_objectable(*, subject: Subject, at: dt.date | None = None) -> list[Record]:
    """Disclosed records of a subject that are not already under an open case."""
    return objection_targets(subject=subject, at=at).records


@dataclass(frozen=True)
class ObjectionTargets:
    records: list[Record]
    listings: list[Listing]
    # Refused (or not accepted) repair applications whose result may be
    # objected to: not already under an open objection.
    cases: list[Case]


def objection_targets(*, subject: Subject, at: dt.date | None = None) -> ObjectionTargets:
    """What a subject can object to: its disclosed records and current
    listings (content or period) and the results of its refused repair
    applications, leaving out what an open case is already about."""
    disclosed = disclosure_selectors.subject_disclosure(subject=subject, at=at)
    busy = CaseItem.objects.filter(open=True, case__subject=subject)
    busy_records = set(busy.exclude(record=None).values_list("record_id", flat=True))
    busy_listings = set(busy.exclude(listing=None).values_list("listing_id", flat=True))
    cases = (
        Case.objects.filter(subject=subject, kind="repair", status__in=[Status.REFUSED, Status.NOT_ACCEPTED])
        .exclude(objections__status__in=OPEN_STATUSES)
        .select_related("authority")
        .order_by("-submitted_at")
    )
    return ObjectionTargets(
        records=[r for r in disclosed.disclosed_records if r.pk not in busy_records],
        listings=[li for li in disclosed.current_listings if li.pk not in busy_listings],
        cases=list(cases),
    )


def cases_for_applicant(*, user: AbstractBaseUser) -> QuerySet[Case]:
    return Case.objects.filter(applicant=user).select_related("subject", "authority")


def case_get_for_applicant(*, user: AbstractBaseUser, tracking_no: str) -> Case:
    case = cases_for_applicant(user=user).filter(tracking_no=tracking_no).first()
    if case is None:
        raise PermissionDenied
    return case


def case_for_token(*, user: AbstractBaseUser, token: str) -> Case | None:
    """The case a form submission token already filed (a repeated submit), if any."""
    try:
        parsed = uuid.UUID(str(token))
    except ValueError:
        return None
    return Case.objects.filter(applicant=user, submission_token=parsed).first()


def case_public_status(*, tracking_no: str, uscc: str) -> Case | None:
    """A case by tracking number and the subject's USCC (both must match)."""
    return (
        Case.objects.filter(tracking_no=tracking_no.strip().upper(), subject__uscc=uscc)
        .select_related("subject", "authority")
        .first()
    )


def cases_for_staff(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases a staff member may see.

    Credit-centre reviewers and administrators see every authority's cases;
    authority reviewers only their own authority's. Nobody sees cases about
    a subject they are bound to (or asked to be).
    """
    if not user.is_authenticated or not user.is_staff:
        return Case.objects.none()
    cases = Case.objects.select_related("subject", "authority", "applicant")
    if not user.has_perm("repair.view_all_cases"):
        authority = staff_authority(user=user)
        if authority is None or not user.has_perm("repair.decide_case"):
            return Case.objects.none()
        cases = cases.filter(authority=authority)
    return cases.exclude(subject__in=subjects_related(user=user)).exclude(applicant=user)


def case_get_for_staff(*, user: AbstractBaseUser, pk: int) -> Case:
    case = cases_for_staff(user=user).filter(pk=pk).first()
    if case is None:
        raise PermissionDenied
    return case


def staff_queue(
    *,
    user: AbstractBaseUser,
    status: str = "",
    authority_name: str = "",
    due: str = "",
    kind: str = "",
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The staff queue: open cases by default, overdue first, then by due date.

    `due` is "overdue", "today" or "week" (due within 7 days);
    `authority_name` keeps the cases of authorities whose name contains it.
    """
    day = today or periods.today()
    cases = cases_for_staff(user=user).annotate(
        due_on=DbCase(
            When(status=Status.SUBMITTED, then=F("feedback_due")),
            When(status=Status.ACCEPTED, then=Coalesce("decision_due", "materials_due")),
            default=Value(None),
            output_field=DateField(),
        )
    )
    if status:
        cases = cases.filter(status=status)
    else:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if authority_name.strip():
        cases = cases.filter(authority__name__icontains=authority_name.strip())
    if kind:
        cases = cases.filter(kind=kind)
    if due == "overdue":
        # Overdue is measured against the result date promised to the
        # applicant (国办发〔2025〕22号 §六), or the running step's deadline.
        cases = cases.filter(Q(due_on__lt=day) | Q(result_due__lt=day))
    elif due == "today":
        cases = cases.filter(due_on=day)
    elif due == "week":
        cases = cases.filter(due_on__lte=day + dt.timedelta(days=7))
    # Earliest due first puts overdue cases on top; closed ones (no due) last.
    return cases.order_by(Coalesce("due_on", Value(dt.date.max)), "submitted_at")


def authority_names_matching(*, query: str, limit: int) -> list[str]:
    """Names of authorities containing `query`, those starting with it first."""
    query = query.strip()
    if not query:
        return []
    names = Authority.objects.filter(name__icontains=query).order_by("name").values_list("name", flat=True)
    found = list(names[: limit * 5])
    return sorted(found, key=lambda name: (not name.startswith(query), len(name), name))[:limit]


def evidence_get_for_user(*, user: AbstractBaseUser, pk: int) -> Evidence:
    """Evidence for its applicant or for staff who may see the case, else PermissionDenied."""
    evidence = Evidence.objects.select_related("case").filter(pk=pk).first()
    if evidence is None:
        raise PermissionDenied
    if evidence.case.applicant_id == user.pk:
        return evidence
    if cases_for_staff(user=user).filter(pk=evidence.case_id).exists():
        return evidence
    raise PermissionDenied


def user_may_apply(*, user: AbstractBaseUser, subject: Subject) -> bool:
    return user_may_act_for(user=user, subject=subject)
