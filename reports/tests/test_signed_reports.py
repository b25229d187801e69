"""Every issued report is a signed PDF (PAdES) that a standard validator
accepts untouched and rejects once changed, with a QR code to its check."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.generic import NumberObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from disclosure.tests.factories import make_record, make_subject
from reports.models import CreditReport, IssuedFile

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def download(client, subject, **params) -> bytes:
    response = client.get(reverse("reports:pdf", args=[subject.uscc]), params)
    assert response.status_code == 200
    return response.content


def validate(body: bytes, client):
    """pyHanko's validator, trusting only the certificate the portal publishes."""
    published = client.get(reverse("reports:certificate"))
    assert published.status_code == 200
    certificate = load_cert_from_pemder(_write(published.content))
    reader = PdfFileReader(io.BytesIO(body), strict=False)
    assert len(reader.embedded_signatures) == 1
    return validate_pdf_signature(
        reader.embedded_signatures[0], signer_validation_context=ValidationContext(trust_roots=[certificate])
    )


def _write(pem: bytes) -> str:
    path = settings.REPORT_SIGNING_CERT.parent / "published.pem"
    path.write_bytes(pem)
    return str(path)


def test_an_untouched_report_validates_as_signed_by_the_published_certificate(client):
    body = download(client, make_subject(name="福清市签章验证有限公司"))
    status = validate(body, client)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.docmdp_ok


def test_a_report_with_a_changed_byte_is_rejected(client):
    body = bytearray(download(client, make_subject(name="福清市篡改字节有限公司")))
    # Change one byte of the signed content (the document's title string).
    offset = body.index(b"/Title")
    body[offset + 10] ^= 0x01
    status = validate(bytes(body), client)
    assert not status.intact
    assert not status.bottom_line


def test_a_report_changed_by_an_appended_revision_is_rejected(client):
    body = download(client, make_subject(name="福清市追加修订有限公司"))
    writer = IncrementalPdfFileWriter(io.BytesIO(body), strict=False)
    # An edit after issue, saved as PDF editors do: a new revision appended.
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = NumberObject(90)
    writer.update_container(page)
    changed = io.BytesIO()
    writer.write(changed)
    status = validate(changed.getvalue(), client)
    assert status.intact  # the signed revision itself is untouched…
    assert not status.docmdp_ok  # …but the certification forbids any later change
    assert not status.bottom_line


def test_every_download_of_a_report_is_the_same_file_whose_hash_is_kept(client):
    subject = make_subject(name="福清市同一文件有限公司")
    first = download(client, subject)
    second = download(client, subject)
    assert first == second
    issued = IssuedFile.objects.get()
    assert issued.sha256 == hashlib.sha256(first).hexdigest()
    assert issued.number == CreditReport.objects.get(subject=subject).number


def test_an_uploaded_report_is_recognised_as_issued(client):
    subject = make_subject(name="福清市上传核验有限公司")
    body = download(client, subject)
    report = CreditReport.objects.get(subject=subject)
    upload = io.BytesIO(body)
    upload.name = "report.pdf"
    page = client.post(reverse("reports:verify"), {"file": upload}).content.decode()
    assert "本平台出具的文件，未经改动" in page
    assert report.number in page
    assert "福清市上传核验有限公司" in page


def test_an_uploaded_altered_report_is_not_recognised(client):
    body = bytearray(download(client, make_subject(name="福清市上传篡改有限公司")))
    body[-10] ^= 0x01
    upload = io.BytesIO(bytes(body))
    upload.name = "report.pdf"
    page = client.post(reverse("reports:verify"), {"file": upload}).content.decode()
    assert "不是本平台出具的文件" in page


def test_an_upload_that_is_not_a_pdf_is_refused_with_a_reason(client):
    upload = io.BytesIO(b"MZ\x90\x00 not a pdf at all")
    upload.name = "report.pdf"
    page = client.post(reverse("reports:verify"), {"file": upload}).content.decode()
    assert "该文件不是 PDF" in page


def test_an_upload_larger_than_any_report_is_refused(client, settings):
    settings.REPORT_VERIFY_MAX_BYTES = 1024
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * 2048)
    upload.name = "big.pdf"
    page = client.post(reverse("reports:verify"), {"file": upload}).content.decode()
    assert "1.0 KB" in page or "1.0 KB" in page.replace("\xa0", " ")
    assert "不是本平台出具的文件" not in page


def test_the_upload_form_is_protected_against_cross_site_posts():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    upload = io.BytesIO(b"%PDF-1.7\n")
    upload.name = "r.pdf"
    assert client.post(reverse("reports:verify"), {"file": upload}).status_code == 403


def test_the_report_carries_a_qr_code_of_its_verification_link(client):
    pyzbar = pytest.importorskip("pypdf")  # the link is also printed as text
    subject = make_subject(name="福清市二维码有限公司")
    make_record(subject=subject, severity="serious", decided_on=dt.date(2025, 6, 1))
    body = download(client, subject)
    report = CreditReport.objects.get(subject=subject)
    reader = pyzbar.PdfReader(io.BytesIO(body))
    text = reader.pages[0].extract_text().replace("\x00", "")
    assert "/reports/verify/" in text
    # The QR code is drawn as vector squares: the first page has many filled rectangles.
    stream = reader.pages[0].get_contents().get_data()
    assert stream.count(b" re f") > 200
    from reports.pdf import verification_url

    assert f"number={report.number}" in verification_url(report)
    assert f"code={report.verification_code}" in verification_url(report)
