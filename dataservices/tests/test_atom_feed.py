"""The Atom feed of a subject's disclosure changes."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from dataservices.tests.helpers import make_subject, publish_record
from disclosure.models import EndReason
from disclosure.services import record_end_disclosure

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_what_became_disclosed_and_what_stopped(client, at_noon):
    subject = make_subject("连江示例水产有限公司")
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1), document_no="连江罚〔2026〕1号")
    repaired = publish_record(subject=subject, decided_on=dt.date(2026, 6, 2), document_no="连江罚〔2026〕2号")
    record_end_disclosure(record=repaired, reason=EndReason.REPAIRED)
    publish_record(subject=subject, severity="minor", decided_on=dt.date(2026, 11, 1), document_no="MINOR-9")
    response = client.get(f"/subjects/{subject.uscc}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(titles) == 3  # newest first: ended, then the two disclosures
    assert "连江罚〔2026〕1号" in titles[2]
    assert not any("连江罚〔2026〕2号" in t for t in titles)  # no content once it is no longer disclosed
    assert "MINOR-9" not in response.content.decode()


def test_an_unknown_subject_has_no_feed(client, at_noon):
    assert client.get("/subjects/91350100M000100Y43/feed/").status_code == 404
