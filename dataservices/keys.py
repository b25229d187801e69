"""API keys: issue, revoke, authenticate, count usage.

A key looks like `cp_<prefix>.<secret>`: the prefix (8 hex characters)
finds the row, the secret is 32 random bytes; only SHA-256(key) is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record, audit_snapshot
from dataservices.models import ApiKey, ApiKeyDailyUsage
from disclosure import periods

KEY_PREFIX = "cp_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_issue(
    *, name: str, daily_quota: int = 100_000, contact_email: str = "", issued_by: str = ""
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key itself, which is shown once."""
    for _ in range(5):
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    key = f"{KEY_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name,
        contact_email=contact_email,
        daily_quota=daily_quota,
        prefix=prefix,
        key_hash=_hash(key),
        created_by=issued_by,
    )
    audit_record(action="dataservices.api_key.issue", target=api_key, summary=name, after=audit_snapshot(api_key))
    return api_key, key


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Refuse the key from the next request on. Keeps the row for the record."""
    with transaction.atomic():
        revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        api_key.refresh_from_db()
        if revoked:
            audit_record(
                action="dataservices.api_key.revoke",
                target=api_key,
                summary=api_key.name,
                after={"revoked_at": api_key.revoked_at},
            )
    return api_key


def api_key_find(*, key: str) -> ApiKey | None:
    """The key's row if the key is genuine (revoked or not), else None."""
    key = key.strip()
    if not key.startswith(KEY_PREFIX) or "." not in key:
        return None
    prefix = key[len(KEY_PREFIX) :].split(".", 1)[0]
    api_key = ApiKey.objects.filter(prefix=prefix).first()
    # Constant-time comparison: the prefix is public, the secret is not.
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(key)):
        return None
    return api_key


def api_key_count_request(*, api_key: ApiKey, day: dt.date | None = None) -> int:
    """Count one request; returns the key's requests on that Beijing day.

    Increments in the database (F() expressions), so concurrent requests
    across server processes are all counted.
    """
    day = day or periods.today()
    updated = ApiKeyDailyUsage.objects.filter(api_key=api_key, day=day).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ApiKeyDailyUsage.objects.create(api_key=api_key, day=day, count=1)
        except IntegrityError:
            # Another request created today's row first.
            ApiKeyDailyUsage.objects.filter(api_key=api_key, day=day).update(count=F("count") + 1)
    ApiKey.objects.filter(pk=api_key.pk).update(usage_count=F("usage_count") + 1, last_used_at=timezone.now())
    return ApiKeyDailyUsage.objects.get(api_key=api_key, day=day).count
