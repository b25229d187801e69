"""Every URL that answers GET answers HEAD the same way (monitors, link
checkers and crawlers send HEAD), for visitors, applicants and staff."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from disclosure.tests.factories import make_listing, make_record, make_subject
from repair.tests import factories as f

pytestmark = pytest.mark.django_db


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


@pytest.fixture
def urls():
    subject = make_subject("福清市请求方法有限公司")
    record = make_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    make_listing(subject=subject)
    values = {
        "key": subject.uscc,
        "uscc": subject.uscc,
        "pk": str(record.pk),
        "code": "severe_dishonesty",
        "name": "records-missing.csv",
        "token": "not-a-token",
        "uidb64": "eA",
        "tracking_no": "XF000000000000",
        "section": "pages",
    }
    found = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue  # Django's own admin
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
        found.append(url + ("?q=福清" if url.endswith("/search/") or url == "/api/v1/subjects/" else ""))
    return found


@pytest.mark.parametrize("who", ["visitor", "applicant", "staff"])
def test_every_url_that_answers_get_answers_head_alike(urls, who):
    client = Client()
    if who == "applicant":
        client.force_login(f.user("head-applicant@example.com"))
    elif who == "staff":
        client.force_login(f.user("head-staff@example.com", staff=True, groups=("credit_centre_reviewer",)))
    checked = 0
    for url in urls:
        get = client.get(url)
        if get.status_code == 405:
            continue  # POST-only actions
        head = client.head(url)
        assert head.status_code == get.status_code, url
        assert head.content == b"", url
        checked += 1
    assert checked > 40
