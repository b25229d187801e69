"""English pages show region names in pinyin, not in Chinese characters."""

from __future__ import annotations

import pytest

from disclosure import regions
from disclosure.tests.factories import make_record, make_subject


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("350181", "Fuqing Shi, Fuzhou, Fujian"),
        ("350100", "Fuzhou, Fujian"),
        ("110105", "Chaoyang Qu, Beijing"),
        ("341500", "Lu'an, Anhui"),
        ("330382", "Yueqing Shi, Wenzhou, Zhejiang"),
        ("222401", "Yanji Shi, Yanbian Chaoxianzu Zizhizhou, Jilin"),
        ("610000", "Shaanxi"),
        ("140000", "Shanxi"),
        ("150781", "Manzhouli Shi, Hulunbei'er, Nei Mongol"),
    ],
)
def test_a_region_reads_in_pinyin_smallest_division_first(code, english):
    assert regions.full_name_en(code) == english


def test_every_division_of_the_data_set_has_an_english_name_without_chinese_characters():
    for label in regions.DIVISION_DATA.values():
        english = regions.english_name(label)
        # ü stays: 吕梁 is Lüliang in the national standard.
        assert all(char.isascii() or char == "ü" for char in english), (label, english)
        assert english[:1].isupper(), (label, english)


@pytest.mark.django_db
def test_an_english_subject_page_and_search_result_show_the_region_in_pinyin(client):
    subject = make_subject("福清市英文地区有限公司", region_code="350181")
    make_record(subject=subject)
    client.cookies["django_language"] = "en"
    for url in (f"/subjects/{subject.uscc}/", f"/search/?q={subject.uscc}"):
        page = client.get(url, follow=True).content.decode()
        assert "Fuqing Shi, Fuzhou, Fujian" in page, url
        assert "福建省福州市福清市" not in page, url


@pytest.mark.django_db
def test_a_chinese_page_keeps_the_chinese_region_name(client):
    subject = make_subject("福清市中文地区有限公司", region_code="350181")
    page = client.get(f"/subjects/{subject.uscc}/").content.decode()
    assert "福建省福州市福清市" in page


@pytest.mark.django_db
def test_the_english_region_filter_lists_provinces_in_pinyin(client):
    client.cookies["django_language"] = "en"
    page = client.get("/search/?q=x&province=350000").content.decode()
    assert ">Fujian</option>" in page
    assert ">Fuzhou</option>" in page


@pytest.mark.django_db
def test_the_api_gives_the_region_in_chinese_and_in_pinyin(client):
    subject = make_subject("福清市接口地区有限公司", region_code="350181")
    body = client.get(f"/api/v1/subjects/{subject.uscc}/").json()
    assert body["region_name"] == "福建省福州市福清市"
    assert body["region_name_en"] == "Fuqing Shi, Fuzhou, Fujian"
