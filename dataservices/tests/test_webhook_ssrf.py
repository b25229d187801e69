"""Webhooks cannot be turned against the portal's own network (SSRF).

The address is checked once per delivery and the connection goes to that
very address (no second DNS lookup that a rebinding name could answer
differently); redirects are not followed; IPv6 forms that carry an internal
IPv4 address (NAT64, 6to4, Teredo, mapped) are refused like the address itself.
"""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import threading

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from dataservices import webhooks
from dataservices.keys import api_key_issue
from dataservices.models import Webhook, WebhookDelivery
from dataservices.tests.helpers import publish_record

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self, status: int = 204, location: str = "") -> None:
        self.hits: list[str] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hits.append(self.path)
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def key_holder(at_noon):
    _, key = api_key_issue(name="信用服务机构")
    return APIClient(HTTP_X_API_KEY=key)


@pytest.fixture
def inner():
    receiver = Receiver()
    yield receiver
    receiver.close()


def test_a_redirect_is_not_followed(key_holder, settings, inner):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # both receivers are on loopback in this test
    outer = Receiver(status=307, location=inner.url)
    try:
        assert key_holder.post("/api/v1/webhooks/", {"url": outer.url}, format="json").status_code == 201
        publish_record(decided_on=dt.date(2026, 6, 1))
        call_command("deliver_webhooks")
    finally:
        outer.close()
    assert outer.hits == ["/hook"] and inner.hits == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("pending", 307)
    assert "redirect" in delivery.last_error


def test_the_connection_goes_to_the_address_that_was_checked(key_holder, settings, monkeypatch, inner):
    """DNS rebinding: a name that answers a public address to the check and
    127.0.0.1 to the connection must not reach the portal's network."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    # Registration and the delivery's check get a public address; any later
    # lookup (the one a second resolution would make) gets loopback.
    answers = iter(["8.8.8.8", "8.8.8.8"])
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    connected: list[str] = []

    def record_only(address, port, timeout):
        connected.append(address)
        raise OSError("test: no outside traffic")

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    monkeypatch.setattr(webhooks, "open_connection", record_only, raising=False)
    url = f"http://rebind.example:{inner.port}/hook"
    assert key_holder.post("/api/v1/webhooks/", {"url": url}, format="json").status_code == 201
    publish_record(decided_on=dt.date(2026, 6, 1))
    call_command("deliver_webhooks")
    assert inner.hits == []
    assert connected == ["8.8.8.8"]


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
        "64:ff9b:1::c0a8:101",  # local-use NAT64 of 192.168.1.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254 (cloud metadata)
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::127.0.0.1",  # IPv4-compatible
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    ],
)
def test_ipv6_forms_of_internal_addresses_are_refused(key_holder, settings, address):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = key_holder.post("/api/v1/webhooks/", {"url": f"http://[{address}]/hook"}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["fields"]
    assert not Webhook.objects.exists()


def test_a_name_resolving_to_a_nat64_internal_address_is_refused_at_delivery(key_holder, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: public)
    assert key_holder.post("/api/v1/webhooks/", {"url": "http://hook.example/x"}, format="json").status_code == 201
    nat64 = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", 80, 0, 0))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: nat64)
    monkeypatch.setattr(webhooks, "open_connection", lambda *a: pytest.fail("connected"), raising=False)
    publish_record(decided_on=dt.date(2026, 6, 1))
    call_command("deliver_webhooks")
    assert "private or reserved" in WebhookDelivery.objects.get().last_error
