"""A subject's page as Credit China users expect it: groups with counts, a
bounded preview of each, every item a click away, and a repair button on
every negative item."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from disclosure.models import Category
from disclosure.tests.factories import make_listing, make_record, make_subject

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def nav(page: str) -> list[str]:
    """The in-page navigation: label and count of each entry, in order."""
    block = re.search(r'<nav class="subject-nav".*?</nav>', page, re.S).group(0)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<a [^>]*>(.*?)</a>", block, re.S)]


def test_the_groups_come_in_credit_chinas_order_with_their_counts(client):
    subject = make_subject()
    make_record(subject=subject, category="admin_license", severity="")
    make_record(subject=subject)  # admin_penalty
    make_record(subject=subject)
    make_record(subject=subject, category="honour", severity="")
    make_listing(subject=subject, credit_list="a_level_taxpayer")
    make_listing(subject=subject, credit_list="severe_dishonesty")
    make_record(subject=subject, category="judicial", severity="serious")
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert nav(page) == ["基础信息", "行政许可 1", "行政处罚 2", "守信激励 2", "失信惩戒 2", "信用承诺 0"]
    # Anchors, not scripts: each entry jumps to its section.
    for anchor in ("basic", "licence", "penalty", "honour", "dishonesty", "commitment"):
        assert f'href="#section-{anchor}"' in page and f'id="section-{anchor}"' in page
    honour = page[page.index('id="section-honour"') : page.index('id="section-dishonesty"')]
    assert "纳税信用A级" in honour and "诚实守信相关荣誉" in honour
    dishonesty = page[page.index('id="section-dishonesty"') : page.index('id="section-commitment"')]
    assert "严重失信主体名单" in dishonesty and "司法判决及执行" in dishonesty


def test_an_empty_group_says_so_in_one_line(client):
    subject = make_subject()
    make_record(subject=subject)
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    licence = page[page.index('id="section-licence"') : page.index('id="section-penalty"')]
    assert "今日暂无公示中的“行政许可”信息。" in licence
    assert "<table" not in licence


def test_a_subject_with_many_records_shows_the_newest_ten_of_each_and_links_to_all(
    client, django_assert_max_num_queries
):
    subject = make_subject()
    for n in range(45):
        make_record(subject=subject, decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=n), document_no=f"罚{n:03d}")
    make_listing(subject=subject, credit_list="abnormal_operation")
    with django_assert_max_num_queries(6):
        page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    penalty = page[page.index('id="section-penalty"') : page.index('id="section-honour"')]
    shown = re.findall(r">罚(\d{3})<", penalty)
    assert shown == [f"{n:03d}" for n in range(44, 34, -1)]
    assert 'href="?category=admin_penalty"' in penalty and "查看全部 45 条（行政处罚）" in penalty


def test_all_records_of_a_category_are_paged_twenty_at_a_time(client, django_assert_max_num_queries):
    subject = make_subject()
    for n in range(45):
        make_record(subject=subject, decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=n), document_no=f"罚{n:03d}")
    with django_assert_max_num_queries(6):
        response = client.get(f"/subjects/{subject.uscc}/", {"category": "admin_penalty", "page": 3})
    page = response.content.decode()
    assert re.findall(r">罚(\d{3})<", page) == [f"{n:03d}" for n in range(4, -1, -1)]
    assert "第 3 页，共 3 页" in page and 'rel="prev"' in page and 'rel="next"' not in page
    assert '<meta name="robots" content="noindex">' in page  # the subject's page is the one to index
    last = client.get(f"/subjects/{subject.uscc}/", {"category": "admin_penalty", "page": 99}).content.decode()
    assert "第 3 页，共 3 页" in last  # past the end: the last page


def test_an_unknown_category_or_list_on_a_subject_page_is_404(client):
    subject = make_subject()
    assert client.get(f"/subjects/{subject.uscc}/", {"category": "nope"}).status_code == 404
    assert client.get(f"/subjects/{subject.uscc}/", {"list": "nope"}).status_code == 404


def test_the_list_entries_of_a_subject_are_paged_too(client):
    subject = make_subject()
    for n in range(25):
        make_listing(subject=subject, credit_list="dishonest_judgment_debtor", entered_on=dt.date(2026, 1, 1 + n))
    page = client.get(f"/subjects/{subject.uscc}/", {"list": "dishonest_judgment_debtor", "page": 2}).content.decode()
    assert page.count("<tr>") == 1 + 5  # header and the 5 oldest
    assert "2026-01-01" in page and "2026-01-06" not in page


def test_every_negative_record_has_a_repair_button_that_says_when_it_can_be_used(client):
    subject = make_subject()
    now = make_record(subject=subject, decided_on=dt.date(2026, 1, 5))  # general: 3 months minimum
    later = make_record(subject=subject, decided_on=dt.date(2026, 10, 5))
    never = make_record(subject=subject, category="judicial", severity="serious", decided_on=dt.date(2026, 1, 5))
    licence = make_record(subject=subject, category="admin_license", severity="")
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert f'href="/repair/subjects/{subject.uscc}/apply/?item=record-{now.pk}">在线申请修复</a>' in page
    assert f"item=record-{later.pk}" not in page
    assert 'aria-disabled="true">可于 2027-01-06 起申请</span>' in page
    assert f"item=record-{never.pk}" not in page and "不可修复：法律规定此类信息不得修复" in page
    licences = page[page.index('id="section-licence"') : page.index('id="section-penalty"')]
    assert f"/records/{licence.pk}/" in licences and "在线申请修复" not in licences and "申请" not in licences


def test_every_dishonesty_listing_has_a_repair_button_and_honour_lists_none(client):
    subject = make_subject()
    now = make_listing(subject=subject, credit_list="abnormal_operation", entered_on=dt.date(2026, 3, 1))
    make_listing(subject=subject, credit_list="severe_dishonesty", entered_on=dt.date(2026, 3, 1))  # 1 year minimum
    make_listing(subject=subject, credit_list="a_level_taxpayer", entered_on=dt.date(2026, 3, 1))
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert f'href="/repair/subjects/{subject.uscc}/apply/?item=listing-{now.pk}"' in page
    assert "可于 2027-03-02 起申请" in page
    honour = page[page.index('id="section-honour"') : page.index('id="section-dishonesty"')]
    assert "纳税信用A级" in honour and "在线申请修复" not in honour and "可于" not in honour


def test_a_list_left_only_by_court_decision_says_so_instead_of_a_button(client):
    subject = make_subject()
    listing = make_listing(subject=subject, credit_list="dishonest_judgment_debtor", entered_on=dt.date(2026, 3, 1))
    listing.credit_list.repairable = False
    listing.credit_list.save()
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert f"item=listing-{listing.pk}" not in page and "不通过信用修复移出" in page


def test_the_subject_page_reads_in_english_too(client):
    client.cookies["django_language"] = "en"
    subject = make_subject()
    make_record(subject=subject, decided_on=dt.date(2026, 1, 5))
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert nav(page)[:3] == ["Basic information", "Administrative licences 0", "Administrative penalties 1"]
    assert "Apply for repair online" in page and "Administrative penalty" in page


def test_a_category_moved_to_another_section_appears_there(client):
    subject = make_subject()
    make_record(subject=subject, category="judicial", severity="serious")
    Category.objects.filter(code="judicial").update(section="penalty")
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert nav(page)[2] == "行政处罚 1"
