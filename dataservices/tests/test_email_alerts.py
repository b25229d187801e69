"""E-mail alerts: double opt-in, an alert per change, one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command

from dataservices.models import Subscription
from dataservices.tests.helpers import make_subject, publish_record
from disclosure.models import EndReason
from disclosure.services import record_end_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"


def link_in(message, part: str) -> str:
    return re.search(rf"http://testserver(/alerts/{part}/[^\s]+/)", message.body).group(1)


def follow(client, subject, email="reader@example.com"):
    with_captured = client.post(f"/subjects/{subject.uscc}/follow/", {"email": email}, follow=True)
    assert with_captured.status_code == 200
    return with_captured


def test_alerts_start_only_after_the_address_is_confirmed(client, at_noon, django_capture_on_commit_callbacks):
    subject = make_subject("闽侯示例建材有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, subject)
    [confirmation] = mail.outbox
    assert confirmation.to == ["reader@example.com"]
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    call_command("send_alerts")
    assert len(mail.outbox) == 1  # unconfirmed: nothing sent
    assert client.get(link_in(confirmation, "confirm")).status_code == 200
    record = publish_record(subject=subject, decided_on=dt.date(2026, 6, 2), document_no="闽侯罚〔2026〕7号")
    call_command("send_alerts")
    assert len(mail.outbox) == 2
    alert = mail.outbox[1]
    assert "闽侯罚〔2026〕7号" in alert.body
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Re-running sends nothing new.
    call_command("send_alerts")
    assert len(mail.outbox) == 2
    # Disclosure ends: the alert says so, without the record's content.
    record_end_disclosure(record=record, reason=EndReason.REPAIRED)
    call_command("send_alerts")
    ended = mail.outbox[2]
    assert "闽侯罚〔2026〕7号" not in ended.body
    assert "no longer disclosed" in ended.body or "不再公示" in ended.body


def test_one_click_unsubscribe_stops_alerts(client, at_noon, django_capture_on_commit_callbacks):
    subject = make_subject()
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, subject)
    client.get(link_in(mail.outbox[0], "confirm"))
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    call_command("send_alerts")
    unsubscribe = link_in(mail.outbox[1], "unsubscribe")
    # Opening the link (e.g. by a mail scanner) does not unsubscribe ...
    assert client.get(unsubscribe).status_code == 200
    assert Subscription.objects.get().unsubscribed_at is None
    # ... the one-click POST (RFC 8058, no CSRF token) does.
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Subscription.objects.get().unsubscribed_at is not None
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 2))
    call_command("send_alerts")
    assert len(mail.outbox) == 2


def test_a_forged_or_expired_link_is_refused(client, at_noon, django_capture_on_commit_callbacks, time_machine):
    subject = make_subject()
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, subject)
    confirm = link_in(mail.outbox[0], "confirm")
    assert client.get(confirm[:-3] + "xx/").status_code == 400
    assert client.post("/alerts/unsubscribe/1:forged/").status_code == 400
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False)
    assert client.get(confirm).status_code == 400  # older than 3 days
    assert Subscription.objects.get().confirmed_at is None


def test_asking_again_and_again_sends_one_confirmation(client, at_noon, django_capture_on_commit_callbacks):
    subject = make_subject()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            follow(client, subject)
    assert len(mail.outbox) == 1
