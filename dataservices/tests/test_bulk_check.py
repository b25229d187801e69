"""POST /api/v1/checks/: up to 1,000 codes, each with its own status."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dataservices.tests.helpers import make_subject, make_uscc, publish_listing, publish_record

pytestmark = pytest.mark.django_db


def check(codes):
    return APIClient().post("/api/v1/checks/", {"codes": codes}, format="json")


def to_full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def test_each_code_gets_its_status_in_input_order(at_noon):
    penalised = make_subject("甲公司")
    publish_record(subject=penalised, decided_on=dt.date(2026, 6, 1))
    clean = make_subject("乙公司")
    honoured = make_subject("丙公司")
    publish_listing(subject=honoured, credit_list="a_level_taxpayer")
    unknown = make_uscc(n=999_999)
    wrong_check = penalised.uscc[:-1] + ("0" if penalised.uscc[-1] != "0" else "1")
    results = check([penalised.uscc, clean.uscc, honoured.uscc, unknown, wrong_check, "ABC"]).json()["results"]
    assert [r["status"] for r in results] == ["negative", "clean", "clean", "unknown", "invalid", "invalid"]
    assert results[0]["negative_records"] == 1 and results[0]["categories"] == ["admin_penalty"]
    assert results[2]["lists"] == ["a_level_taxpayer"]  # on an honour list, still clean
    assert "check character" in results[4]["reason"]
    assert "18" in results[5]["reason"]


def test_lower_case_full_width_and_spaced_codes_are_normalised(at_noon):
    subject = make_subject()
    publish_record(subject=subject, decided_on=dt.date(2026, 6, 1))
    variants = [
        subject.uscc.lower(),
        to_full_width(subject.uscc),
        " ".join(subject.uscc[i : i + 6] for i in (0, 6, 12)),
    ]
    results = check(variants).json()["results"]
    assert {r["code"] for r in results} == {subject.uscc}
    assert [r["status"] for r in results] == ["negative"] * 3
    assert [r["duplicate"] for r in results] == [False, True, True]
    assert [r["input"] for r in results] == variants


def test_an_empty_list_is_refused_with_a_field_message(at_noon):
    response = check([])
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["codes"]
    missing = APIClient().post("/api/v1/checks/", {}, format="json")
    assert missing.status_code == 400 and "codes" in missing.json()["fields"]


def test_a_thousand_codes_are_checked_and_one_more_is_refused(at_noon, django_assert_max_num_queries):
    codes = [make_uscc(n=10_000 + i) for i in range(1000)]
    with django_assert_max_num_queries(12):
        response = check(codes)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000
    too_many = check([*codes, make_uscc(n=20_000)])
    assert too_many.status_code == 400
    assert "1000" in too_many.json()["fields"]["codes"][0]


def test_a_body_that_is_not_a_list_of_strings_is_a_400_not_a_500(at_noon):
    assert check("91350100M000100Y43").status_code == 400
    response = check([{"code": 1}])
    assert response.status_code == 400
    assert "codes.0" in response.json()["fields"]
