"""Open data follows the one rule (DESIGN.md, natural persons; issue: "Ended
means ended"): only the current full snapshot is served, earlier ones are
withdrawn (410), deltas announce ends by identity only, no natural persons,
and the terms of use travel with the files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command

from dataservices.models import OpenDataFile
from dataservices.tests.helpers import NOON, make_subject, publish_listing, publish_record
from disclosure.models import EndReason
from disclosure.services import record_end_disclosure

pytestmark = pytest.mark.django_db

NEXT_DAY = NOON + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path


def download(client, name: str) -> bytes:
    response = client.get(f"/open-data/files/{name}")
    assert response.status_code == 200, name
    return b"".join(response.streaming_content)


def test_a_record_revoked_today_cannot_be_downloaded_tomorrow_in_yesterdays_snapshot(client, tmp_path):
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2026, 6, 1), document_no="REVOKED-TOMORROW", summary="违法内容")
        call_command("export_open_data")
    with time_machine.travel(NEXT_DAY, tick=False):
        record_end_disclosure(record=record, reason=EndReason.REVOKED)
        call_command("export_open_data")
        for name in ("records-2026-11-20.csv", "records-2026-11-20.jsonl", "SHA256SUMS-2026-11-20.sha256"):
            assert client.get(f"/open-data/files/{name}").status_code == 410, name
            assert not (tmp_path / name).exists()
        page = client.get("/open-data/").content.decode()
    assert "records-2026-11-20" not in page and "records-2026-11-21.csv" in page
    served = [f.name for f in OpenDataFile.objects.filter(withdrawn_at__isnull=True)]
    for name in served:
        content = (tmp_path / name).read_text(encoding="utf-8")
        assert "REVOKED-TOMORROW" not in content and "违法内容" not in content, name


def test_the_delta_announces_the_end_by_identity_only(tmp_path):
    with time_machine.travel(NOON, tick=False):
        record = publish_record(decided_on=dt.date(2026, 6, 1), document_no="END-ID", source="market", source_id="M-77")
        call_command("export_open_data")
    with time_machine.travel(NEXT_DAY, tick=False):
        record_end_disclosure(record=record, reason=EndReason.REPAIRED)
        call_command("export_open_data")
    lines = [json.loads(x) for x in (tmp_path / "changes-2026-11-21.jsonl").read_text().splitlines()]
    assert lines == [
        {
            "cursor": lines[0]["cursor"],
            "type": "record",
            "object_id": record.pk,
            "source": "market",
            "source_id": "M-77",
            "subject_key": record.subject.key,
            "action": "ended",
            "reason": "repaired",
            "effective_on": "2026-11-21",
            "disclosed": False,
        }
    ]


def test_natural_persons_are_in_no_bulk_file(tmp_path):
    person = make_subject("陈某某", uscc=None, subject_type="natural_person", identity_number="350181198805051234")
    with time_machine.travel(NOON, tick=False):
        publish_record(subject=person, decided_on=dt.date(2026, 6, 1), document_no="PERSON-1")
        publish_listing(subject=person, credit_list="severe_dishonesty")
        publish_record(decided_on=dt.date(2026, 6, 1), document_no="COMPANY-1")
        call_command("export_open_data")
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.is_file())
    assert "COMPANY-1" in everything
    assert "PERSON-1" not in everything and "陈某某" not in everything and person.public_key not in everything


def test_the_terms_of_use_are_on_the_page_in_the_metadata_and_on_every_file(client, tmp_path):
    with time_machine.travel(NOON, tick=False):
        publish_record(decided_on=dt.date(2026, 6, 1))
        call_command("export_open_data")
    page = client.get("/open-data/").content.decode()
    assert "creativecommons" not in page
    assert "使用条款" in page and "/help/open-data/" in page
    package = json.loads(download(client, "datapackage-2026-11-20.json"))
    assert package["terms_of_use"]["url"].endswith("/help/open-data/")
    assert any("删除" in term for term in package["terms_of_use"]["zh-Hans"])
    assert any("Delete" in term for term in package["terms_of_use"]["en"])
    assert {r["path"] for r in package["resources"]} >= {"records-2026-11-20.csv", "changes-2026-11-20.jsonl"}
    response = client.get("/open-data/files/records-2026-11-20.csv")
    assert 'rel="license"' in response["Link"] and "/help/open-data/" in response["Link"]


def test_the_terms_page_exists_in_both_languages(client):
    assert "期限一致" in client.get("/help/open-data/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/help/open-data/"})
    assert "Terms of use" in client.get("/help/open-data/").content.decode()
