"""Credit reports: what they state, their numbers and their verification."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from fpdf import FPDF  # noqa: F401  (the renderer's dependency must import)

from disclosure import services as disclosure_services
from disclosure.tests.factories import make_listing, make_record, make_subject
from reports import services
from reports.models import CreditReport

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def pdf_text(body: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(body))
    # pypdf interleaves NULs when it decodes the two-byte CID font; drop them.
    return "\n".join(page.extract_text() for page in reader.pages).replace("\x00", "")


def test_a_report_states_only_what_is_disclosed_today():
    subject = make_subject(name="福清市诚信贸易有限公司")
    shown = make_record(
        subject=subject, severity="serious", decided_on=dt.date(2025, 6, 1), document_no="融罚〔2025〕1号"
    )
    make_record(subject=subject, severity="general", decided_on=dt.date(2024, 1, 5), document_no="融罚〔2024〕9号")
    make_record(subject=subject, severity="minor", decided_on=dt.date(2026, 10, 1), document_no="融罚〔2026〕7号")
    make_record(subject=subject, severity="serious", decided_on=dt.date(2026, 12, 1), document_no="融罚〔2026〕8号")
    repaired = make_record(
        subject=subject, severity="serious", decided_on=dt.date(2025, 1, 2), document_no="融罚〔2025〕2号"
    )
    disclosure_services.record_end_disclosure(record=repaired, reason="repaired")

    report = services.report_issue(subject=subject)

    assert [item["document_no"] for item in report.content["negative_records"]] == [shown.document_no]


def test_a_clean_subject_gets_a_statement_that_replaces_a_no_violation_certificate(client):
    subject = make_subject(name="福清市清白科技有限公司")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:pdf", args=[subject.uscc]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "福清市清白科技有限公司" in text
    assert "no administrative penalty" in text


def test_the_report_lists_records_and_current_listings_in_chinese(client):
    subject = make_subject(name="福清市失信建筑工程有限公司")
    make_record(subject=subject, severity="serious", decided_on=dt.date(2025, 6, 1), summary="未取得施工许可证擅自施工")
    make_listing(subject=subject, credit_list="severe_dishonesty", entered_on=dt.date(2026, 1, 10))
    response = client.get(reverse("reports:pdf", args=[subject.uscc.lower()]))
    text = pdf_text(response.content)
    assert "未取得施工许可证擅自施工" in text
    assert "严重失信主体名单" in text


def test_reloading_the_report_on_the_same_day_does_not_issue_a_new_number(client):
    subject = make_subject()
    url = reverse("reports:pdf", args=[subject.uscc])
    client.get(url)
    client.get(url)
    assert CreditReport.objects.filter(subject=subject).count() == 1


def test_a_change_in_disclosure_issues_a_new_report():
    subject = make_subject()
    record = make_record(subject=subject, severity="serious", decided_on=dt.date(2025, 6, 1))
    first = services.report_issue(subject=subject)
    disclosure_services.record_end_disclosure(record=record, reason="repaired")
    second = services.report_issue(subject=subject)
    assert first.number != second.number
    assert second.content["negative_records"] == []


def test_a_report_is_verified_with_its_number_and_code(client):
    subject = make_subject(name="福清市核验物流有限公司")
    report = services.report_issue(subject=subject)
    response = client.get(
        reverse("reports:verify"), {"number": report.number.lower(), "code": report.verification_code}
    )
    assert response.status_code == 200
    assert response.context["report"] == report
    assert "福清市核验物流有限公司" in response.content.decode()
    assert response.context["changed_since"] is False


def test_a_wrong_verification_code_is_refused(client):
    report = services.report_issue(subject=make_subject())
    response = client.get(reverse("reports:verify"), {"number": report.number, "code": "WRONG123"})
    assert response.context["report"] is None
    assert response.context["checked"] is True


def test_verification_says_when_disclosure_changed_after_the_report(client):
    subject = make_subject()
    record = make_record(subject=subject, severity="serious", decided_on=dt.date(2025, 6, 1))
    report = services.report_issue(subject=subject)
    disclosure_services.record_end_disclosure(record=record, reason="repaired")
    response = client.get(reverse("reports:verify"), {"number": report.number, "code": report.verification_code})
    assert response.context["changed_since"] is True


def test_a_natural_persons_report_never_shows_the_full_identity_number():
    person = make_subject(
        name="张三", uscc=None, subject_type="natural_person", identity_number="350181199001011234", region_code=""
    )
    make_record(subject=person, category="judicial", severity="serious", decided_on=dt.date(2025, 3, 3))
    report = services.report_issue(subject=person)
    assert report.content["subject"]["identity_number"] == "350181********1234"
    assert "350181199001011234" not in str(report.content)


def test_an_unknown_subject_has_no_report(client):
    response = client.get(reverse("reports:pdf", args=["91350181MA2YQ7LR0X"]))
    assert response.status_code == 404


def test_an_unknown_purpose_is_refused(client):
    subject = make_subject()
    response = client.get(reverse("reports:pdf", args=[subject.uscc]), {"purpose": "anything"})
    assert response.status_code == 400
