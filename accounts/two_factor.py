"""Two-factor authentication for staff (等保三级: 双因素认证 for administrators).

Staff log in with their password, then prove a second factor: a TOTP code
from an authenticator app (django-otp's TOTPDevice), or one of ten
single-use recovery codes (a StaticDevice). Until then, the session is not
"verified" (django_otp.middleware.OTPMiddleware) and
`StaffTwoFactorMiddleware` sends every request to a staff area to the code
page, or to setting up the app the first time.
"""

from __future__ import annotations

import django_otp
import segno
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery codes"
# Areas where staff act with their powers: the back office, the Django
# admin, and the files (proofs, evidence) only staff and their owners see.
STAFF_AREAS = ("/office/", "/admin/", "/accounts/bindings/", "/repair/evidence/")
# The admin's own login and logout stay reachable (they lead back here).
OPEN_PATHS = ("/admin/login/", "/admin/logout/")


def needs_second_factor(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.is_staff


def has_totp(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up: a new key, not confirmed until a code from it is typed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1a1a1a", light="#ffffff")


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code from it; returns the recovery codes (shown once), or None."""
    if not device.verify_token(code.strip()):
        audit_record(action="auth.two_factor.failed", target=device.user, summary="wrong code while setting up")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Only one app per account: setting up again replaces the previous one.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = recovery_codes_issue(user=device.user)
    django_otp.login(request, device)
    audit_record(action="auth.two_factor.setup", target=device.user, summary="authenticator app set up")
    return codes


@transaction.atomic
def recovery_codes_issue(*, user: AbstractBaseUser) -> list[str]:
    """Ten new single-use codes; the previous ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(action="auth.two_factor.recovery_codes", target=user, summary="new recovery codes issued")
    return codes


def second_factor_verify(*, request: HttpRequest, code: str) -> bool:
    """Check a TOTP or recovery code for the logged-in user; on success the session is verified.

    django-otp slows guessing down: each device refuses codes for a while
    after a wrong one (OTP_TOTP_THROTTLE_FACTOR), and a recovery code works once.
    """
    device = django_otp.match_token(request.user, code.strip().replace(" ", ""))
    if device is None:
        audit_record(action="auth.two_factor.failed", target=request.user, summary="wrong second-factor code")
        return False
    django_otp.login(request, device)
    used = "recovery code" if isinstance(device, StaticDevice) else "authenticator app"
    audit_record(action="auth.two_factor.verified", target=request.user, summary=f"second factor: {used}")
    return True


def safe_next(request: HttpRequest, default: str = "/office/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class StaffTwoFactorMiddleware:
    """Staff reach staff areas only once their session passed the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            needs_second_factor(request.user)
            and path.startswith(STAFF_AREAS)
            and not path.startswith(OPEN_PATHS)
            and not request.user.is_verified()
        ):
            name = "accounts:two-factor" if has_totp(request.user) else "accounts:two-factor-setup"
            return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

