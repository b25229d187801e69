"""The repair decision document is signed like a credit report: a standard
validator accepts it untouched and rejects it changed, every download is the
same file, and an uploaded copy is recognised."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from repair import services
from repair.models import Status
from reports.models import DecisionDocument, IssuedFile


@pytest.fixture
def repaired(world, accepted):
    return services.case_transition(case=accepted, to=Status.REPAIRED, actor=world.market_reviewer)


def status_of(body: bytes):
    certificate = load_cert_from_pemder(str(settings.REPORT_SIGNING_CERT))
    reader = PdfFileReader(io.BytesIO(body), strict=False)
    return validate_pdf_signature(
        reader.embedded_signatures[0], signer_validation_context=ValidationContext(trust_roots=[certificate])
    )


def test_the_decision_document_validates_untouched_and_not_once_changed(client, world, repaired):
    client.force_login(world.applicant)
    body = client.get(f"/repair/cases/{repaired.tracking_no}/decision.pdf").content
    assert status_of(body).bottom_line
    changed = bytearray(body)
    changed[changed.index(b"/Title") + 10] ^= 0x01
    assert not status_of(bytes(changed)).bottom_line


def test_every_download_is_the_same_file_and_an_upload_of_it_is_recognised(client, world, repaired):
    client.force_login(world.applicant)
    url = f"/repair/cases/{repaired.tracking_no}/decision.pdf"
    first, second = client.get(url).content, client.get(url).content
    assert first == second
    document = DecisionDocument.objects.get(case=repaired)
    assert IssuedFile.objects.get(number=document.number).size == len(first)
    upload = io.BytesIO(first)
    upload.name = "decision.pdf"
    page = client.post("/reports/verify/", {"file": upload}).content.decode()
    assert document.number in page and repaired.tracking_no in page
