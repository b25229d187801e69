"""The public pages: what a citizen or procurement officer reads."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import Category, SubjectFormerName, SubjectType
from disclosure.tests.factories import make_authority, make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_home_page_leads_with_the_search_box_in_chinese_by_default(client):
    page = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert 'role="search"' in page
    assert "查询公共信用信息" in page
    assert page.index('role="search"') < page.index("公示哪些信息")


def test_the_language_switch_turns_the_portal_into_english_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Search public credit information" in page


def test_a_subject_page_shows_each_disclosed_record_with_its_dates(client):
    subject = make_subject("福州明细贸易有限公司", legal_representative="张伟", region_code="350102")
    SubjectFormerName.objects.create(subject=subject, name="福州旧名贸易有限公司", search_name="福州旧名贸易有限公司")
    record = make_record(
        subject=subject,
        severity="serious",
        decided_on=dt.date(2025, 8, 31),
        document_no="榕市监罚〔2025〕88号",
        summary="销售不合格产品。",
        authority=make_authority("福州市市场监督管理局"),
    )
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    for text in [
        "福州明细贸易有限公司",
        subject.uscc,
        "张伟",
        "福建省福州市鼓楼区",
        "福州旧名贸易有限公司",
        "榕市监罚〔2025〕88号",
        "福州市市场监督管理局",
        "销售不合格产品。",
        "2025-08-31",
        "2028-08-31",  # disclosed until: 36 months (Civil Code arts. 201-202)
        # Repairable since 2026-09-01 (the day after the 12-month minimum): the button.
        f'href="/repair/subjects/{subject.uscc}/apply/?item=record-{record.pk}"',
        "严重",
        "今日公示失信信息 1 条",
        f"/subjects/{subject.uscc}/feed/",
        f'href="/repair/check/{subject.uscc}/"',  # "is this your company?"
        f'href="/repair/subjects/{subject.uscc}/object/"',  # report an error
    ]:
        assert text in page, text


def test_a_record_of_a_category_excluded_from_repair_says_it_is_not_repairable(client):
    record = make_record(category="judicial", severity="serious", decided_on=dt.date(2026, 5, 1))
    page = client.get(f"/subjects/{record.subject.uscc}/").content.decode()
    assert "不可修复：法律规定此类信息不得修复" in page
    assert Category.objects.get(code="judicial").repairable is False


def test_a_subject_with_nothing_disclosed_has_a_page_that_says_so(client):
    subject = make_subject("福州清白科技有限公司")
    response = client.get(f"/subjects/{subject.uscc}/")
    assert response.status_code == 200
    assert "今日（2026-11-20）该主体没有公示中的信用信息" in response.content.decode()


def test_a_lower_case_code_in_the_address_redirects_to_the_canonical_page(client):
    subject = make_subject()
    response = client.get(f"/subjects/{subject.uscc.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/subjects/{subject.uscc}/"


def test_a_natural_person_shows_only_a_masked_identity_number(client):
    person = make_subject(
        "陈某某", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="35010219800101123X"
    )
    make_listing(subject=person, credit_list="dishonest_judgment_debtor")
    for url in (f"/subjects/{person.public_key}/", "/lists/dishonest_judgment_debtor/", "/search/?q=陈某某"):
        page = client.get(url).content.decode()
        assert "陈某某" in page, url
        assert "35010219800101123X" not in page
        assert "350102********123X" in page, url


def test_a_natural_person_with_nothing_disclosed_has_no_public_page(client):
    person = make_subject(
        "林某", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350102198001011234"
    )
    assert client.get(f"/subjects/{person.public_key}/").status_code == 404


def test_a_record_page_shows_the_disclosure_timeline(client):
    record = make_record(severity="general", decided_on=dt.date(2026, 6, 1), document_no="融市监罚〔2026〕5号")
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert "融市监罚〔2026〕5号" in page
    timeline = page[page.index("公示时间线") :]
    steps = ["2026-06-01", "2026-09-02", "2026-11-20", "2027-06-01"]  # decided, repairable, today, last day
    assert [timeline.index(day) for day in steps] == sorted(timeline.index(day) for day in steps)
    assert "3个月的最短公示期届满" in page
    assert "12个月的最长公示期届满" in page


def test_the_timeline_is_in_date_order_when_repair_is_already_possible(client):
    record = make_record(severity="general", decided_on=dt.date(2026, 3, 1))
    page = client.get(f"/records/{record.pk}/").content.decode()
    timeline = page[page.index("公示时间线") :]
    steps = ["2026-03-01", "2026-06-02", "2026-11-20", "2027-03-01"]  # decided, repairable, today, last day
    assert [timeline.index(day) for day in steps] == sorted(timeline.index(day) for day in steps)


def test_the_record_page_reads_in_english_too(client):
    record = make_record(severity="general", decided_on=dt.date(2026, 6, 1))
    page = english(client).get(f"/records/{record.pk}/").content.decode()
    assert "Disclosure timeline" in page
    assert "Administrative penalty" in page
    assert "The minimum disclosure period of 3 months is over" in page


def test_the_lists_page_counts_current_entries(client):
    make_listing(credit_list="abnormal_operation")
    make_listing(credit_list="abnormal_operation")
    page = client.get("/lists/").content.decode()
    assert "经营异常名录" in page
    assert "当前 2 个主体" in page


def test_a_list_page_filters_entries_by_province_and_city(client):
    make_listing(subject=make_subject("福州甲公司", region_code="350102"), credit_list="abnormal_operation")
    make_listing(subject=make_subject("厦门乙公司", region_code="350203"), credit_list="abnormal_operation")
    make_listing(subject=make_subject("北京丙公司", region_code="110105"), credit_list="abnormal_operation")
    fujian = client.get("/lists/abnormal_operation/", {"province": "350000"}).content.decode()
    assert "福州甲公司" in fujian and "厦门乙公司" in fujian and "北京丙公司" not in fujian
    assert "福州市" in fujian  # the city choices appear once a province is chosen
    fuzhou = client.get("/lists/abnormal_operation/", {"province": "350000", "city": "350100"}).content.decode()
    assert "福州甲公司" in fuzhou and "厦门乙公司" not in fuzhou


def test_a_list_page_is_paginated(client):
    for n in range(35):
        make_listing(subject=make_subject(f"分页公司{n:02d}"), credit_list="abnormal_operation")
    first = client.get("/lists/abnormal_operation/").content.decode()
    second = client.get("/lists/abnormal_operation/", {"page": 2}).content.decode()
    assert "当前 35 个主体" in first
    assert "第 1 页，共 2 页" in first
    assert first.count("分页公司") == 30
    assert second.count("分页公司") == 5


def test_an_unknown_list_or_subject_is_404(client):
    assert client.get("/lists/no_such_list/").status_code == 404
    response = client.get("/subjects/91350100M000100Y43/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize("path", ["/help/periods/", "/help/repair/", "/help/objections/"])
def test_the_help_pages_exist_in_both_languages(client, path):
    assert client.get(path).status_code == 200
    assert english(client).get(path).status_code == 200


def test_the_periods_help_page_reads_the_rules_from_the_catalogue(client):
    Category.objects.filter(code="admin_penalty").update(general_max_months=18)
    assert "3–18个月" in client.get("/help/periods/").content.decode()


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_search(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /search/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_index_points_to_its_sections(client):
    make_record()
    xml = client.get("/sitemap.xml").content.decode()
    assert "sitemap-subjects.xml" in xml and "sitemap-records.xml" in xml


def test_a_large_sitemap_is_split_into_pages_listed_by_the_index(client, monkeypatch):
    from disclosure.sitemaps import RecordSitemap

    monkeypatch.setattr(RecordSitemap, "limit", 2)
    records = [make_record() for _ in range(5)]
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-records.xml?p=3" in index
    assert "sitemap-records.xml?p=4" not in index
    pages = "".join(client.get("/sitemap-records.xml", {"p": n}).content.decode() for n in (1, 2, 3))
    assert all(f"/records/{record.pk}/" in pages for record in records)


def test_a_search_result_page_costs_the_same_queries_for_1_or_20_results(client):
    def queries_for(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": query})
        return len(captured)

    make_record(subject=make_subject("单个结果有限公司"))
    for n in range(20):
        subject = make_subject(f"二十结果{n}有限公司")
        make_record(subject=subject)
        make_listing(subject=subject)
    assert queries_for("单个结果") == queries_for("二十结果")
