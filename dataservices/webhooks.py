"""Webhooks: change-feed events pushed to API-key holders.

Run in production by `manage.py deliver_webhooks` every minute (cron or a
systemd timer; see dataservices/README.md). One run does two things:

1. enqueue: for each active webhook, read the change feed from the
   webhook's position and create one delivery per event (the webhook row is
   locked, and a unique constraint makes a repeat harmless);
2. deliver: POST each due delivery. A delivery is claimed with a
   compare-and-set (`UPDATE ... WHERE claimed_until IS NULL OR < now`) that
   must return 1, so two runs at once never send the same delivery twice.
   Failures are retried with exponential backoff (1, 2, 4 … minutes, at most
   6 hours) and given up after MAX_ATTEMPTS.

Each POST carries the JSON of one change-feed item and the headers
`X-Signature: t=<unix time>,sha256=<hex>` where hex is
HMAC-SHA256(secret, "<t>.<body>"), `X-Event-Id` and `X-Delivery-Id`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dataservices.models import ApiKey, Webhook, WebhookDelivery
from disclosure import feed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=2)
TIMEOUT_SECONDS = 10


class WebhookURLRefused(ValueError):
    """A URL the portal will not call: not http(s), or a private address."""


def check_url(url: str) -> None:
    """Refuse URLs that would make the portal call into its own network.

    Webhook URLs come from outside parties; resolving them to a loopback,
    private, link-local or reserved address would let them probe internal
    services (SSRF). Checked at registration and again before each POST,
    since DNS answers can change. WEBHOOK_ALLOW_PRIVATE_ADDRESSES (tests,
    closed networks) lifts the address check.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookURLRefused("only http and https URLs can receive webhooks")
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError:
        raise WebhookURLRefused("the host name does not resolve") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise WebhookURLRefused("the URL points to a private or reserved address")


def webhooks_of(*, api_key: ApiKey) -> QuerySet[Webhook]:
    return Webhook.objects.filter(api_key=api_key, active=True).order_by("pk")


@transaction.atomic
def webhook_register(*, api_key: ApiKey, url: str) -> Webhook:
    """A new webhook receives the events committed after its registration."""
    check_url(url)
    txid, event_id = feed.head()
    return Webhook.objects.create(
        api_key=api_key, url=url, secret=secrets.token_hex(32), feed_txid=txid, feed_event_id=event_id
    )


def webhook_remove(*, api_key: ApiKey, pk: int) -> bool:
    return Webhook.objects.filter(api_key=api_key, pk=pk, active=True).update(active=False) == 1


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},sha256={digest}"


def item_payload(item: feed.FeedItem) -> dict:
    from disclosure.serializers import ChangeSerializer

    return json.loads(json.dumps(ChangeSerializer(item).data, cls=DjangoJSONEncoder))


def webhooks_enqueue(*, batch: int = 500) -> int:
    """Create deliveries for new change-feed events. Returns how many."""
    feed.materialise_calendar_events()
    created = 0
    for hook_id in Webhook.objects.filter(active=True, api_key__revoked_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            # Lock the webhook: a concurrent run waits here, then reads the
            # position this one stored.
            hook = Webhook.objects.select_for_update().get(pk=hook_id)
            page = feed.changes(after=(hook.feed_txid, hook.feed_event_id), limit=batch, materialise=False)
            now = timezone.now()
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(webhook=hook, event=item.event, payload=item_payload(item), next_attempt_at=now)
                    for item in page.items
                ],
                ignore_conflicts=True,
            )
            created += len(page.items)
            hook.feed_txid, hook.feed_event_id = page.position
            hook.save(update_fields=["feed_txid", "feed_event_id"])
    return created


@dataclass
class DeliveryResult:
    delivered: int = 0
    failed: int = 0
    skipped: int = 0


def _claim(delivery_id: int, now: dt.datetime) -> dt.datetime | None:
    lease = now + LEASE
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease)
    )
    return lease if claimed == 1 else None


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    try:
        check_url(delivery.webhook.url)
    except WebhookURLRefused as exc:
        return None, str(exc)
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "creditportal-webhooks/1",
            "X-Signature": sign(secret=delivery.webhook.secret, body=body, timestamp=int(time.time())),
            "X-Event-Id": str(delivery.event_id),
            "X-Delivery-Id": str(delivery.pk),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https only)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        return None, str(exc)[:500]


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def webhooks_deliver(*, limit: int = 1000) -> DeliveryResult:
    """POST due deliveries, oldest first; a webhook whose delivery fails gets
    no later deliveries in this run, so that each endpoint sees events in order."""
    result = DeliveryResult()
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .values_list("pk", "webhook_id")[:limit]
    )
    # A webhook waiting to retry an earlier event gets nothing newer before it.
    blocked: set[int] = set(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__gt=now).values_list(
            "webhook_id", flat=True
        )
    )
    for delivery_id, webhook_id in due:
        if webhook_id in blocked:
            result.skipped += 1
            continue
        lease = _claim(delivery_id, timezone.now())
        if lease is None:
            result.skipped += 1
            continue
        delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
        status_code, error = _post(delivery)
        attempts = delivery.attempts + 1
        mine = WebhookDelivery.objects.filter(pk=delivery_id, claimed_until=lease)
        if status_code is not None and 200 <= status_code < 300:
            mine.update(
                status=WebhookDelivery.Status.DELIVERED,
                attempts=attempts,
                delivered_at=timezone.now(),
                last_status_code=status_code,
                last_error="",
                claimed_until=None,
            )
            result.delivered += 1
            continue
        blocked.add(webhook_id)
        result.failed += 1
        gave_up = attempts >= MAX_ATTEMPTS
        mine.update(
            status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + backoff(attempts),
            last_status_code=status_code,
            last_error=error,
            claimed_until=None,
        )
        logger.warning("webhook delivery %s to %s failed: %s", delivery_id, delivery.webhook.url, error)
    return result
