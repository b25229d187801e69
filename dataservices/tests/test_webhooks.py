"""Webhooks: signed JSON events to a real local HTTP receiver, retried with backoff."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from dataservices import webhooks
from dataservices.keys import api_key_issue
from dataservices.models import Webhook, WebhookDelivery
from dataservices.tests.helpers import NOON, publish_record
from disclosure.models import EndReason
from disclosure.services import record_end_disclosure

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 that records POSTs and answers `status`."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = 204
        self.delay = 0.0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _local_receiver_allowed(settings):
    # The receiver listens on 127.0.0.1, which production refuses.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def key_holder(at_noon):
    api_key, key = api_key_issue(name="信用服务机构")
    return APIClient(HTTP_X_API_KEY=key)


def register(client, url):
    response = client.post("/api/v1/webhooks/", {"url": url}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def verify(headers: dict, body: bytes, secret: str) -> bool:
    fields = dict(part.split("=", 1) for part in headers["X-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["sha256"])


def test_a_key_holder_receives_each_new_event_signed_and_in_order(key_holder, receiver):
    publish_record(decided_on=dt.date(2026, 6, 1))  # before registration: not sent
    hook = register(key_holder, receiver.url)
    record = publish_record(decided_on=dt.date(2026, 6, 2), document_no="HOOK-1")
    record_end_disclosure(record=record, reason=EndReason.REPAIRED)
    call_command("deliver_webhooks")
    assert len(receiver.requests) == 2
    payloads = [json.loads(body) for _, body in receiver.requests]
    assert [(p["action"], p["disclosed"]) for p in payloads] == [("disclosed", False), ("ended", False)]
    assert payloads[1]["reason"] == "repaired" and payloads[1]["record"] is None
    assert all(verify(headers, body, hook["secret"]) for headers, body in receiver.requests)
    assert not verify(receiver.requests[0][0], receiver.requests[0][1] + b" ", hook["secret"])
    # Run again: nothing is sent twice.
    call_command("deliver_webhooks")
    assert len(receiver.requests) == 2


def test_a_failing_endpoint_is_retried_with_backoff_then_gets_the_event(key_holder, receiver):
    register(key_holder, receiver.url)
    publish_record(decided_on=dt.date(2026, 6, 3))
    receiver.status = 500
    call_command("deliver_webhooks")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == NOON + dt.timedelta(minutes=1)
    call_command("deliver_webhooks")  # not due yet
    assert len(receiver.requests) == 1
    receiver.status = 200
    with time_machine.travel(NOON + dt.timedelta(minutes=2), tick=False):
        call_command("deliver_webhooks")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2
    assert webhooks.backoff(3) == dt.timedelta(minutes=4) and webhooks.backoff(30) == dt.timedelta(hours=6)


def test_a_delivery_claimed_by_another_worker_is_not_sent_again(key_holder, receiver):
    register(key_holder, receiver.url)
    publish_record(decided_on=dt.date(2026, 6, 4))
    webhooks.webhooks_enqueue()
    delivery = WebhookDelivery.objects.get()
    # Another run claimed it a moment ago (compare-and-set on claimed_until).
    assert webhooks._claim(delivery.pk, NOON) is not None
    assert webhooks._claim(delivery.pk, NOON) is None
    assert webhooks.webhooks_deliver().delivered == 0
    assert receiver.requests == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_event_exactly_once(receiver):
    with time_machine.travel(NOON, tick=True):
        _, key = api_key_issue(name="并发机构")
        register(APIClient(HTTP_X_API_KEY=key), receiver.url)
        for day in range(1, 9):
            publish_record(decided_on=dt.date(2026, 7, day))
        webhooks.webhooks_enqueue()
        receiver.delay = 0.05
        workers = [threading.Thread(target=run_worker) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
    event_ids = [headers["X-Event-Id"] for headers, _ in receiver.requests]
    assert len(event_ids) == 8 and len(set(event_ids)) == 8
    assert WebhookDelivery.objects.filter(status="delivered").count() == 8


def run_worker():
    from django.db import connection

    try:
        webhooks.webhooks_deliver()
    finally:
        connection.close()


def test_webhooks_are_for_key_holders_only(at_noon, receiver):
    response = APIClient().post("/api/v1/webhooks/", {"url": receiver.url}, format="json")
    assert response.status_code in (401, 403)
    assert not Webhook.objects.exists()


def test_a_removed_webhook_gets_nothing_more(key_holder, receiver):
    hook = register(key_holder, receiver.url)
    assert key_holder.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204
    publish_record(decided_on=dt.date(2026, 6, 5))
    call_command("deliver_webhooks")
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "ftp://example.com/x",
        "file:///etc/passwd",
    ],
)
def test_urls_into_the_portals_own_network_are_refused(key_holder, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = key_holder.post("/api/v1/webhooks/", {"url": url}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["fields"]
    assert not Webhook.objects.exists()
