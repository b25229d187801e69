"""One agency's webhooks cannot hold up another's: endpoints are called in
parallel, each POST has a total deadline, and a key has at most
WEBHOOKS_PER_KEY webhooks."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import time

import pytest
from rest_framework.test import APIClient

from dataservices import webhooks
from dataservices.keys import api_key_issue
from dataservices.models import Webhook, WebhookDelivery
from dataservices.tests.helpers import publish_record

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self, delay: float = 0.0) -> None:
        self.received_at: list[float] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)
                receiver.received_at.append(time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def test_six_slow_endpoints_do_not_delay_another_agencys_delivery(at_noon, settings, monkeypatch):
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 1.0)
    settings.WEBHOOKS_PER_KEY = 10
    slow, fast = Receiver(delay=3.0), Receiver()
    try:
        slow_key, _ = api_key_issue(name="慢机构")
        for _ in range(6):
            webhooks.webhook_register(api_key=slow_key, url=slow.url)
        other_key, _ = api_key_issue(name="另一机构")
        webhooks.webhook_register(api_key=other_key, url=fast.url)
        publish_record(decided_on=dt.date(2026, 6, 1))
        webhooks.webhooks_enqueue()
        started = time.monotonic()
        result = webhooks.webhooks_deliver()
        finished = time.monotonic()
    finally:
        slow.close()
        fast.close()
    assert len(fast.received_at) == 1
    assert fast.received_at[0] - started < 1.0
    # Each slow POST was cut at its deadline, all of them at once.
    assert finished - started < 3.0
    assert (result.delivered, result.failed) == (1, 6)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 1


def test_a_key_has_at_most_webhooks_per_key_webhooks(at_noon, settings):
    settings.WEBHOOKS_PER_KEY = 2
    _, key = api_key_issue(name="信用服务机构")
    client = APIClient(HTTP_X_API_KEY=key)
    for n in range(2):
        assert client.post("/api/v1/webhooks/", {"url": f"http://127.0.0.1:9/{n}"}, format="json").status_code == 201
    response = client.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/3"}, format="json")
    assert response.status_code == 400
    assert "2" in response.json()["fields"]["url"][0]
    assert Webhook.objects.filter(active=True).count() == 2
    # A removed webhook frees its place.
    first = Webhook.objects.order_by("pk").first()
    assert client.delete(f"/api/v1/webhooks/{first.pk}/").status_code == 204
    assert client.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/4"}, format="json").status_code == 201
