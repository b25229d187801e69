"""Writes for accounts: registration, e-mail verification, subject bindings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.files import sniff_upload, stored_name
from accounts.models import PendingRegistration, SubjectBinding
from audit.services import audit_record
from creditportal.mail_limits import mail_allowed
from disclosure.models import Subject


class AccountError(Exception):
    """An application error with a message meant for the user."""


def _mail_later(*, to: str, subject: str, body: str) -> None:
    # Mail only once the change is committed: a rollback must not leave a
    # message pointing at something that does not exist.
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False))


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Links confirming an e-mail address; a different salt, so that they are no password-reset links."""

    key_salt = "accounts.services.ConfirmationTokenGenerator"


confirmation_tokens = ConfirmationTokenGenerator()


def _users_with_address(email: str):
    User = get_user_model()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email))


def _send_confirmation(user: AbstractBaseUser, next_url: str = "") -> None:
    if not mail_allowed(address=user.email):
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse(
        "accounts:verify", kwargs={"uidb64": uid, "token": confirmation_tokens.make_token(user)}
    )
    if next_url:
        # Where the visitor was going (a repair application): they land there once confirmed.
        link += "?" + urlencode({"next": next_url})
    _mail_later(
        to=user.email,
        subject=_("Confirm your e-mail address for the Credit Portal"),
        body=_(
            "Open this link and enter the password you chose when registering, to confirm your e-mail address "
            "and activate your account:\n\n%(link)s\n\n"
            "If you did not register, or do not know that password, choose a new one here (this also activates "
            "the account for you, the owner of this address):\n\n%(reset)s\n"
        )
        % {"link": link, "reset": settings.SITE_URL + reverse("password_reset")},
    )


def _send_account_exists(user: AbstractBaseUser) -> None:
    if not mail_allowed(address=user.email):
        return
    _mail_later(
        to=user.email,
        subject=_("Your account on the Credit Portal"),
        body=_(
            "Someone asked to register an account with this e-mail address, which already has one. If it was "
            "you, log in:\n\n%(login)s\n\nForgot your password? Choose a new one:\n\n%(reset)s\n\n"
            "If it was not you, you can ignore this message: nothing was changed."
        )
        % {"login": settings.SITE_URL + reverse("login"), "reset": settings.SITE_URL + reverse("password_reset")},
    )


@transaction.atomic
def user_register(*, email: str, password: str, next_url: str = "") -> None:
    """Register an address, answering alike whether or not it has an account.

    A new address gets an inactive account and a confirmation link. An
    address that has an account gets a message instead (log in, or choose a
    new password); one still waiting for confirmation gets the link again.
    The password typed here is used only for a new account: someone else's
    registration of an address cannot set or change its password.
    `next_url` (a path on this site, checked by the caller) rides along in
    the confirmation link.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    existing = _users_with_address(email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(username=email, email=email, password=password, is_active=False)
                PendingRegistration.objects.create(user=user)
        except IntegrityError:
            existing = _users_with_address(email).first()  # registered at the same moment
        else:
            audit_record(action="accounts.user.register", target=user, actor=user, summary="registered, unconfirmed")
            _send_confirmation(user, next_url)
            return
    if existing is None:
        return
    if PendingRegistration.objects.filter(user=existing).exists():
        _send_confirmation(existing, next_url)
    elif existing.is_active:
        _send_account_exists(existing)
    # An account deactivated by staff gets nothing.


def registration_resend(*, email: str) -> None:
    """Send the confirmation link again to an account waiting for it; silent otherwise."""
    email = get_user_model().objects.normalize_email(email).strip().lower()
    user = _users_with_address(email).filter(pending_registration__isnull=False).first()
    if user is not None:
        _send_confirmation(user)


def confirmation_user(*, uidb64: str, token: str) -> AbstractBaseUser:
    """The account a confirmation link is for, or AccountError."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode(), pending_registration__isnull=False)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise AccountError(_("This confirmation link is not valid or has already been used.")) from None
    if not confirmation_tokens.check_token(user, token):
        raise AccountError(_("This confirmation link is not valid or has expired."))
    return user


@transaction.atomic
def user_verify_email(*, uidb64: str, token: str, password: str) -> AbstractBaseUser:
    """Activate an account: a valid link (proves the address) and its password (proves the registration).

    Asking for the password stops an address's owner from activating, by
    following a link they did not ask for, an account someone else registered
    with their address and a password the other knows.
    """
    user = confirmation_user(uidb64=uidb64, token=token)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise AccountError(
            _(
                "This is not the password chosen when registering. If you did not choose it, or forgot it, "
                "choose a new password instead."
            )
        )
    _activate(user, how="confirmed with the link and the password")
    return user


def _activate(user: AbstractBaseUser, *, how: str) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    PendingRegistration.objects.filter(user=user).delete()
    audit_record(action="accounts.user.confirm", target=user, actor=user, summary=how)


@transaction.atomic
def password_set_by_reset(*, user: AbstractBaseUser) -> None:
    """After a password reset (the address is proven): activate an account waiting for confirmation."""
    if PendingRegistration.objects.filter(user=user).exists():
        _activate(user, how="confirmed by choosing a new password")
    audit_record(action="accounts.password.reset", target=user, actor=user, summary="new password chosen by e-mail link")


_LIVE = [SubjectBinding.Status.PENDING, SubjectBinding.Status.APPROVED]


