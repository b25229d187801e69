"""A published credit commitment is labelled as what it is: who committed,
when and to what — not as a decision with a document number and authority."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import services
from disclosure.tests.factories import make_authority, make_subject

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC), tick=False)
def test_a_commitment_record_shows_who_committed_when_and_to_what(client):
    subject = make_subject("福清市承诺标签有限公司")
    record = services.commitment_record_create(
        subject=subject,
        text="本单位承诺依法经营，按时履行行政处罚决定。",
        authority=make_authority("福州市市场监督管理局"),
        decided_on=dt.date(2026, 11, 2),
        actor="test",
        document_no="XF20261102ABCD",
    )
    page = client.get(f"/records/{record.pk}/").content.decode()
    for label, value in [
        ("承诺人", "福清市承诺标签有限公司"),
        ("承诺日期", "2026-11-02"),
        ("承诺事项", "本单位承诺依法经营"),
        ("承诺编号", "XF20261102ABCD"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}" in page, label
    facts = page[page.index('<dl class="facts">') :]
    facts = facts[: facts.index("</dl>")]
    assert "决定文书号" not in facts and "作出机关" not in facts
