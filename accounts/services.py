"""Writes for accounts: registration, e-mail verification, subject bindings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.files import sniff_upload, stored_name
from accounts.models import SubjectBinding
from disclosure.models import Subject


class AccountError(Exception):
    """An application error with a message meant for the user."""


def _mail_later(*, to: str, subject: str, body: str) -> None:
    # Mail only once the change is committed: a rollback must not leave a
    # message pointing at something that does not exist.
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False))


@transaction.atomic
def user_register(*, email: str, password: str) -> AbstractBaseUser:
    """An inactive user whose e-mail must be verified before logging in."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("An account with this e-mail address already exists."))
    try:
        user = User.objects.create_user(username=email, email=email, password=password, is_active=False)
    except IntegrityError:
        raise AccountError(_("An account with this e-mail address already exists.")) from None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("accounts:verify", kwargs={"uidb64": uid, "token": token})
    _mail_later(
        to=email,
        subject=_("Confirm your e-mail address for the Credit Portal"),
        body=_("Open this link to confirm your e-mail address and activate your account:\n\n%(link)s\n")
        % {"link": link},
    )
    return user


@transaction.atomic
def user_verify_email(*, uidb64: str, token: str) -> AbstractBaseUser:
    User = get_user_model()
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.select_for_update().get(pk=pk)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise AccountError(_("This confirmation link is not valid.")) from None
    if not default_token_generator.check_token(user, token):
        raise AccountError(_("This confirmation link is not valid or has expired."))
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def binding_request(*, user: AbstractBaseUser, subject: Subject, proof: UploadedFile) -> SubjectBinding:
    """Ask to act for a subject; the proof (e.g. business licence) is checked by content."""
    try:
        mime = sniff_upload(proof)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    if SubjectBinding.objects.filter(
        user=user, subject=subject, status__in=[SubjectBinding.Status.PENDING, SubjectBinding.Status.APPROVED]
    ).exists():
        raise AccountError(_("You have already asked to act for this subject."))
    binding = SubjectBinding(user=user, subject=subject, proof_type=mime, proof_name=proof.name[:255])
    binding.proof.save(stored_name("proof", mime), proof, save=False)
    try:
        with transaction.atomic():
            binding.save()
    except IntegrityError:
        binding.proof.delete(save=False)
        raise AccountError(_("You have already asked to act for this subject.")) from None
    return binding


@transaction.atomic
def binding_decide(
    *, binding: SubjectBinding, actor: AbstractBaseUser, approve: bool, reason: str = ""
) -> SubjectBinding:
    """Approve or refuse a pending binding; who and when are recorded on it."""
    # Lock: two reviewers deciding the same request must not both win.
    binding = SubjectBinding.objects.select_for_update().select_related("user", "subject").get(pk=binding.pk)
    if binding.status != SubjectBinding.Status.PENDING:
        raise AccountError(_("This request has already been decided."))
    if binding.user_id == actor.pk:
        raise AccountError(_("You cannot review your own request."))
    reason = reason.strip()
    if not approve and not reason:
        raise AccountError(_("A refusal needs a reason."))
    binding.status = SubjectBinding.Status.APPROVED if approve else SubjectBinding.Status.REFUSED
    binding.reason = reason
    binding.decided_by = actor
    binding.decided_at = timezone.now()
    binding.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    # In the portal's language (Chinese), whatever language the reviewer's page is in.
    with translation.override(settings.LANGUAGE_CODE):
        if approve:
            body = _("You may now act for %(subject)s on the Credit Portal.") % {"subject": binding.subject.name}
        else:
            body = _("Your request to act for %(subject)s was refused. Reason: %(reason)s") % {
                "subject": binding.subject.name,
                "reason": reason,
            }
        _mail_later(to=binding.user.email, subject=_("Your request to act for a subject"), body=body)
    return binding