def _check_request_rate(user: AbstractBaseUser) -> None:
    """At most BINDING_REQUESTS_PER_DAY requests per account in 24 hours.

    The user row is locked so that simultaneous submits count each other.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    since = timezone.now() - dt.timedelta(days=1)
    if SubjectBinding.objects.filter(user=user, requested_at__gte=since).count() >= settings.BINDING_REQUESTS_PER_DAY:
        raise AccountError(
            _("You have sent %(n)d requests in the last 24 hours, the most allowed. Please try again tomorrow.")
            % {"n": settings.BINDING_REQUESTS_PER_DAY}
        )


def _file_request(binding: SubjectBinding, proof: UploadedFile, duplicate_message: str) -> SubjectBinding:
    try:
        mime = sniff_upload(proof)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from None
    binding.proof_type, binding.proof_name = mime, proof.name[:255]
    binding.proof.save(stored_name("proof", mime), proof, save=False)
    try:
        with transaction.atomic():
            binding.save()
    except IntegrityError:
        binding.proof.delete(save=False)
        raise AccountError(duplicate_message) from None
    # Never the claimed identity number in full: the trail is read by auditors.
    audit_record(
        action="accounts.binding.request",
        target=binding,
        actor=binding.user,
        summary=str(binding.subject) if binding.subject else binding.masked_claimed_identity_number,
        after={"subject": binding.subject_id, "status": binding.status, "proof_type": mime},
    )
    return binding


@transaction.atomic
def binding_request(*, user: AbstractBaseUser, subject: Subject, proof: UploadedFile) -> SubjectBinding:
    """Ask to act for a subject; the proof (e.g. business licence) is checked by content."""
    _check_request_rate(user)
    duplicate = _("You have already asked to act for this subject.")
    if SubjectBinding.objects.filter(user=user, subject=subject, status__in=_LIVE).exists():
        raise AccountError(duplicate)
    return _file_request(SubjectBinding(user=user, subject=subject), proof, duplicate)


@transaction.atomic
def binding_request_person(
    *, user: AbstractBaseUser, identity_number: str, name: str, proof: UploadedFile
) -> SubjectBinding:
    """A natural person asks to act for their own data (identity card as proof).

    The request is filed the same way whether or not the portal holds a person
    with this identity number and name, and the user is told the same thing:
    an answer that differed would let anyone recover a full identity number
    from the masked one shown in public (6 + 4 characters). Staff see the
    match and decide from the identity card.
    """
    _check_request_rate(user)
    number, name = identity_number.strip().upper(), name.strip()
    duplicate = _("You have already asked to act for the data of this identity number.")
    if SubjectBinding.objects.filter(user=user, claimed_identity_number=number, status__in=_LIVE).exists():
        raise AccountError(duplicate)
    binding = SubjectBinding(
        user=user,
        subject=selectors.person_subject_get(identity_number=number, name=name),
        claimed_identity_number=number,
        claimed_name=name,
    )
    return _file_request(binding, proof, duplicate)


@transaction.atomic
def binding_decide(
    *, binding: SubjectBinding, actor: AbstractBaseUser, approve: bool, reason: str = ""
) -> SubjectBinding:
    """Approve or refuse a pending binding; who and when are recorded on it."""
    # Lock: two reviewers deciding the same request must not both win.
    binding = (
        SubjectBinding.objects.select_for_update(of=("self",)).select_related("user", "subject").get(pk=binding.pk)
    )
    if binding.status != SubjectBinding.Status.PENDING:
        raise AccountError(_("This request has already been decided."))
    if binding.user_id == actor.pk:
        raise AccountError(_("You cannot review your own request."))
    reason = reason.strip()
    if not approve and not reason:
        raise AccountError(_("A refusal needs a reason."))
    if approve and binding.subject is None:
        # A person imported since the request was filed matches now.
        binding.subject = selectors.person_subject_get(
            identity_number=binding.claimed_identity_number, name=binding.claimed_name
        )
        if binding.subject is None:
            raise AccountError(
                _("The portal holds no person with this identity number and name: refuse the request, saying so.")
            )
    binding.status = SubjectBinding.Status.APPROVED if approve else SubjectBinding.Status.REFUSED
    binding.reason = reason
    binding.decided_by = actor
    binding.decided_at = timezone.now()
    binding.save(update_fields=["subject", "status", "reason", "decided_by", "decided_at"])
    audit_record(
        action="accounts.binding.decide",
        target=binding,
        actor=actor,
        summary=f"{binding.user.get_username()} → {binding.subject}: {binding.status}",
        before={"status": SubjectBinding.Status.PENDING},
        after={"status": binding.status, "subject": binding.subject_id, "reason": reason},
    )
    # In the portal's language (Chinese), whatever language the reviewer's page is in.
    with translation.override(settings.LANGUAGE_CODE):
        # A refused person's claim names only what the user typed: the refusal
        # must not confirm whom the portal holds.
        named = binding.claimed_name if binding.is_person_claim else binding.subject.name
        if approve:
            body = _("You may now act for %(subject)s on the Credit Portal.") % {"subject": binding.subject.name}
            link = settings.SITE_URL + reverse("repair:check", args=[binding.subject.key])
            body += "\n\n" + _("What can be repaired, and the application: %(link)s") % {"link": link}
        else:
            body = _("Your request to act for %(subject)s was refused. Reason: %(reason)s") % {
                "subject": named,
                "reason": reason,
            }
        _mail_later(to=binding.user.email, subject=_("Your request to act for a subject"), body=body)
    return binding
