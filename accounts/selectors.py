"""Reads for accounts: which subjects a user may act for."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from accounts.models import StaffProfile, SubjectBinding
from disclosure.models import Authority, Subject, SubjectType


def subjects_bound(*, user: AbstractBaseUser) -> QuerySet[Subject]:
    """Subjects the user is approved to act for."""
    if not user.is_authenticated:
        return Subject.objects.none()
    return Subject.objects.filter(bindings__user=user, bindings__status=SubjectBinding.Status.APPROVED).distinct()


def user_may_act_for(*, user: AbstractBaseUser, subject: Subject) -> bool:
    return subjects_bound(user=user).filter(pk=subject.pk).exists()


def subjects_related(*, user: AbstractBaseUser) -> QuerySet[Subject]:
    """Subjects the user is bound to or asked to be: a conflict of interest for review."""
    return Subject.objects.filter(
        bindings__user=user,
        bindings__status__in=[SubjectBinding.Status.PENDING, SubjectBinding.Status.APPROVED],
    ).distinct()


def staff_authority(*, user: AbstractBaseUser) -> Authority | None:
    profile = StaffProfile.objects.filter(user=user).select_related("authority").first()
    return profile.authority if profile else None


def bindings_pending() -> QuerySet[SubjectBinding]:
    return SubjectBinding.objects.filter(status=SubjectBinding.Status.PENDING).select_related("user", "subject")


def person_subject_get(*, identity_number: str, name: str) -> Subject | None:
    """A natural person's subject by identity number AND name, for binding to their own data.

    Never exposed to the public: only a logged-in user asking to act for
    themself reaches this, and staff check the identity card before approving.
    """
    return Subject.objects.filter(
        subject_type=SubjectType.NATURAL_PERSON, identity_number=identity_number.upper(), name=name.strip()
    ).first()
