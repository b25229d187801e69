"""An agency's copy built only from the change feed equals what is disclosed,
also after days pass (expiries) and after repairs, revocations and corrections."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from dataservices.tests.helpers import NOON
from disclosure import selectors
from disclosure.models import EndReason, ExitReason
from disclosure.services import listing_exit, record_correct, record_end_disclosure

pytestmark = pytest.mark.django_db


class Mirror:
    """What a credit service agency keeps, written from the API alone."""

    def __init__(self):
        self.client = APIClient()
        self.cursor = ""
        self.records: dict[int, dict] = {}
        self.listings: dict[int, dict] = {}

    def sync(self) -> int:
        applied = 0
        while True:
            page = self.client.get("/api/v1/changes/", {"cursor": self.cursor, "limit": 200}).json()
            for item in page["results"]:
                store = self.records if item["type"] == "record" else self.listings
                if item["disclosed"]:
                    store[item["object_id"]] = item["record"] or item["listing"]
                else:
                    store.pop(item["object_id"], None)
                applied += 1
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return applied


def assert_mirror_is_exact(mirror: Mirror) -> None:
    records = {r.pk: r for r in selectors.records_disclosed()}
    assert set(mirror.records) == set(records)
    assert set(mirror.listings) == set(selectors.listings_current().values_list("pk", flat=True))
    for pk, record in records.items():
        copy = mirror.records[pk]
        assert (copy["document_no"], copy["disclosure_until"], copy["severity"]) == (
            record.document_no,
            record.disclosure_until.isoformat() if record.disclosure_until else None,
            record.severity,
        )


def test_a_mirror_fed_by_the_change_feed_matches_the_disclosed_data_day_after_day():
    mirror = Mirror()
    with time_machine.travel(NOON, tick=False):
        call_command("seed_demo", subjects=120, verbosity=0)
        assert mirror.sync() > 0
        assert_mirror_is_exact(mirror)
        record = selectors.records_disclosed().filter(category__code="admin_penalty").first()
        other = selectors.records_disclosed().exclude(pk=record.pk).filter(category__code="admin_penalty").first()
        listing = selectors.listings_current().first()
        record_end_disclosure(record=record, reason=EndReason.REPAIRED)
        listing_exit(listing=listing, reason=ExitReason.REPAIRED)
        record_correct(record=other, changes={"summary": "更正后的内容"}, actor="staff", note="objection upheld")
        mirror.sync()
        assert_mirror_is_exact(mirror)
        assert mirror.records[other.pk]["summary"] == "更正后的内容"
    for days in (1, 30, 95, 400):
        with time_machine.travel(NOON + dt.timedelta(days=days), tick=False):
            mirror.sync()
            assert_mirror_is_exact(mirror)
