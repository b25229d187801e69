"""The repair decision document (信用修复决定书): a numbered PDF the applicant
downloads, verifiable like a credit report."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from repair import services
from repair.models import Status
from reports.models import DecisionDocument


@pytest.fixture
def repaired(world, accepted):
    return services.case_transition(case=accepted, to=Status.REPAIRED, actor=world.market_reviewer)


def pdf_text(response) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return text.replace("\x00", "")


def test_the_applicant_downloads_a_numbered_decision_document(client, world, repaired):
    client.force_login(world.applicant)
    assert "decision.pdf" in client.get(f"/repair/cases/{repaired.tracking_no}/").content.decode()
    response = client.get(f"/repair/cases/{repaired.tracking_no}/decision.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = DecisionDocument.objects.get(case=repaired)
    text = pdf_text(response)
    assert "信用修复决定书" in text and document.number in text and document.verification_code in text
    assert "予以信用修复" in text and world.penalty.document_no in text
    # Downloading again does not mint a new number.
    client.get(f"/repair/cases/{repaired.tracking_no}/decision.pdf")
    assert DecisionDocument.objects.filter(case=repaired).count() == 1


def test_anyone_can_verify_it_with_its_number_and_code(client, world, repaired):
    client.force_login(world.applicant)
    client.get(f"/repair/cases/{repaired.tracking_no}/decision.pdf")
    document = DecisionDocument.objects.get()
    client.logout()
    page = client.get("/reports/verify/", {"number": document.number, "code": document.verification_code})
    assert "genuine" in page.content.decode() or "真实" in page.content.decode()
    assert world.subject.name in page.content.decode()
    wrong = client.get("/reports/verify/", {"number": document.number, "code": "WRONGCOD"}).content.decode()
    assert world.subject.name not in wrong


def test_a_refusal_has_a_document_with_its_reason(client, world, accepted):
    case = services.case_transition(case=accepted, to=Status.REFUSED, actor=world.market_reviewer, note="罚款未缴清")
    client.force_login(world.applicant)
    text = pdf_text(client.get(f"/repair/cases/{case.tracking_no}/decision.pdf"))
    assert "不予信用修复" in text and "罚款未缴清" in text


def test_no_document_for_anyone_but_the_applicant(client, world, repaired):
    client.force_login(world.stranger)
    assert client.get(f"/repair/cases/{repaired.tracking_no}/decision.pdf").status_code == 403


def test_no_document_before_a_decision(client, world, accepted):
    client.force_login(world.applicant)
    assert client.get(f"/repair/cases/{accepted.tracking_no}/decision.pdf").status_code == 404
