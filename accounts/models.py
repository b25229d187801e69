"""Who may act for which subject, and which authority a staff member serves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.files import private_storage
from disclosure.models import mask_identity_number


class StaffProfile(models.Model):
    """Links a staff user to the authority they decide for (谁认定、谁修复)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    authority = models.ForeignKey(
        "disclosure.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=pgettext_lazy("staff profile", "authority"),
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
        REFUSED = "refused", pgettext_lazy("binding status", "Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bindings")
    # Empty for a natural person's claim that matches nobody the portal holds:
    # the request is filed all the same, so that the form never tells whether
    # an identity number and name are held (staff decide from the proof).
    subject = models.ForeignKey(
        "disclosure.Subject", on_delete=models.PROTECT, null=True, blank=True, related_name="bindings"
    )
    # A natural person's claim as typed (normalised): shown masked to the user,
    # matched against the portal's subjects only by staff.
    claimed_identity_number = models.CharField(_("identity number claimed"), max_length=18, blank=True)
    claimed_name = models.CharField(_("name claimed"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proof = models.FileField(_("proof"), storage=private_storage, upload_to="proof/")
    proof_type = models.CharField(max_length=40)
    proof_name = models.CharField(_("file name as uploaded"), max_length=255)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(pgettext_lazy("binding review", "reason"), blank=True)

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
            # One live claim per user and identity number, whatever it matches.
            models.UniqueConstraint(
                fields=["user", "claimed_identity_number"],
                condition=Q(status__in=["pending", "approved"]) & ~Q(claimed_identity_number=""),
                name="binding_one_live_claim_per_user_number",
            ),
            # A request names a subject or is a person's claim; only a request
            # with a subject can be approved.
            models.CheckConstraint(
                condition=Q(subject__isnull=False) | ~Q(claimed_identity_number=""), name="binding_subject_or_claim"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(subject__isnull=False), name="binding_approved_has_subject"
            ),
        ]
        indexes = [
            # The staff queue of pending requests, oldest first.
            models.Index(fields=["status", "requested_at"], name="binding_status_requested_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.subject or self.masked_claimed_identity_number}"

    @property
    def is_person_claim(self) -> bool:
        return bool(self.claimed_identity_number)

    @property
    def masked_claimed_identity_number(self) -> str:
        return mask_identity_number(self.claimed_identity_number)


class PendingRegistration(models.Model):
    """An account registered on the portal whose e-mail address is not confirmed yet.

    Its user is inactive. Only such an account is activated by proving the
    address (confirmation link with its password, or a password reset): an
    account deactivated by staff has no row here and stays inactive.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_registration")
    registered_at = models.DateTimeField(_("time of registration"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration awaiting confirmation")
        verbose_name_plural = _("registrations awaiting confirmation")

    def __str__(self) -> str:
        return str(self.user)
