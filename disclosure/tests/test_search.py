"""Search by name fragment or code, as a citizen types it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection

from disclosure import search, selectors
from disclosure.models import SubjectFormerName, SubjectType
from disclosure.search import normalize_name
from disclosure.tests.factories import make_listing, make_record, make_subject, make_uscc

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def beijing_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def names(query: str, **filters) -> list[str]:
    return [subject.name for subject in selectors.subjects_search(query=query, filters=filters)]


def test_two_characters_find_a_company_anywhere_in_its_name(client):
    make_subject("福州市鼓楼区华信贸易有限公司")
    page = client.get("/search/", {"q": "华信"}).content.decode()
    assert "福州市鼓楼区华信贸易有限公司" in page
    assert "查到 1 个主体" in page


def test_results_rank_exact_then_prefix_then_contains_then_former_names():
    make_subject("福州华信贸易有限公司")
    make_subject("华信")
    make_subject("华信科技有限公司")
    renamed = make_subject("闽江实业有限公司")
    SubjectFormerName.objects.create(
        subject=renamed, name="华信实业有限公司", search_name=normalize_name("华信实业有限公司")
    )
    assert names("华信") == ["华信", "华信科技有限公司", "福州华信贸易有限公司", "闽江实业有限公司"]


def test_traditional_and_full_width_input_find_simplified_names():
    make_subject("厦门海岸建设工程有限公司")
    make_subject("ABC国际贸易(福州)有限公司")
    assert names("廈門海岸") == ["厦门海岸建设工程有限公司"]
    assert names("ＡＢＣ国际") == ["ABC国际贸易(福州)有限公司"]
    assert names("abc国际贸易（福州）") == ["ABC国际贸易(福州)有限公司"]


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {spaced} ", "{fullwidth}"])
def test_a_complete_valid_code_in_any_form_goes_straight_to_the_subject(client, typed):
    subject = make_subject()
    code = subject.uscc
    variants = {
        "code": code,
        "lower": code.lower(),
        "spaced": f"{code[:6]} {code[6:12]} {code[12:]}",
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in code),
    }
    response = client.get("/search/", {"q": typed.format(**variants)})
    assert response.status_code == 302
    assert response["Location"] == f"/subjects/{code}/"


def test_a_code_with_a_wrong_check_character_says_so(client):
    code = make_uscc()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert search.code_problem(wrong) == "checksum"
    page = client.get("/search/", {"q": wrong}).content.decode()
    assert "代码输入有误" in page
    assert "第18位校验码与前17位不符" in page


def test_a_valid_code_nobody_has_says_no_subject_is_registered(client):
    page = client.get("/search/", {"q": make_uscc()}).content.decode()
    assert "没有使用该代码的主体" in page


def test_an_identity_number_never_finds_a_person(client):
    person = make_subject(
        "陈某某", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350102199003070047"
    )
    make_listing(subject=person, credit_list="dishonest_judgment_debtor")
    for typed in ("350102199003070047", "350102 19900307 0047", "350102198001"):
        response = client.get("/search/", {"q": typed})
        assert response.status_code == 200
        assert "陈某某" not in response.content.decode()
        assert names(typed) == []
    assert "不能按身份证件号码查询" in client.get("/search/", {"q": "350102199003070047"}).content.decode()


def test_an_all_digit_code_with_a_wrong_check_character_is_not_taken_for_an_identity_number(client):
    wrong = "913501810000000010"  # the check character of 91350181000000001 is not 0
    page = client.get("/search/", {"q": wrong}).content.decode()
    assert "代码输入有误" in page
    assert "身份证件号码" not in page[page.index("代码输入有误") :]


def test_natural_persons_appear_only_while_something_about_them_is_disclosed():
    listed = make_subject(
        "陈某某", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350102198001011230"
    )
    make_listing(subject=listed, credit_list="dishonest_judgment_debtor")
    penalised = make_subject(
        "陈某", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350102198001011249"
    )
    make_record(subject=penalised)
    make_subject("陈某甲", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350102198001011257")
    expired = make_subject(
        "陈某乙", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="350102198001011265"
    )
    make_record(subject=expired, decided_on=dt.date(2024, 1, 1))
    assert sorted(names("陈某")) == ["陈某", "陈某某"]


def test_an_enterprise_with_nothing_disclosed_is_still_found():
    make_subject("福州清白科技有限公司")
    assert names("清白") == ["福州清白科技有限公司"]


def test_the_first_characters_of_a_code_find_the_subject():
    subject = make_subject()
    assert names(subject.uscc[:10]) == [subject.name]


def test_filters_narrow_by_type_region_category_and_list(client):
    fuzhou = make_subject("华信福州有限公司", region_code="350102")
    xiamen = make_subject("华信厦门有限公司", region_code="350203")
    beijing = make_subject("华信北京有限公司", region_code="110105")
    make_subject("华信个体店", subject_type=SubjectType.INDIVIDUAL_BUSINESS, uscc=make_uscc(), region_code="350102")
    make_record(subject=fuzhou, category="admin_penalty")
    make_record(subject=xiamen, category="judicial", severity="serious")
    make_listing(subject=beijing, credit_list="abnormal_operation")
    assert sorted(names("华信", region="350000")) == ["华信个体店", "华信厦门有限公司", "华信福州有限公司"]
    assert sorted(names("华信", region="350100")) == ["华信个体店", "华信福州有限公司"]
    assert names("华信", subject_type="individual_business") == ["华信个体店"]
    assert names("华信", category="judicial") == ["华信厦门有限公司"]
    assert names("华信", list="any") == ["华信北京有限公司"]
    assert names("华信", list="severe_dishonesty") == []
    page = client.get("/search/", {"q": "华信", "province": "350000", "city": "350100"}).content.decode()
    assert "华信福州有限公司" in page and "华信厦门有限公司" not in page


def test_results_show_type_region_code_and_counts(client):
    subject = make_subject("福州计数有限公司", region_code="350102")
    make_record(subject=subject)
    make_record(subject=subject, category="admin_license", severity="")
    make_listing(subject=subject, credit_list="abnormal_operation")
    page = client.get("/search/", {"q": "计数"}).content.decode()
    for text in ("企业", "福建省福州市鼓楼区", subject.uscc, "1 条公示中的失信信息", "列入 1 个失信名单"):
        assert text in page, text


def test_an_honour_list_is_not_counted_as_a_dishonesty_list(client):
    subject = make_subject("福州守信有限公司")
    make_listing(subject=subject, credit_list="a_level_taxpayer")
    page = client.get("/search/", {"q": "守信"}).content.decode()
    assert "列入 1 个守信激励名单" in page
    assert "个失信名单" not in page


def test_results_are_paginated(client):
    for n in range(25):
        make_subject(f"分页测试{n:02d}有限公司")
    first = client.get("/search/", {"q": "分页测试"}).content.decode()
    second = client.get("/search/", {"q": "分页测试", "page": 2}).content.decode()
    assert "查到 25 个主体" in first
    assert first.count('class="result"') == 20
    assert second.count('class="result"') == 5
    assert "q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;page=2" in first


def test_an_overlong_query_is_refused_with_a_message(client):
    page = client.get("/search/", {"q": "华" * 101}).content.decode()
    assert 'class="field-error"' in page
    assert "个主体" not in page  # no result count


def test_no_results_give_hints(client):
    page = client.get("/search/", {"q": "不存在的名字"}).content.decode()
    assert "没有查到相符的主体" in page
    assert "减少字数" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_three_character_name_query_can_use_the_trigram_index():
    for n in range(50):
        make_subject(f"福州第{n}号测试有限公司")
    sql, params = search.subjects_matching("测试有").only("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "subject_search_name_trgm" in plan
