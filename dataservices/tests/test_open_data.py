"""Open data: full dataset and daily delta with checksums, listed and served."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from dataservices.models import OpenDataFile
from dataservices.tests.helpers import NOON, make_subject, publish_listing, publish_record
from disclosure.models import EndReason
from disclosure.services import record_end_disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path


def download(client, name: str) -> bytes:
    response = client.get(f"/open-data/files/{name}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_export_holds_exactly_the_disclosed_data_with_checksums(client, tmp_path):
    with time_machine.travel(NOON, tick=False):
        subject = make_subject("长乐示例渔业有限公司")
        shown = publish_record(subject=subject, decided_on=dt.date(2026, 6, 1), document_no="OPEN-1")
        gone = publish_record(subject=subject, decided_on=dt.date(2026, 6, 2), document_no="GONE-1")
        record_end_disclosure(record=gone, reason=EndReason.REVOKED)
        publish_record(subject=subject, severity="minor", decided_on=dt.date(2026, 11, 1), document_no="MINOR-1")
        publish_listing(subject=subject, credit_list="abnormal_operation")
        call_command("export_open_data")
    records = download(client, "records-2026-11-20.csv").decode()
    rows = list(csv.DictReader(io.StringIO(records)))
    assert [(r["id"], r["document_no"], r["disclosure_until"]) for r in rows] == [
        (str(shown.pk), "OPEN-1", "2027-06-01")
    ]
    jsonl = [json.loads(line) for line in download(client, "records-2026-11-20.jsonl").decode().splitlines()]
    assert [r["document_no"] for r in jsonl] == ["OPEN-1"]
    listings = download(client, "listings-2026-11-20.jsonl").decode().splitlines()
    assert json.loads(listings[0])["code"] == "abnormal_operation"
    sums = download(client, "SHA256SUMS-2026-11-20.sha256").decode().splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest
    assert len(sums) == 7  # records, listings, changes × csv, jsonl; the data package
    page = client.get("/open-data/").content.decode()
    assert "records-2026-11-20.csv" in page and "disclosure_until" in page


def test_each_daily_delta_starts_where_the_previous_one_ended():
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2025, 11, 20))  # last day: 2026-11-20
        call_command("export_open_data")
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        call_command("export_open_data")
        call_command("export_open_data")  # rerun: the delta is not rewritten
    first = OpenDataFile.objects.get(name="changes-2026-11-20.jsonl").path.read_text().splitlines()
    second = OpenDataFile.objects.get(name="changes-2026-11-21.jsonl").path.read_text().splitlines()
    assert [json.loads(x)["action"] for x in first] == ["disclosed"]
    assert [(json.loads(x)["object_id"], json.loads(x)["reason"]) for x in second] == [(record.pk, "expired")]


def test_only_listed_files_are_served(client, tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    assert client.get("/open-data/files/secret.txt").status_code == 404
    assert client.get("/open-data/files/..%2Fsettings.py").status_code == 404
