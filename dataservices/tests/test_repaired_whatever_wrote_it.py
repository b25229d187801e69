"""An ended record whose reason is `repaired` says "repaired" in the change
feed and the subject's Atom history, whoever wrote it: the repair workflow or
an import of a repair decided elsewhere (which writes its rows in bulk)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dataservices.tests.helpers import NOON, TODAY, publish_record
from disclosure import feed
from disclosure.models import DisclosureEvent, EndReason, Record

pytestmark = pytest.mark.django_db


def end_like_a_bulk_import(record: Record, *, on: dt.date) -> None:
    Record.objects.filter(pk=record.pk).update(ended_on=on, end_reason=EndReason.REPAIRED)
    DisclosureEvent.objects.create(
        record=record,
        subject_id=record.subject_id,
        action=DisclosureEvent.Action.ENDED,
        reason=EndReason.REPAIRED,
        effective_on=on,
        actor="import:market",
    )


def test_an_imported_repair_is_announced_as_repaired(client):
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2026, 6, 1), effective_on=dt.date(2026, 6, 2))
        end_like_a_bulk_import(record, on=TODAY)
        items = feed.changes(subject_id=record.subject_id).items
        atom = client.get(f"/subjects/{record.subject.uscc}/feed/").content.decode()
    assert [(i.action, i.reason, i.disclosed) for i in items][-1] == ("ended", "repaired", False)
    assert "信用修复" in atom


def test_the_api_change_feed_names_what_ended_by_source_and_source_id(client):
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2026, 6, 1), source="market", source_id="M-9")
        end_like_a_bulk_import(record, on=TODAY)
        results = client.get("/api/v1/changes/").json()["results"]
    ended = [r for r in results if r["action"] == "ended"]
    assert [(r["source"], r["source_id"], r["reason"], r["record"]) for r in ended] == [
        ("market", "M-9", "repaired", None)
    ]
