"""CSV files never carry a cell that a spreadsheet would run as a formula.

Imported text (names, document numbers, summaries) comes from outside; a
cell starting with = + - @ (or a tab or carriage return before one) is run by
Excel and LibreOffice as a formula (CSV injection). Such cells are written
with a leading apostrophe; the JSON Lines files keep the exact text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from dataservices.tests.helpers import NOON, make_subject, publish_listing, publish_record
from disclosure.tests.factories import make_authority

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1"]


@pytest.fixture(autouse=True)
def _open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_open_data_csv_files_neutralise_formula_cells_and_jsonl_keeps_the_text(client, tmp_path):
    with time_machine.travel(NOON, tick=False):
        subject = make_subject(FORMULAS[1])
        publish_record(
            subject=subject,
            decided_on=dt.date(2026, 6, 1),
            document_no=FORMULAS[2],
            summary=FORMULAS[0],
            authority=make_authority(FORMULAS[3]),
        )
        publish_listing(subject=subject, credit_list="abnormal_operation", reason=FORMULAS[4])
        call_command("export_open_data")
    cells = _csv_cells((tmp_path / "records-2026-11-20.csv").read_text(encoding="utf-8"))
    cells += _csv_cells((tmp_path / "listings-2026-11-20.csv").read_text(encoding="utf-8"))
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + FORMULAS[0] in cells and "'" + FORMULAS[4] in cells
    record = json.loads((tmp_path / "records-2026-11-20.jsonl").read_text(encoding="utf-8"))
    assert (record["summary"], record["subject_name"]) == (FORMULAS[0], FORMULAS[1])


def test_the_check_download_neutralises_formula_cells(client, at_noon):
    subject = make_subject("=cmd|' /C calc'!A0")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("codes.csv", f"code\n{subject.uscc}\n@SUM(1)\n".encode())
    response = client.post("/check/", {"file": upload})
    download = client.post("/check/", {"codes": response.context["codes_text"], "format": "csv"})
    cells = _csv_cells(download.content.decode("utf-8-sig"))
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
