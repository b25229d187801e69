"""What the portal discloses: subjects, the catalogue, records, lists.

The rule that decides what is disclosed on a given day lives in exactly one
place, `disclosed_records_q` / `live_listings_q` below, reached through the
`disclosed_on()` queryset methods and `disclosure.selectors`. Nothing else
may spell the condition out again.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from disclosure import periods


class SubjectType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    SOCIAL_ORG = "social_org", _("Social organisation")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    GOVERNMENT = "government", _("Government body")
    NATURAL_PERSON = "natural_person", _("Natural person")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class Polarity(models.TextChoices):
    NEGATIVE = "negative", _("Negative (dishonesty)")
    POSITIVE = "positive", _("Positive or neutral")


class Section(models.TextChoices):
    """The groups of a subject page, as Credit China arranges them (基础信息
    comes first and is not a catalogue section)."""

    LICENCE = "licence", _("Administrative licences")
    PENALTY = "penalty", _("Administrative penalties")
    HONOUR = "honour", _("Incentives for trustworthiness")
    DISHONESTY = "dishonesty", _("Punishment of dishonesty")
    COMMITMENT = "commitment", _("Credit commitments")


class RepairState:
    """Whether a disclosed negative item can be repaired on a day, by the
    dates and the catalogue alone (an open application is repair's to know)."""

    NOW = "now"
    LATER = "later"
    NEVER = "never"


class EndReason(models.TextChoices):
    REPAIRED = "repaired", _("Repaired")
    REVOKED = "revoked", _("Revoked by the authority")
    CORRECTED = "corrected", _("Corrected or withdrawn after an objection")
    # Bankruptcy restructuring (暂时屏蔽): ended while a court-approved plan
    # runs; restored if the plan fails (disclosure.services.shield_end).
    SHIELDED = "shielded", _("Temporarily shielded (bankruptcy restructuring)")


class ExitReason(models.TextChoices):
    REPAIRED = "repaired", _("Repaired")
    EXPIRED = "expired", _("Period expired")
    REVOKED = "revoked", _("Revoked by the authority")
    COURT_DECISION = "court_decision", _("Court decision")
    CORRECTED = "corrected", _("Corrected or withdrawn after an objection")
    SHIELDED = "shielded", _("Temporarily shielded (bankruptcy restructuring)")


# Reason of a DISCLOSED event that puts back what had ended: a repair revoked
# for fraud, a shield lifted because the restructuring plan failed.
RESTORED = "restored"

# Legal ranges of the catalogue's periods in months (国办发〔2025〕22号, NDRC
# Order 36): staff may set a period outside them only by recording the law or
# administrative regulation that provides otherwise.
PERIOD_RANGES: dict[str, tuple[int, int]] = {"minor": (0, 3), "general": (3, 12), "serious": (12, 36)}


def mask_identity_number(number: str) -> str:
    """All but the first 6 and last 4 characters hidden (DESIGN.md)."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def new_public_key() -> str:
    return secrets.token_hex(8)


class Subject(models.Model):
    """A credit subject: enterprise, organisation, institution or person.

    Natural persons have no USCC; their identity number is kept for matching
    imports only and is never shown in full nor searchable by the public.
    """

    # NULL, not "", for "no code": the unique constraint must admit many.
    uscc = models.CharField(_("unified social credit code"), max_length=18, null=True, blank=True)  # noqa: DJ001
    # Opaque URL key for subjects without a USCC (natural persons, some
    # government bodies); never derived from the identity number.
    public_key = models.CharField(max_length=16, unique=True, default=new_public_key, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # Normalised name (simplified, half-width, lower case) used by search.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    subject_type = models.CharField(_("subject type"), max_length=24, choices=SubjectType.choices)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    identity_number = models.CharField(_("identity number"), max_length=18, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [
            models.UniqueConstraint(fields=["uscc"], name="subject_uscc_unique"),
            models.UniqueConstraint(fields=["identity_number"], name="subject_identity_number_unique"),
            models.CheckConstraint(condition=Q(subject_type__in=SubjectType.values), name="subject_type_valid"),
            # Everybody but a natural person is identified by a USCC.
            models.CheckConstraint(
                condition=Q(subject_type=SubjectType.NATURAL_PERSON) | Q(uscc__isnull=False),
                name="subject_uscc_required_unless_person",
            ),
        ]
        indexes = [
            # Region filters on search and list pages: region_code LIKE '3501%'.
            models.Index(fields=["region_code"], name="subject_region_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The key in public URLs: the USCC, or the opaque key without one."""
        return self.uscc or self.public_key

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number or "")


