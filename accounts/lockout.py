"""Hooks of django-axes (login lockout): whose attempts count together, and the page a locked-out client sees."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import audit_record


def username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The account an attempt is for, as the login form normalises it.

    Without this, "Boss@Example.com " and "boss@example.com" would count
    as different accounts and multiply the attempts an attacker gets.
    """
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()[:150]


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    audit_record(
        action="auth.locked_out",
        actor="anonymous",
        target_type="auth.user",
        target_id=username(request, credentials)[:64],
        summary=f"login refused: locked out ({username(request, credentials)!r})",
    )
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": settings.LOGIN_COOLOFF_MINUTES, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
