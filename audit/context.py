"""Who is acting and from where, for the audit trail and the login lockout.

`AuditContextMiddleware` makes the current request known to
`audit.services.audit_record`, so that services need not pass it along.
"""

from __future__ import annotations

import ipaddress
import sys
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with API_NUM_PROXIES trusted
    proxies in front, the address that many hops back in X-Forwarded-For
    (the same rule as the API throttle, so that a forged header changes
    nothing without a proxy)."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = request.META.get("REMOTE_ADDR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def current_request() -> HttpRequest | None:
    return _current.get()


def channel_of(request: HttpRequest | None) -> str:
    """How the action came in: "POST /office/cases/5/transition/" or "manage.py import_records"."""
    if request is not None:
        return f"{request.method} {request.path}"[:300]
    if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py"):
        return f"manage.py {sys.argv[1]}"[:300]
    return ""


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
