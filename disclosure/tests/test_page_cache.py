"""Cached pages never outlive a change in what is disclosed.

The subject page and the API subject detail are cached (disclosure.pagecache)
under a key that moves with the subject's event log, the catalogue and the
Beijing date. These tests fill the cache, change what is disclosed through
each kind of writer, and read again. Transactional: a page is never cached
inside a transaction, so the ordinary (rolled-back) tests never fill it.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from disclosure import periods, services
from disclosure.models import Authority, Category, EndReason, ExitReason
from disclosure.tests.factories import make_authority, make_listing, make_record, make_subject
from disclosure.tests.import_helpers import make_uscc, penalty, run_import, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def page(client, subject) -> str:
    return client.get(f"/subjects/{subject.uscc}/").content.decode()


def api(client, subject) -> str:
    return client.get(f"/api/v1/subjects/{subject.uscc}/").content.decode()


def test_a_second_visit_is_answered_from_the_cache_in_one_query(client, django_assert_max_num_queries):
    subject = make_subject()
    make_record(subject=subject, document_no="缓存罚1号")
    first, first_api = page(client, subject), api(client, subject)
    with django_assert_max_num_queries(1):
        again = page(client, subject)
    with django_assert_max_num_queries(1):
        assert api(client, subject) == first_api
    assert again.replace(token(again), "") == first.replace(token(first), "")
    assert "缓存罚1号" in first and "缓存罚1号" in first_api


def test_a_repaired_record_never_comes_back_from_the_cache(client):
    subject = make_subject()
    record = make_record(subject=subject, document_no="修复罚1号", decided_on=periods.today() - dt.timedelta(days=200))
    assert "修复罚1号" in page(client, subject) and "修复罚1号" in api(client, subject)
    services.record_end_disclosure(record=record, reason=EndReason.REPAIRED, actor="test")
    assert "修复罚1号" not in page(client, subject)
    assert "修复罚1号" not in api(client, subject)


def test_an_expired_record_never_comes_back_from_the_cache(client):
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC), tick=False):  # 23:00 in Beijing
        subject = make_subject()
        # General: disclosed for 12 months, through 2026-06-30.
        make_record(subject=subject, document_no="到期罚1号", decided_on=dt.date(2025, 6, 30))
        assert "到期罚1号" in page(client, subject) and "到期罚1号" in api(client, subject)
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 0, 1, tzinfo=dt.UTC), tick=False):  # 00:00:01 the next day
        assert "到期罚1号" not in page(client, subject)
        assert "到期罚1号" not in api(client, subject)


def test_a_record_that_starts_being_disclosed_appears_on_its_day(client):
    with time_machine.travel(dt.datetime(2026, 6, 30, 15, 0, tzinfo=dt.UTC), tick=False):
        subject = make_subject()
        make_record(subject=subject, document_no="明日罚1号", decided_on=dt.date(2026, 7, 1))
        assert "明日罚1号" not in page(client, subject)
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 0, 1, tzinfo=dt.UTC), tick=False):
        assert "明日罚1号" in page(client, subject)


def test_a_revocation_arriving_in_an_import_never_comes_back_from_the_cache(client, tmp_path):
    row = penalty("R1", uscc=make_uscc(77), document_no="导入罚1号")
    assert run_import(write_csv(tmp_path / "a.csv", [row]), "--source", "dept")[0] == 0
    subject = type("S", (), {"uscc": make_uscc(77)})
    assert "导入罚1号" in page(client, subject) and "导入罚1号" in api(client, subject)
    revoked = {**row, "revoked_on": (periods.today() - dt.timedelta(days=1)).isoformat()}
    assert run_import(write_csv(tmp_path / "b.csv", [revoked]), "--source", "dept")[0] == 0
    assert "导入罚1号" not in page(client, subject)
    assert "导入罚1号" not in api(client, subject)


def test_a_listing_exit_never_comes_back_from_the_cache(client):
    subject = make_subject()
    listing = make_listing(subject=subject, credit_list="abnormal_operation", reason="无法联系的住所")
    assert "无法联系的住所" in page(client, subject) and "无法联系的住所" in api(client, subject)
    services.listing_exit(listing=listing, reason=ExitReason.REPAIRED, actor="test")
    assert "无法联系的住所" not in page(client, subject)
    assert "无法联系的住所" not in api(client, subject)


def test_a_shorter_period_in_the_catalogue_reaches_cached_pages(client):
    subject = make_subject()
    make_record(subject=subject, document_no="目录罚1号", decided_on=periods.today() - dt.timedelta(days=200))
    assert "目录罚1号" in page(client, subject)
    services.category_update_rules(category=Category.objects.get(code="admin_penalty"), general_max_months=3)
    assert "目录罚1号" not in page(client, subject)
    assert "目录罚1号" not in api(client, subject)


def test_a_catalogue_or_authority_renamed_by_staff_reaches_cached_pages(client):
    subject = make_subject()
    make_record(subject=subject, authority=make_authority("旧名市场监督管理局"))
    assert "旧名市场监督管理局" in page(client, subject) and "行政处罚" in page(client, subject)
    category = Category.objects.get(code="admin_penalty")
    category.name = "行政处罚决定"
    category.repairable = False
    category.save()
    authority = Authority.objects.get(name="旧名市场监督管理局")
    authority.name = "新名市场监督管理局"
    authority.save()
    fresh = page(client, subject)
    assert "行政处罚决定" in fresh and "新名市场监督管理局" in fresh and "旧名" not in fresh
    assert "在线申请修复" not in fresh  # no longer repairable: no button
    assert "新名市场监督管理局" in api(client, subject)


def test_a_renamed_subject_reaches_cached_pages(client):
    subject = make_subject("旧名贸易有限公司")
    assert "旧名贸易有限公司" in page(client, subject)
    subject.name = "新名贸易有限公司"
    subject.save()
    assert "新名贸易有限公司" in page(client, subject) and "新名贸易有限公司" in api(client, subject)


def test_the_cached_part_holds_nothing_of_the_visitor(client, django_user_model):
    subject = make_subject()
    make_record(subject=subject)
    user = django_user_model.objects.create_user("reader@example.com", "reader@example.com", "pass phrase 12")
    client.force_login(user)
    first = page(client, subject)
    other = client_class_get(subject)
    assert "reader@example.com" not in other
    # The language switch carries each visitor's own CSRF token.
    assert token(first) != token(other)
    assert first.replace(token(first), "") == other.replace(token(other), "")


def client_class_get(subject) -> str:
    from django.test import Client

    return page(Client(), subject)


def token(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_english_and_chinese_pages_are_cached_apart(client):
    subject = make_subject()
    make_record(subject=subject)
    assert "行政处罚" in page(client, subject)
    client.cookies["django_language"] = "en"
    english = page(client, subject)
    assert "Administrative penalties" in english and "行政处罚 <" not in english
