"""/records/<id>/: 410 only for a record that was disclosed and has ended;
404 for one never disclosed (future, minor), so nothing confirms it exists."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import services
from disclosure.tests.factories import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_a_future_record_is_not_found(client):
    record = make_record(decided_on=dt.date(2026, 12, 1))
    assert client.get(f"/records/{record.pk}/").status_code == 404


def test_a_minor_record_that_is_never_disclosed_is_not_found(client):
    record = make_record(severity="minor", decided_on=dt.date(2026, 11, 1))
    assert client.get(f"/records/{record.pk}/").status_code == 404


def test_an_unknown_id_is_not_found(client):
    assert client.get("/records/987654/").status_code == 404


def test_an_expired_record_is_gone(client):
    record = make_record(decided_on=dt.date(2025, 6, 1))
    assert client.get(f"/records/{record.pk}/").status_code == 410


def test_a_revoked_record_is_gone_without_its_content(client):
    record = make_record(decided_on=dt.date(2026, 6, 1), document_no="REVOKED-9")
    services.record_end_disclosure(record=record, reason="revoked")
    response = client.get(f"/records/{record.pk}/")
    assert response.status_code == 410
    assert "REVOKED-9" not in response.content.decode()


def test_a_record_revoked_before_its_decision_date_was_never_disclosed(client):
    record = make_record(decided_on=dt.date(2026, 11, 25))
    services.record_end_disclosure(record=record, reason="revoked", on=dt.date(2026, 11, 20))
    assert client.get(f"/records/{record.pk}/").status_code == 404
