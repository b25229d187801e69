"""Session timeouts (等保三级: 登录连接超时自动退出).

Every session ends after SESSION_IDLE_MINUTES without a request (staff:
STAFF_SESSION_IDLE_MINUTES) and a staff session after STAFF_SESSION_MAX_HOURS
since logging in, however active; SESSION_COOKIE_AGE bounds all of them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

LOGIN_AT = "login_at"
LAST_SEEN = "last_seen"
# Store the time of the last request at most this often: not a session
# write on every request.
TOUCH_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="session_login_time")
def _remember_login_time(sender, request: HttpRequest, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[LAST_SEEN] = time.time()


def _expired(request: HttpRequest, now: float) -> str | None:
    staff = request.user.is_staff
    idle_minutes = settings.STAFF_SESSION_IDLE_MINUTES if staff else settings.SESSION_IDLE_MINUTES
    last_seen = request.session.get(LAST_SEEN)
    if last_seen is not None and now - last_seen > idle_minutes * 60:
        return _("You were logged out after %(minutes)d minutes without activity.") % {"minutes": idle_minutes}
    login_at = request.session.get(LOGIN_AT)
    if staff and login_at is not None and now - login_at > settings.STAFF_SESSION_MAX_HOURS * 3600:
        return _("You were logged out: a back-office session lasts at most %(hours)d hours.") % {
            "hours": settings.STAFF_SESSION_MAX_HOURS
        }
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.user.is_authenticated:
            now = time.time()
            reason = _expired(request, now)
            if reason is not None:
                logout(request)
                messages.info(request, reason)
            elif now - request.session.get(LAST_SEEN, 0) > TOUCH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
