"""/check/: paste or upload codes, see the table, download it as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dataservices.tests.helpers import make_subject, make_uscc, publish_record

pytestmark = pytest.mark.django_db


def test_pasted_codes_are_checked_and_shown_in_a_table(client, at_noon):
    subject = make_subject("平潭示例旅游有限公司")
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    response = client.post("/check/", {"codes": f"{subject.uscc.lower()}\n123，{make_uscc(n=77777)}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "平潭示例旅游有限公司" in page
    assert page.count("<tr>") == 4  # header + 3 codes
    assert "<caption>" in page


def test_a_csv_upload_is_checked_and_the_table_downloads_as_csv(client, at_noon):
    subject = make_subject()
    upload = SimpleUploadedFile("codes.csv", f"统一社会信用代码\n{subject.uscc}\nnot-a-code\n".encode("utf-8-sig"))
    response = client.post("/check/", {"file": upload})
    assert response.status_code == 200
    download = client.post("/check/", {"codes": response.context["codes_text"], "format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [(r["code"], r["status"]) for r in rows] == [(subject.uscc, "clean"), ("", "invalid")]


def test_empty_input_and_too_many_codes_are_explained(client, at_noon):
    empty = client.post("/check/", {"codes": "  "})
    assert empty.status_code == 400 and 'role="alert"' in empty.content.decode()
    too_many = client.post("/check/", {"codes": "\n".join(make_uscc(n=i) for i in range(1001))})
    assert too_many.status_code == 400
    assert "1000" in too_many.content.decode() or "1,000" in too_many.content.decode()


def test_a_large_upload_is_refused(client, at_noon):
    upload = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))
    response = client.post("/check/", {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_the_page_works_without_javascript(client):
    page = client.get("/check/").content.decode()
    assert "<script" not in page
    assert 'enctype="multipart/form-data"' in page


def test_the_csv_download_does_not_carry_spreadsheet_formulas(client, at_noon):
    download = client.post("/check/", {"codes": "=HYPERLINK(1)", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0]["input"] == "'=HYPERLINK(1)"
