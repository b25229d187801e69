"""The Atom feed's summaries are HTML: imported text in them is escaped."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from dataservices.tests.helpers import make_subject, publish_record
from disclosure.tests.factories import make_authority

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_imported_text_in_an_html_summary_is_escaped(client, at_noon):
    subject = make_subject("闽侯示例建材有限公司")
    publish_record(
        subject=subject,
        decided_on=dt.date(2026, 6, 1),
        document_no='<img src=x onerror="alert(1)">',
        authority=make_authority("<script>alert(2)</script>局"),
    )
    response = client.get(f"/subjects/{subject.uscc}/feed/")
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # What a feed reader renders as HTML: the markup must come out as text.
    assert "<img" not in summary.text and "<script" not in summary.text
    assert "&lt;img src=x" in summary.text and "&lt;script&gt;" in summary.text
