"""Throttling: anonymous clients per address, API keys per daily quota.

Both record what they decided on the request, and the API views turn that
into `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
headers; a refusal is 429 with `Retry-After` (DRF).
"""

from __future__ import annotations

import time

from django.core.cache import caches
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from dataservices.keys import api_key_count_request
from dataservices.models import ApiKey, beijing_midnight_after
from disclosure import periods


class AnonymousRateThrottle(SimpleRateThrottle):
    """Free use without a key, limited per client address (rate "anon")."""

    scope = "anon"

    @property
    def cache(self):
        # Shared by all server processes (settings.CACHES), not per worker.
        return caches["shared"]

    def get_rate(self) -> str | None:
        # Read at request time, so that a settings change (and tests) apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Request, view) -> str | None:
        if isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        allowed = super().allow_request(request, view)
        if self.key is not None and self.rate is not None:
            remaining = max(0, self.num_requests - len(self.history))
            reset = int(self.history[-1] + self.duration) if self.history else int(time.time() + self.duration)
            request.rate_limit = (self.num_requests, remaining, reset)
        return allowed


class ApiKeyQuotaThrottle(SimpleRateThrottle):
    """Per-key daily quota (Beijing day), counted in the database."""

    scope = "api_key"
    rate = None

    def __init__(self) -> None:
        pass

    def allow_request(self, request: Request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        day = periods.today()
        used = api_key_count_request(api_key=api_key, day=day)
        reset = beijing_midnight_after(day)
        self.reset_in = max(1, int((reset - timezone.now()).total_seconds()))
        request.rate_limit = (api_key.daily_quota, max(0, api_key.daily_quota - used), int(reset.timestamp()))
        return used <= api_key.daily_quota

    def wait(self) -> float:
        return self.reset_in