class SubjectFormerName(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("former name"), max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        constraints = [
            models.UniqueConstraint(fields=["subject", "name"], name="former_name_unique_per_subject"),
        ]

    def __str__(self) -> str:
        return self.name


class Authority(models.Model):
    """A source department (归集来源) or deciding authority."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """An entry of the public credit information catalogue and its rules.

    Periods per severity follow NDRC Order 36 and 国办发〔2025〕22号 by
    default; staff change them here and `category_update_rules` recomputes
    the stored dates of every record of the category.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    polarity = models.CharField(_("polarity"), max_length=8, choices=Polarity.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description = models.TextField(_("description"), blank=True)
    repairable = models.BooleanField(_("repairable"), default=True, help_text=_("False where the law excludes repair."))
    minor_disclosed = models.BooleanField(_("minor records disclosed"), default=False)
    minor_min_months = models.PositiveSmallIntegerField(_("minor: minimum months"), default=0)
    minor_max_months = models.PositiveSmallIntegerField(_("minor: maximum months"), default=3)
    general_min_months = models.PositiveSmallIntegerField(_("general: minimum months"), default=3)
    general_max_months = models.PositiveSmallIntegerField(_("general: maximum months"), default=12)
    serious_min_months = models.PositiveSmallIntegerField(_("serious: minimum months"), default=12)
    serious_max_months = models.PositiveSmallIntegerField(_("serious: maximum months"), default=36)
    positive_months = models.PositiveSmallIntegerField(
        _("positive information: months disclosed"),
        null=True,
        blank=True,
        help_text=_("Empty: while valid (until the record's valid-until date, if any)."),
    )
    section = models.CharField(
        _("section of the subject page"),
        max_length=12,
        choices=Section.choices,
        default=Section.DISHONESTY,
        help_text=_("Where the category's records appear on a subject's page."),
    )
    periods_legal_basis = models.TextField(
        _("legal basis for periods outside the legal ranges"),
        blank=True,
        help_text=_(
            "Minor at most 3 months, general 3 to 12, serious 12 to 36. A period outside these ranges needs the "
            "law or administrative regulation that provides otherwise, shown on the help page."
        ),
    )
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("catalogue category")
        verbose_name_plural = _("catalogue categories")
        ordering = ["ordering", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(polarity__in=Polarity.values), name="category_polarity_valid"),
            models.CheckConstraint(
                condition=Q(minor_min_months__lte=F("minor_max_months"))
                & Q(general_min_months__lte=F("general_max_months"))
                & Q(serious_min_months__lte=F("serious_max_months")),
                name="category_minimum_within_maximum",
            ),
            # Minor dishonesty is disclosed for at most 3 months.
            models.CheckConstraint(condition=Q(minor_max_months__lte=3), name="category_minor_at_most_3_months"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Periods stay inside the legal ranges unless a legal basis is recorded."""
        if self.polarity != Polarity.NEGATIVE or self.periods_legal_basis.strip():
            return
        errors: dict[str, list[str]] = {}
        for severity, (low, high) in PERIOD_RANGES.items():
            for bound in ("min", "max"):
                field = f"{severity}_{bound}_months"
                value = getattr(self, field)
                if value is None or (severity == "minor" and bound == "min"):
                    continue
                if not low <= value <= high:
                    errors[field] = [
                        _(
                            "%(value)s months is outside the legal range of %(low)s to %(high)s months; record the "
                            "law or administrative regulation that provides otherwise."
                        )
                        % {"value": value, "low": low, "high": high}
                    ]
        if errors:
            raise ValidationError(errors)

    @property
    def is_negative(self) -> bool:
        return self.polarity == Polarity.NEGATIVE

    def months_for(self, severity: str) -> tuple[int, int]:
        """(minimum, maximum) disclosure months for a severity."""
        return (
            getattr(self, f"{severity}_min_months"),
            getattr(self, f"{severity}_max_months"),
        )

    def periods_for(
        self, *, severity: str, decided_on: dt.date, valid_until: dt.date | None
    ) -> tuple[bool, dt.date | None, dt.date | None]:
        """(publishable, last day of disclosure, repairable from) of a record.

        The dates are stored on the record so that the public query is a plain
        indexed comparison; this is the only place that derives them.
        """
        if not self.is_negative:
            if self.positive_months is not None:
                until = periods.period_last_day(decided_on, self.positive_months)
                if valid_until is not None:
                    until = min(until, valid_until)
            else:
                until = valid_until
            return True, until, None
        minimum, maximum = self.months_for(severity)
        publishable = severity != Severity.MINOR or self.minor_disclosed
        until = periods.period_last_day(decided_on, maximum)
        start = periods.repairable_from(decided_on, minimum) if self.repairable else None
        return publishable, until, start


class RecordQuerySet(models.QuerySet):
    def disclosed_on(self, day: dt.date) -> RecordQuerySet:
        return self.filter(disclosed_records_q(day))


def disclosed_records_q(day: dt.date) -> Q:
    """THE disclosure rule for records (DESIGN.md, "Disclosure periods").

    A record is disclosed on `day` when its category discloses its severity,
    it has been decided (a future decision is not disclosed yet), its last day
    of disclosure has not passed, and it has not been ended early (repaired,
    revoked, corrected) on or before `day`.
    """
    return (
        Q(publishable=True, decided_on__lte=day)
        & (Q(disclosure_until__isnull=True) | Q(disclosure_until__gte=day))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    )


class Record(models.Model):
    """One piece of public credit information (a penalty, licence, ...)."""

    # No single-column index: record_subject_category_idx (subject, ...)
    # serves lookups by subject (and the PROTECT check on deleting one).
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="records", db_index=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="records")
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    document_no = models.CharField(_("document number"), max_length=120)
    decided_on = models.DateField(_("decision date"))
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="records")
    summary = models.TextField(_("summary"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    extra = models.JSONField(_("other fields from the source"), default=dict, blank=True)

    # Where it came from, and when it reached the portal (双公示 timeliness).
    source = models.CharField(_("source"), max_length=100)
    source_id = models.CharField(_("source id"), max_length=100)
    arrived_at = models.DateTimeField(_("arrived at"))
    # Not indexed: provenance, rarely queried, and import runs are never
    # deleted (ImportRunAdmin), so SET_NULL never has to find their rows.
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="records", db_index=False
    )

    # Derived from the catalogue by Category.periods_for(); recomputed for the
    # whole category when staff change its rules.
    publishable = models.BooleanField(_("disclosed under the catalogue rules"), editable=False)
    disclosure_until = models.DateField(_("last day of disclosure"), null=True, editable=False)
    repairable_from = models.DateField(_("repairable from"), null=True, editable=False)

    # Early end of disclosure: repaired, revoked, corrected. A state change,
    # written only by disclosure.services.record_end_disclosure().
    ended_on = models.DateField(_("disclosure ended on"), null=True, editable=False)
    end_reason = models.CharField(_("end reason"), max_length=12, choices=EndReason.choices, blank=True, editable=False)

    # A credit commitment published with a repair: disclosed no longer than
    # the repaired items would have been (the cap), and never what makes a
    # subject public (selectors.subjects_public ignores it).
    is_repair_commitment = models.BooleanField(_("published with a credit repair"), default=False, editable=False)
    disclosure_cap = models.DateField(_("latest last day of disclosure"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        constraints = [
            # Re-importing a source's row updates it, never duplicates it.
            models.UniqueConstraint(fields=["source", "source_id"], name="record_source_id_unique"),
            models.CheckConstraint(condition=Q(severity__in=[*Severity.values, ""]), name="record_severity_valid"),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & Q(end_reason__in=EndReason.values)),
                name="record_end_reason_with_end_date",
            ),
        ]
        indexes = [
            # A subject's records by category, newest first (subject page
            # groups, API detail), and the per-category counts of the subject
            # page and of the bulk check. The columns of the disclosure rule
            # are included so that those counts are index-only scans: a
            # subject's records are scattered over the heap (one import row
            # at a time), its index entries are side by side. PostgreSQL only
            # (INCLUDE); SQLite gets the key columns.
            models.Index(
                fields=["subject", "category", "-decided_on", "-id"],
                include=["publishable", "disclosure_until", "ended_on"],
                name="record_subject_category_idx",
            ),
            # Expiry scans of the change feed: disclosure_until = yesterday.
            models.Index(fields=["disclosure_until"], name="record_disclosure_until_idx"),
            # API filters by decision date range.
            models.Index(fields=["decided_on"], name="record_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document_no} ({self.subject})"

    def repair_state_on(self, day: dt.date) -> str | None:
        """A RepairState, or None for positive information (never repaired)."""
        if not self.category.is_negative:
            return None
        if not self.category.repairable or self.repairable_from is None:
            return RepairState.NEVER
        return RepairState.LATER if self.repairable_from > day else RepairState.NOW

    def apply_catalogue(self) -> None:
        """Set the derived disclosure dates from the category's rules."""
        self.publishable, self.disclosure_until, self.repairable_from = self.category.periods_for(
            severity=self.severity, decided_on=self.decided_on, valid_until=self.valid_until
        )
        if self.disclosure_cap is not None:
            self.disclosure_until = min(filter(None, (self.disclosure_until, self.disclosure_cap)))


class CreditList(models.Model):
    """A credit list: severe dishonesty, abnormal operations, red lists..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    polarity = models.CharField(_("polarity"), max_length=8, choices=Polarity.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    exit_rules = models.TextField(_("exit rules"), blank=True)
    repairable = models.BooleanField(_("exit by credit repair"), default=True)
    repair_min_months = models.PositiveSmallIntegerField(
        _("months on the list before repair"),
        default=0,
        help_text=_("Minimum period (NDRC Order 36): repair can be applied for from the day after it."),
    )
    max_months = models.PositiveSmallIntegerField(
        _("maximum months on the list"),
        default=36,
        help_text=_(
            "Counted from the entry date like a record's period: a listing with no earlier exit stops being public "
            "after it. Serious dishonesty: at most 36 months unless a law or administrative regulation provides "
            "otherwise."
        ),
    )
    max_months_basis = models.TextField(
        _("legal basis of the maximum period"),
        blank=True,
        help_text=_("Required when the maximum changes: the rule that sets it."),
    )
    exit_at_ban_end = models.BooleanField(
        _("exit when the ban in the decision ends"),
        default=False,
        help_text=_("The planned exit is the end of the ban (e.g. procurement, 1 to 3 years); no repair before it."),
    )
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("credit list")
        verbose_name_plural = _("credit lists")
        ordering = ["ordering", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(polarity__in=Polarity.values), name="list_polarity_valid"),
            models.CheckConstraint(condition=Q(max_months__gte=1), name="list_max_months_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_negative(self) -> bool:
        return self.polarity == Polarity.NEGATIVE

    def clean(self) -> None:
        if self.polarity == Polarity.NEGATIVE and self.max_months > 36 and not self.max_months_basis.strip():
            raise ValidationError(
                {
                    "max_months_basis": _(
                        "More than 36 months needs the law or administrative regulation that provides otherwise."
                    )
                }
            )

    def last_day_for(self, *, entered_on: dt.date, planned_exit_on: dt.date | None) -> dt.date:
        """Last day a listing is public by the calendar: the list's maximum
        (Civil Code arts. 201-202, from the entry date), or the day before the
        planned exit (the end of the ban) when that comes first."""
        last = periods.period_last_day(entered_on, self.max_months)
        if planned_exit_on is not None:
            last = min(last, planned_exit_on - dt.timedelta(days=1))
        return last


class ListingQuerySet(models.QuerySet):
    def disclosed_on(self, day: dt.date) -> ListingQuerySet:
        return self.filter(live_listings_q(day))


def live_listings_q(day: dt.date) -> Q:
    """THE rule for listings: on the list from entry until exit.

    `exited_on` is the first day *off* the list (the portal stops showing an
    exited listing at once; Credit China allows 3 working days);
    `disclosure_until` is the last day on it by the calendar: the list's
    maximum period or the day before the planned exit, derived and stored by
    `Listing.apply_list()` so that this stays an indexed comparison. The
    planned exit is also compared as such, so that a listing written without
    the derived date (a bulk writer that has not called apply_list) still
    leaves the list on its planned exit.
    """
    return (
        Q(entered_on__lte=day)
        & (Q(exited_on__isnull=True) | Q(exited_on__gt=day))
        & (Q(disclosure_until__isnull=True) | Q(disclosure_until__gte=day))
        & (Q(planned_exit_on__isnull=True) | Q(planned_exit_on__gt=day))
    )


class Listing(models.Model):
    """A subject's membership of a credit list. Exiting is a state change."""

    # No single-column index: listing_subject_list_idx (subject, ...) serves
    # lookups by subject.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="listings", db_index=False)
    credit_list = models.ForeignKey(CreditList, on_delete=models.PROTECT, related_name="listings")
    entered_on = models.DateField(_("entered on"))
    reason = models.TextField(_("reason"))
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="listings")
    document_no = models.CharField(_("document number"), max_length=120, blank=True)
    planned_exit_on = models.DateField(_("planned exit date"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True, editable=False)
    exit_reason = models.CharField(
        _("exit reason"), max_length=16, choices=ExitReason.choices, blank=True, editable=False
    )
    # Derived from the list's rules by apply_list(); recomputed for the whole
    # list when staff change it (services.credit_list_update_rules).
    disclosure_until = models.DateField(_("last day on the list"), null=True, editable=False)
    extra = models.JSONField(_("other fields from the source"), default=dict, blank=True)

    source = models.CharField(_("source"), max_length=100)
    source_id = models.CharField(_("source id"), max_length=100)
    arrived_at = models.DateTimeField(_("arrived at"))
    # Not indexed: see Record.import_run.
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="listings", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="listing_source_id_unique"),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("entered_on")),
                name="listing_exit_not_before_entry",
            ),
            models.CheckConstraint(
                condition=Q(planned_exit_on__isnull=True) | Q(planned_exit_on__gte=F("entered_on")),
                name="listing_planned_exit_not_before_entry",
            ),
            models.CheckConstraint(
                condition=(Q(exited_on__isnull=True) & Q(exit_reason=""))
                | (Q(exited_on__isnull=False) & Q(exit_reason__in=ExitReason.values)),
                name="listing_exit_reason_with_exit_date",
            ),
        ]
        indexes = [
            # /lists/<code>/: current entries of a list, newest first.
            models.Index(fields=["credit_list", "-entered_on"], name="listing_list_entered_idx"),
            # A subject's listings by list, newest first, and the per-list
            # counts of the subject page and the bulk check: index-only, like
            # record_subject_category_idx.
            models.Index(
                fields=["subject", "credit_list", "-entered_on", "-id"],
                include=["exited_on", "planned_exit_on", "disclosure_until"],
                name="listing_subject_list_idx",
            ),
            # Expiry scans of the change feed: disclosure_until = yesterday.
            models.Index(fields=["disclosure_until"], name="listing_disclosure_until_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.credit_list}"

    def apply_list(self) -> None:
        """Set the derived last day on the list from the list's rules."""
        self.disclosure_until = self.credit_list.last_day_for(
            entered_on=self.entered_on, planned_exit_on=self.planned_exit_on
        )

    @property
    def repairable_from(self) -> dt.date | None:
        """First day an exit by credit repair may be applied for, or None when
        the list is not left through repair (court decisions; a procurement
        ban, which ends only with the ban, Government Procurement Law art. 77)."""
        if not self.credit_list.repairable or self.credit_list.exit_at_ban_end:
            return None
        return periods.repairable_from(self.entered_on, self.credit_list.repair_min_months)

    def repair_state_on(self, day: dt.date) -> str | None:
        """A RepairState, or None for an honour list (never repaired)."""
        if self.credit_list.polarity != Polarity.NEGATIVE:
            return None
        start = self.repairable_from
        if start is None:
            return RepairState.NEVER
        return RepairState.LATER if start > day else RepairState.NOW


class ImportRun(models.Model):
    """One run of `import_records`: provenance and counts (traceability)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Finished with invalid rows")
        FAILED = "failed", _("Failed, nothing written")

    source = models.CharField(_("source"), max_length=100)
    file_name = models.CharField(_("file"), max_length=500)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    error_report = models.TextField(_("error report"), blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source}: {self.file_name}"


class CacheGeneration(models.Model):
    """A counter in the database, raised in the same transaction as a change
    that no DisclosureEvent describes but that cached pages show: the
    catalogue (names, sections, repairability), the lists and the names of
    authorities (disclosure.pagecache). Read before a page is built, so that
    a cached page is never older than the counter in its key."""

    CATALOGUE = "catalogue"

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cache generation")
        verbose_name_plural = _("cache generations")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"

    @staticmethod
    def fresh_value() -> int:
        """The first value of a new counter: microseconds since the epoch."""
        return time.time_ns() // 1000


class DisclosureEvent(models.Model):
    """A change to what is disclosed: a row, never an overwritten field.

    Written by disclosure.services in the same transaction as the change it
    describes; the change feed for credit service agencies reads these.
    """

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("disclosure event", "Created")
        UPDATED = "updated", _("Updated")
        ENDED = "ended", _("Disclosure ended")
        # Written lazily by disclosure.feed when a future decision or entry
        # date arrives (nothing else is written on that day).
        DISCLOSED = "disclosed", _("Disclosure began")

    # Actor of the rows disclosure.feed materialises for date-driven changes
    # (expiry, a decision date arriving); the unique constraints below make
    # that materialisation idempotent.
    MATERIALISED = "system:calendar"

    # Indexed by the partial indexes event_record_idx / event_listing_idx
    # below: each event has one of the two, and indexing the NULLs of the
    # other would only slow every insert down.
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, null=True, blank=True, related_name="events", db_index=False
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="events", db_index=False
    )
    # No single-column index: event_subject_idx (subject, -id) serves lookups
    # by subject and the CASCADE on deleting one.
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # For ENDED: an EndReason / ExitReason value.
    reason = models.CharField(_("reason"), max_length=16, blank=True)
    effective_on = models.DateField(_("effective on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The previous version of the record or listing, kept as history.
    before = models.JSONField(_("previous version"), null=True, blank=True)
    # PostgreSQL: the id of the writing transaction (pg_current_xact_id()),
    # set by a BEFORE INSERT trigger (migration 0005). The change feed orders
    # by (txid, id) and only serves txids below the oldest running
    # transaction, so a row committed late can never land behind a cursor.
    # SQLite has a single writer: 0, and the feed orders by id.
    txid = models.BigIntegerField(_("transaction id"), default=0, editable=False)

    class Meta:
        verbose_name = _("disclosure event")
        verbose_name_plural = _("disclosure events")
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & Q(listing__isnull=True))
                | (Q(record__isnull=True) & Q(listing__isnull=False)),
                name="event_about_record_or_listing",
            ),
            # At most one materialised expiry / start per record or listing
            # and day: materialisation runs at every poll and from cron.
            models.UniqueConstraint(
                fields=["record", "action", "effective_on"],
                condition=Q(actor="system:calendar", record__isnull=False),
                name="event_materialised_record_once",
            ),
            models.UniqueConstraint(
                fields=["listing", "action", "effective_on"],
                condition=Q(actor="system:calendar", listing__isnull=False),
                name="event_materialised_listing_once",
            ),
        ]
        indexes = [
            # A subject's history (Atom feed, subject page).
            models.Index(fields=["subject", "-id"], name="event_subject_idx"),
            # A record's or listing's history, and CASCADE deletes.
            models.Index(fields=["record"], condition=Q(record__isnull=False), name="event_record_idx"),
            models.Index(fields=["listing"], condition=Q(listing__isnull=False), name="event_listing_idx"),
            # The change feed: WHERE (txid, id) > cursor ORDER BY txid, id.
            models.Index(fields=["txid", "id"], name="event_feed_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.record_id or self.listing_id}"


class Shield(models.Model):
    """A temporary shield (暂时屏蔽) of a subject's negative information.

    On a court ruling approving a restructuring plan or a settlement
    (批准重整计划 / 认可和解协议裁定书), staff shield what is disclosed about
    the subject until the plan is carried out or fails. Shielding ends each
    item's disclosure with the reason `shielded` (so the one rule and its
    indexed comparisons stay as they are); a failed plan restores what has not
    run out meanwhile, a plan carried out leaves it ended as repaired
    (disclosure.services.shield_start / shield_end).
    """

    class Ruling(models.TextChoices):
        RESTRUCTURING = "restructuring", _("Ruling approving a restructuring plan (批准重整计划)")
        SETTLEMENT = "settlement", _("Ruling approving a settlement agreement (认可和解协议)")

    class Outcome(models.TextChoices):
        CARRIED_OUT = "carried_out", _("Plan carried out")
        FAILED = "failed", _("Plan failed or terminated")

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="shields")
    ruling = models.CharField(_("court ruling"), max_length=16, choices=Ruling.choices)
    court = models.CharField(_("court"), max_length=200)
    document_no = models.CharField(_("ruling number"), max_length=120)
    ruled_on = models.DateField(_("ruling date"))
    started_on = models.DateField(_("shielded from"))
    started_by = models.CharField(_("shielded by"), max_length=150)
    ended_on = models.DateField(_("shield ended on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=150, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("temporary shield")
        verbose_name_plural = _("temporary shields")
        ordering = ["-started_on", "-pk"]
        constraints = [
            # One running shield per subject: shield_end restores by subject.
            models.UniqueConstraint(
                fields=["subject"], condition=Q(ended_on__isnull=True), name="shield_one_running_per_subject"
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(outcome=""))
                | (Q(ended_on__isnull=False) & Q(outcome__in=["carried_out", "failed"])),
                name="shield_outcome_with_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.document_no}"
