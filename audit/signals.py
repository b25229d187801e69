"""Logins, logouts and failed logins go into the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action="auth.login", target=user, actor=user, summary="logged in")


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="auth.logout", target=user, actor=user, summary="logged out")


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password by asterisks in `credentials`.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="auth.login_failed",
        actor="anonymous",
        target_type="auth.user",
        target_id=username[:64],
        summary=f"failed login as {username!r}",
    )
