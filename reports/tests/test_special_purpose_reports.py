"""A special-purpose report covers what its purpose needs, and says so;
the conclusion's wording reads as a statement, not as a count of zero."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from disclosure.tests.factories import make_listing, make_record, make_subject
from reports import pdf as report_pdf
from reports import services
from reports.models import CreditReport

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def pdf_text(body: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\x00", "").replace("\n", "")


def test_a_procurement_report_covers_three_years_of_penalties_and_the_dishonesty_lists():
    subject = make_subject(name="福清市采购投标有限公司")
    recent = make_record(
        subject=subject, severity="serious", decided_on=dt.date(2024, 3, 1), document_no="近〔2024〕1号"
    )
    make_record(subject=subject, severity="serious", decided_on=dt.date(2023, 11, 25), document_no="旧〔2023〕2号")
    make_record(subject=subject, category="admin_license", decided_on=dt.date(2026, 1, 5), document_no="许〔2026〕3号")
    make_listing(subject=subject, credit_list="severe_dishonesty", entered_on=dt.date(2026, 1, 10))
    make_listing(subject=subject, credit_list="a_level_taxpayer", entered_on=dt.date(2026, 4, 1))

    report = services.report_issue(subject=subject, purpose="procurement")

    assert [item["document_no"] for item in report.content["negative_records"]] == [recent.document_no]
    assert report.content["positive_records"] == []
    assert [item["list"] for item in report.content["listings"]] == ["severe_dishonesty"]
    assert report.content["scope"]["since"] == "2023-11-26"


def test_the_special_purpose_report_names_its_purpose_and_scope_in_its_title(client):
    subject = make_subject(name="福清市专项标题有限公司")
    response = client.get(reverse("reports:pdf", args=[subject.uscc]), {"purpose": "procurement"})
    text = pdf_text(response.content)
    assert "专项信用报告（政府采购与招标投标）" in text
    assert "涵盖2023-11-26至2026-11-25期间作出且仍在公示期内的行政处罚" in text
    assert "严重失信主体名单" in text


def test_a_general_report_covers_everything_disclosed(client):
    subject = make_subject(name="福清市综合范围有限公司")
    make_record(subject=subject, severity="serious", decided_on=dt.date(2023, 12, 1))
    make_record(subject=subject, category="admin_license", decided_on=dt.date(2026, 1, 5))
    report = services.report_issue(subject=subject)
    assert len(report.content["negative_records"]) == 1
    assert len(report.content["positive_records"]) == 1
    text = pdf_text(client.get(reverse("reports:pdf", args=[subject.uscc])).content)
    assert "涵盖2026-11-25本平台公示的全部公共信用信息" in text


def test_a_subject_on_no_list_is_said_not_to_be_on_a_list_of_dishonest_subjects(client):
    subject = make_subject(name="福清市未列名单有限公司")
    make_record(subject=subject, severity="serious", decided_on=dt.date(2026, 6, 1))
    text = pdf_text(client.get(reverse("reports:pdf", args=[subject.uscc])).content)
    assert "该主体未被列入失信主体名单" in text
    assert "名单 0 个" not in text


def test_the_abnormal_operations_list_is_not_counted_as_a_list_of_dishonest_subjects(client):
    subject = make_subject(name="福清市经营异常有限公司")
    make_listing(subject=subject, credit_list="abnormal_operation", entered_on=dt.date(2026, 5, 1))
    text = pdf_text(client.get(reverse("reports:pdf", args=[subject.uscc])).content)
    assert "该主体未被列入失信主体名单" in text
    assert "经营异常名录不属于失信主体名单" in text


def test_a_heading_near_the_foot_of_a_page_starts_the_next_page_instead():
    subject = make_subject(name="福清市标题分页有限公司")
    report = services.report_issue(subject=subject)
    pdf = report_pdf.ReportPDF(report)
    pdf.add_page()
    pdf.set_y(pdf.page_break_trigger - 20)
    report_pdf._heading(pdf, "四、名单信息")
    assert pdf.page_no() == 2
    assert pdf.get_y() < 40


def test_a_long_report_never_ends_a_page_with_a_heading(client):
    import pypdf

    subject = make_subject(name="福清市长篇报告有限公司")
    for n in range(1, 40):
        make_record(subject=subject, severity="general", decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=n))
    for n in range(1, 5):
        make_listing(subject=subject, credit_list="abnormal_operation", entered_on=dt.date(2026, 5, n))
    body = client.get(reverse("reports:pdf", args=[subject.uscc])).content
    headings = (
        "一、主体基本信息",
        "二、结论摘要",
        "三、公示中的失信信息",
        "四、名单信息",
        "五、行政许可、信用承诺与荣誉信息",
        "说明",
    )
    for page in pypdf.PdfReader(io.BytesIO(body)).pages:
        lines = [line for line in page.extract_text().replace("\x00", "").splitlines() if line.strip()]
        body_lines = [line for line in lines if not line.startswith("报告编号")]
        assert body_lines[-1].strip() not in headings
    assert CreditReport.objects.filter(subject=subject).count() == 1
