"""Credit reports (信用报告) that replace "no violation" certificates.

A report is a snapshot of what was disclosed about a subject on one day,
issued with a number and a verification code so that whoever receives the
PDF (a procurement office, a bank) can check it on /reports/verify/.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models import Subject


class Purpose(models.TextChoices):
    GENERAL = "general", _("General credit report")
    PROCUREMENT = "procurement", _("Government procurement and bidding")
    FINANCING = "financing", _("Listing, financing and loans")
    HONOURS = "honours", _("Honours, awards and subsidies")
    ADMINISTRATION = "administration", _("Administrative approval")


class CreditReport(models.Model):
    number = models.CharField(_("report number"), max_length=32, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=12)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="credit_reports")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GENERAL)
    as_of = models.DateField(_("as of"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # What the report states, exactly as printed: verification shows it back.
    content = models.JSONField(_("content"))
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

    number = models.CharField(_("document number"), max_length=32, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=12)
    case = models.ForeignKey("repair.Case", on_delete=models.PROTECT, related_name="decision_documents")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # What the document states, exactly as printed.
    content = models.JSONField(_("content"))
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
