"""Webhooks: change-feed events pushed to API-key holders.

Run in production by `manage.py deliver_webhooks` every minute (cron or a
systemd timer; see dataservices/README.md). One run does two things:

1. enqueue: for each active webhook, read the change feed from the
   webhook's position and create one delivery per event (the webhook row is
   locked, and a unique constraint makes a repeat harmless);
2. deliver: POST each due delivery. A delivery is claimed with a
   compare-and-set (`UPDATE ... WHERE claimed_until IS NULL OR < now`) that
   must return 1, so two runs at once never send the same delivery twice.
   Each webhook's deliveries go out in order, different webhooks in
   parallel (WEBHOOK_DELIVERY_WORKERS threads), each POST within
   TIMEOUT_SECONDS, so that slow endpoints delay only themselves.
   Failures are retried with exponential backoff (1, 2, 4 … minutes, at most
   6 hours) and given up after MAX_ATTEMPTS. Redirects are not followed.

Each POST carries the JSON of one change-feed item and the headers
`X-Signature: t=<unix time>,sha256=<hex>` where hex is
HMAC-SHA256(secret, "<t>.<body>"), `X-Event-Id` and `X-Delivery-Id`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.services import audit_record
from dataservices.models import ApiKey, Webhook, WebhookDelivery
from disclosure import feed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=2)
TIMEOUT_SECONDS = 10


class WebhookURLRefused(ValueError):
    """A URL the portal will not call: not http(s), or a private address."""


class WebhookLimitReached(ValueError):
    """The key already has WEBHOOKS_PER_KEY active webhooks."""


# NAT64 prefixes (RFC 6052, RFC 8215): the last 32 bits are an IPv4 address
# that a translator on the path would connect to.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, 6to4, Teredo, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if int(address) >> 32 == 0 or any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, reserved or multicast, also when hidden in an IPv6 form."""
    if not address.is_global or address.is_multicast:
        return True
    embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    return embedded is not None and (not embedded.is_global or embedded.is_multicast)


@dataclass(frozen=True)
class Target:
    """A webhook URL with the addresses it resolved to, all checked."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def resolve(url: str) -> Target:
    """Resolve a webhook URL once and check every address it resolves to.

    Webhook URLs come from outside parties; a loopback, private, link-local
    or reserved address would let them probe internal services (SSRF). The
    delivery then connects to one of these very addresses: resolving again
    when connecting would let a name answer differently the second time (DNS
    rebinding). WEBHOOK_ALLOW_PRIVATE_ADDRESSES (tests, closed networks)
    lifts the address check.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookURLRefused("only http and https URLs can receive webhooks")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        raise WebhookURLRefused("the host name does not resolve") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not getattr(settings, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        for text in addresses:
            if is_internal(ipaddress.ip_address(text.split("%", 1)[0])):
                raise WebhookURLRefused("the URL points to a private or reserved address")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=parts.hostname, port=port, path=path, addresses=addresses)


def check_url(url: str) -> None:
    """Refuse URLs that would make the portal call into its own network (see resolve)."""
    resolve(url)


def webhooks_of(*, api_key: ApiKey) -> QuerySet[Webhook]:
    return Webhook.objects.filter(api_key=api_key, active=True).order_by("pk")


@transaction.atomic
def webhook_register(*, api_key: ApiKey, url: str) -> Webhook:
    """A new webhook receives the events committed after its registration.

    A key has at most WEBHOOKS_PER_KEY active webhooks, so that no agency can
    take more than its share of the delivery run.
    """
    check_url(url)
    # Lock the key: two registrations at once must count each other.
    ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
    limit = settings.WEBHOOKS_PER_KEY
    if Webhook.objects.filter(api_key=api_key, active=True).count() >= limit:
        raise WebhookLimitReached(f"a key can have at most {limit} webhooks; remove one first")
    txid, event_id = feed.head()
    hook = Webhook.objects.create(
        api_key=api_key, url=url, secret=secrets.token_hex(32), feed_txid=txid, feed_event_id=event_id
    )
    audit_record(
        action="dataservices.webhook.register",
        target=hook,
        actor=f"api-key:{api_key.prefix}",
        summary=f"{api_key.name}: {url}",
        after={"api_key": api_key.pk, "url": url},
    )
    return hook


@transaction.atomic
def webhook_remove(*, api_key: ApiKey, pk: int) -> bool:
    if Webhook.objects.filter(api_key=api_key, pk=pk, active=True).update(active=False) != 1:
        return False
    audit_record(
        action="dataservices.webhook.remove",
        target_type="dataservices.webhook",
        target_id=str(pk),
        actor=f"api-key:{api_key.prefix}",
        summary=api_key.name,
        before={"active": True},
        after={"active": False},
    )
    return True


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


