"""Credit repair applications and objections, their history, and the calendar.

A repair application and an objection are both a `Case`: they share the
tracking number, the deadlines in working days, the review by the deciding
authority and the event rows; only their outcomes differ (see
repair.services.TRANSITIONS). The status is written only by
repair.services.case_transition().
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.files import private_storage

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_tracking_no() -> str:
    # Unguessable: with the USCC it is the only key to the public status page.
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


class Kind(models.TextChoices):
    REPAIR = "repair", _("Credit repair application")
    OBJECTION = "objection", _("Objection")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    REPAIRED = "repaired", pgettext_lazy("repair case status", "Repaired")
    REFUSED = "refused", pgettext_lazy("repair case status", "Refused")
    CORRECTED = "corrected", _("Record corrected")
    RECORD_WITHDRAWN = "record_withdrawn", _("Record withdrawn")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    # A repair obtained by fraud is revoked: disclosure is restored for the
    # rest of the original period (NDRC Order 36).
    REPAIR_REVOKED = "repair_revoked", _("Repair revoked (obtained by fraud)")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED)


class Ground(models.TextChoices):
    """Grounds of an objection (异议申诉)."""

    WRONG = "wrong", _("The content is wrong")
    DUPLICATED = "duplicated", _("The record is duplicated")
    PAST_PERIOD = "past_period", _("Its disclosure period is over")
    WRONG_PERIOD = "wrong_period", _("Its disclosure period is wrong")
    NOT_DISCLOSABLE = "not_disclosable", _("It should not be disclosed")
    REPAIR_RESULT = "repair_result", _("The result of a repair application is wrong")


class Case(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    tracking_no = models.CharField(_("tracking number"), max_length=12, unique=True, default=new_tracking_no)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    subject = models.ForeignKey("disclosure.Subject", on_delete=models.PROTECT, related_name="repair_cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repair_cases")
    # The authority that made the finding decides (谁认定、谁修复).
    authority = models.ForeignKey(
        "disclosure.Authority", on_delete=models.PROTECT, related_name="repair_cases", verbose_name=pgettext_lazy("repair case", "authority")
    )
    statement = models.TextField(_("statement"))
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices, blank=True)
    commitment_text = models.TextField(_("credit commitment"), blank=True)
    commitment_confirmed_at = models.DateTimeField(_("commitment confirmed at"), null=True, blank=True)
    commitment_record = models.ForeignKey(
        "disclosure.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sent with the form: a double-clicked submit files one case.
    submission_token = models.UUIDField(editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # 国办发〔2025〕22号 §六: the applicant gets the result within 10 working
    # days of the application (the date promised, and the one overdue lists
    # measure); inside it the credit centre accepts (feedback_due) and the
    # deciding authority decides within 3 working days of receiving the
    # complete application (decision_due). One extension for a complex case.
    result_due = models.DateField(_("result due"))
    feedback_due = models.DateField(_("acceptance due"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    # 容缺受理: accepted with non-essential materials missing; the authority's
    # 3 working days run once they arrive.
    missing_materials = models.TextField(_("materials to add"), blank=True)
    materials_due = models.DateField(_("materials to be added by"), null=True, blank=True)
    materials_received_at = models.DateTimeField(_("materials added at"), null=True, blank=True)
    # An objection to the result of a repair application.
    objected_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("case objected to"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reason = models.TextField(_("reason given to the applicant"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        permissions = [
            ("accept_case", "Can accept or refuse to accept cases (credit centre)"),
            ("decide_case", "Can decide cases of own authority"),
            ("view_all_cases", "Can see the cases of every authority"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "submission_token"], name="case_submission_token_unique"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="case_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.NOT_ACCEPTED, Status.REFUSED]) | ~Q(reason=""),
                name="case_refusal_has_reason",
            ),
        ]
        indexes = [
            # The staff queue: open cases by status and due date.
            models.Index(fields=["status", "feedback_due"], name="case_status_feedback_idx"),
            models.Index(fields=["status", "decision_due"], name="case_status_decision_idx"),
            # Overdue lists: open cases past the promised result date.
            models.Index(fields=["status", "result_due"], name="case_status_result_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def step_due(self):
        """The deadline of the step running now: acceptance while submitted,
        the materials or the decision once accepted."""
        if self.status == Status.SUBMITTED:
            return self.feedback_due
        if self.status == Status.ACCEPTED:
            return self.decision_due or self.materials_due
        return None

    @property
    def due(self):
        """The nearer of the running step's deadline and the promised result date."""
        if not self.is_open:
            return None
        return min(filter(None, (self.step_due, self.result_due)), default=None)

    @property
    def awaiting_materials(self) -> bool:
        return self.status == Status.ACCEPTED and bool(self.missing_materials) and self.materials_received_at is None


class CaseItem(models.Model):
    """A record or listing a case is about."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey("disclosure.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    listing = models.ForeignKey("disclosure.Listing", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Mirrors case.is_open (kept by case_transition) so that the database
    # itself refuses a second open case about the same record or listing.
    open = models.BooleanField(default=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & Q(listing__isnull=True))
                | (Q(record__isnull=True) & Q(listing__isnull=False)),
                name="case_item_record_or_listing",
            ),
            models.UniqueConstraint(fields=["record"], condition=Q(open=True), name="case_item_one_open_per_record"),
            models.UniqueConstraint(fields=["listing"], condition=Q(open=True), name="case_item_one_open_per_listing"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.record or self.listing}"


class Evidence(models.Model):
    """An uploaded file; served only to the applicant and the staff on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to="evidence/")
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(_("file name as uploaded"), max_length=255)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class CaseEvent(models.Model):
    """Every change of a case, with who and when; never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    old_status = models.CharField(_("old status"), max_length=16, blank=True)
    new_status = models.CharField(_("new status"), max_length=16)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.old_status} → {self.new_status}"

    @property
    def old_label(self) -> str:
        return Status(self.old_status).label if self.old_status in Status.values else self.old_status

    @property
    def new_label(self) -> str:
        return Status(self.new_status).label if self.new_status in Status.values else self.new_status


class CaseReminder(models.Model):
    """A deadline reminder sent for a case on a day: at most one per case per day."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "sent_on"], name="reminder_once_per_case_per_day")]

    def __str__(self) -> str:
        return f"{self.case} {self.sent_on}"


class OfficialYear(models.Model):
    """A year's official holiday schedule entered by staff (国务院办公厅放假安排)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(pgettext_lazy("official calendar", "source"), max_length=300, help_text=_("The notice the schedule comes from."))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class OfficialDay(models.Model):
    """A public holiday, or a weekend day that is a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    year = models.ForeignKey(OfficialYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)

    class Meta:
        ordering = ["date"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["holiday", "workday"]), name="official_day_kind")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"
