"""Chinese is the default language of the applicant's and the staff's pages; English is available."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from repair import services


@pytest.fixture
def chinese_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def test_pages_and_messages_are_in_chinese_by_default(world, client, chinese_default):
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert "可立即申请修复" in page and "不可修复" in page and "自2027-01-02起可申请修复" in page
    client.force_login(world.centre)
    assert "办件队列" in client.get("/office/").content.decode()
    with translation.override("zh-hans"), pytest.raises(services.RepairError) as error:
        services.repair_application_submit(
            applicant=world.stranger,
            subject=world.subject,
            items=[],
            statement="",
            evidence=[],
            commitment_confirmed=False,
            token=uuid.uuid4(),
        )
    assert str(error.value) == "您尚未获准代表该信用主体办理业务。"


def test_english_is_available(world, client, chinese_default):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/repair/check/{world.subject.uscc}/").content.decode()
    assert "Repairable now" in page and "可立即申请修复" not in page


def test_mail_to_the_applicant_is_in_the_portal_language_whatever_the_reviewers_page_language(
    world, submitted, chinese_default, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=submitted, to="not_accepted", actor=world.centre, note="缺少缴款凭证")
    assert "不予受理" in mailoutbox[-1].body and "缺少缴款凭证" in mailoutbox[-1].body
