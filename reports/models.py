"""Credit reports (信用报告) that replace "no violation" certificates.

A report is a snapshot of what was disclosed about a subject on one day,
issued with a number and a verification code so that whoever receives the
PDF (a procurement office, a bank) can check it on /reports/verify/.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from disclosure.models import Subject


class Purpose(models.TextChoices):
    GENERAL = "general", _("General credit report")
    PROCUREMENT = "procurement", _("Government procurement and bidding")
    FINANCING = "financing", _("Listing, financing and loans")
    HONOURS = "honours", _("Honours, awards and subsidies")
    ADMINISTRATION = "administration", _("Administrative approval")


@dataclass(frozen=True)
class Scope:
    """What a report of one purpose covers: record categories and lists
    (None: all); negative records decided in the last `years` years (None:
    all that are disclosed); whether positive records (licences, commitments,
    honours) appear at all. Lists are those the subject is on today."""

    categories: tuple[str, ...] | None
    lists: tuple[str, ...] | None
    years: int | None
    positive: bool


_DISHONESTY_LISTS = ("severe_dishonesty", "dishonest_judgment_debtor", "major_tax_violation", "procurement_violation")
_NEGATIVE = ("admin_penalty", "judicial", "illegal_fundraising", "telecom_fraud")

SCOPES: dict[str, Scope] = {
    Purpose.GENERAL: Scope(categories=None, lists=None, years=None, positive=True),
    # Government Procurement Law art. 22(5) and its implementing regulation
    # art. 19: no major violation in the 3 years before taking part; buyers
    # check the dishonesty lists (财库〔2016〕125号).
    Purpose.PROCUREMENT: Scope(categories=_NEGATIVE, lists=_DISHONESTY_LISTS, years=3, positive=False),
    # Lenders weigh every negative record and list, and the licences held.
    Purpose.FINANCING: Scope(
        categories=(*_NEGATIVE, "admin_license"),
        lists=(*_DISHONESTY_LISTS, "abnormal_operation"),
        years=None,
        positive=True,
    ),
    # Honours and subsidies: 3 years without dishonesty, and honours held.
    Purpose.HONOURS: Scope(categories=(*_NEGATIVE, "honour"), lists=None, years=3, positive=True),
    # Approvals under 告知承诺制 look at penalties, lists and commitments kept.
    Purpose.ADMINISTRATION: Scope(
        categories=(*_NEGATIVE, "credit_commitment"), lists=_DISHONESTY_LISTS, years=3, positive=True
    ),
}


class CreditReport(models.Model):
    number = models.CharField(_("report number"), max_length=32, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=12)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="credit_reports")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GENERAL)
    as_of = models.DateField(_("as of"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # What the report states, exactly as printed: verification shows it back.
    content = models.JSONField(pgettext_lazy("credit report", "content"))
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")
        constraints = [
            # The same content on the same day is the same report: reloading
            # the PDF does not issue a new number each time.
            models.UniqueConstraint(
                fields=["subject", "as_of", "purpose", "content_sha256"], name="report_one_per_content_and_day"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class DecisionDocument(models.Model):
    """A credit repair decision document (信用修复决定书): the outcome of a
    repair application as issued to the applicant, numbered and verifiable on
    /reports/verify/ like a credit report."""

    number = models.CharField(pgettext_lazy("issued file", "document number"), max_length=32, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=12)
    case = models.ForeignKey("repair.Case", on_delete=models.PROTECT, related_name="decision_documents")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # What the document states, exactly as printed.
    content = models.JSONField(pgettext_lazy("decision document", "content"))
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("repair decision document")
        verbose_name_plural = _("repair decision documents")
        constraints = [
            # One document per outcome: downloading again does not mint numbers.
            models.UniqueConstraint(fields=["case", "content_sha256"], name="decision_one_per_case_outcome"),
        ]

    def __str__(self) -> str:
        return self.number


class IssuedFile(models.Model):
    """A signed PDF exactly as the portal handed it out.

    Kept whole so that every download of a document is the same file, and
    its SHA-256 lets /reports/verify/ recognise an uploaded copy. `number` is
    the document's own number (a credit report's, a repair decision's).
    """

    number = models.CharField(pgettext_lazy("issued file", "document number"), max_length=32)
    language = models.CharField(_("language"), max_length=16)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    content = models.BinaryField(pgettext_lazy("issued file", "content"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued file")
        verbose_name_plural = _("issued files")
        constraints = [
            # One signed file per document and language: the download view
            # looks it up by these two.
            models.UniqueConstraint(fields=["number", "language"], name="issued_file_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.language})"