def open_connection(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to this very address (never a host name resolved again)."""
    return socket.create_connection((address, port), timeout=timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a checked address; the Host header still names the host."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = open_connection(self.address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified for the host name (SNI)."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = open_connection(self.address, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class _Outgoing:
    """What a POST needs, read from the database before the request leaves
    the main thread (worker threads never touch the database)."""

    delivery_id: int
    webhook_id: int
    url: str
    secret: str
    event_id: int
    attempts: int
    body: bytes
    lease: dt.datetime


def _post(outgoing: _Outgoing) -> tuple[int | None, str]:
    """POST one delivery: (HTTP status or None, error). Redirects are not followed."""
    try:
        target = resolve(outgoing.url)
    except WebhookURLRefused as exc:
        return None, str(exc)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "creditportal-webhooks/1",
        "X-Signature": sign(secret=outgoing.secret, body=outgoing.body, timestamp=int(time.time())),
        "X-Event-Id": str(outgoing.event_id),
        "X-Delivery-Id": str(outgoing.delivery_id),
    }
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    error = "no address to connect to"
    for address in target.addresses[:2]:
        connection = connection_class(target, address, TIMEOUT_SECONDS)
        # The socket timeout restarts with every byte; this deadline does not,
        # so that an endpoint trickling its answer cannot hold a worker.
        deadline = threading.Timer(TIMEOUT_SECONDS, _abort, args=(connection,))
        deadline.start()
        try:
            connection.request("POST", target.path, body=outgoing.body, headers=headers)
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException) as exc:
            error = str(exc)[:500] or exc.__class__.__name__
            continue
        finally:
            deadline.cancel()
            connection.close()
        if 300 <= status < 400:
            return status, f"HTTP {status}: redirects are not followed; register the final URL"
        return status, "" if 200 <= status < 300 else f"HTTP {status}"
    return None, error


def _abort(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _post_in_order(batch: list[_Outgoing]) -> list[tuple[_Outgoing, int | None, str]]:
    """One webhook's deliveries, oldest first, until one fails (so that each
    endpoint sees events in order) or the lease is half gone."""
    results = []
    stop_at = time.monotonic() + LEASE.total_seconds() / 2
    for outgoing in batch:
        if time.monotonic() > stop_at:
            break
        status_code, error = _post(outgoing)
        results.append((outgoing, status_code, error))
        if not (status_code is not None and 200 <= status_code < 300):
            break
    return results


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _record(result: DeliveryResult, outgoing: _Outgoing, status_code: int | None, error: str) -> None:
    attempts = outgoing.attempts + 1
    mine = WebhookDelivery.objects.filter(pk=outgoing.delivery_id, claimed_until=outgoing.lease)
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
        return
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
    logger.warning("webhook delivery %s to %s failed: %s", outgoing.delivery_id, outgoing.url, error)


def webhooks_deliver(*, limit: int = 1000, per_webhook: int = 100) -> DeliveryResult:
    """POST due deliveries: each webhook's in order, the webhooks in parallel.

    A slow or dead endpoint occupies one worker thread for at most
    TIMEOUT_SECONDS per POST and stops at its first failure, so other
    agencies' deliveries go out meanwhile. A webhook whose delivery fails gets
    no later deliveries in this run. Worker threads only speak HTTP; claims
    and results are written by this thread.
    """
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
    batches: dict[int, list[_Outgoing]] = {}
    for delivery_id, webhook_id in due:
        if webhook_id in blocked or len(batches.get(webhook_id, ())) >= per_webhook:
            result.skipped += 1
            continue
        lease = _claim(delivery_id, timezone.now())
        if lease is None:
            result.skipped += 1
            continue
        delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
        batches.setdefault(webhook_id, []).append(
            _Outgoing(
                delivery_id=delivery.pk,
                webhook_id=webhook_id,
                url=delivery.webhook.url,
                secret=delivery.webhook.secret,
                event_id=delivery.event_id,
                attempts=delivery.attempts,
                body=body,
                lease=lease,
            )
        )
    if not batches:
        return result
    workers = min(settings.WEBHOOK_DELIVERY_WORKERS, len(batches))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook") as pool:
        futures = {pool.submit(_post_in_order, batch): batch for batch in batches.values()}
        for future in as_completed(futures):
            sent = future.result()
            for outgoing, status_code, error in sent:
                _record(result, outgoing, status_code, error)
            # Not attempted (after a failure, or out of time): free the claim for the next run.
            for outgoing in futures[future][len(sent) :]:
                WebhookDelivery.objects.filter(pk=outgoing.delivery_id, claimed_until=outgoing.lease).update(
                    claimed_until=None
                )
                result.skipped += 1
    return result
