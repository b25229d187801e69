"""Who may act for which subject, and which authority a staff member serves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.files import private_storage


class StaffProfile(models.Model):
    """Links a staff user to the authority they decide for (谁认定、谁修复)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    authority = models.ForeignKey(
        "disclosure.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("authority"),
        help_text=_("Authority reviewers decide only cases of this authority."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.authority or '-'})"


class SubjectBinding(models.Model):
    """A user's request to act for a subject, approved or refused by staff.

    Until approved, the user can do nothing for that subject.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bindings")
    subject = models.ForeignKey("disclosure.Subject", on_delete=models.PROTECT, related_name="bindings")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proof = models.FileField(_("proof"), storage=private_storage, upload_to="proof/")
    proof_type = models.CharField(max_length=40)
    proof_name = models.CharField(_("file name as uploaded"), max_length=255)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("subject binding")
        verbose_name_plural = _("subject bindings")
        permissions = [("review_binding", "Can approve or refuse subject bindings")]
        constraints = [
            # One live request per user and subject; a refused one may be filed again.
            models.UniqueConstraint(
                fields=["user", "subject"],
                condition=Q(status__in=["pending", "approved"]),
                name="binding_one_live_per_user_subject",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused"]), name="binding_status_valid"
            ),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(reason=""), name="binding_refusal_has_reason"),
        ]
        indexes = [
            # The staff queue of pending requests, oldest first.
            models.Index(fields=["status", "requested_at"], name="binding_status_requested_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.subject}"
