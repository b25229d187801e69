"""Automated accessibility check: axe-core in headless Chromium.

Runs axe-core (bundled, not fetched, by the `axe-playwright-python` package)
on the main public pages in both languages and fails on any serious or
critical violation. Skips when Chromium or Playwright is missing, unless
REQUIRE_BROWSER=1 (as in .ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from disclosure import periods
from disclosure.catalogue import install_defaults
from disclosure.models import Category, CreditList, SubjectFormerName, SubjectType
from disclosure.tests.factories import make_listing, make_record, make_subject

CHROMIUM = "/usr/bin/chromium"


def _browser_missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"Playwright or axe-playwright-python not installed ({error})"
    return None


# Function scope: pytest-django reorders transactional tests across modules,
# so module-scoped Playwright instances (other apps import this fixture)
# would overlap, and a second sync Playwright in one thread hangs.
@pytest.fixture
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which trips
    # Django's async-safety guard on the test's own queries; the live server
    # answers from its own thread. Set only while these tests run: the
    # deployment check elsewhere in the suite rejects the variable.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def portal_data():
    # A flush by an earlier transactional test may have removed what the data
    # migrations installed; put the default catalogue back if so.
    if not Category.objects.exists():
        install_defaults(Category, CreditList)
    today = periods.today()
    subject = make_subject("福州市鼓楼区华信贸易有限公司", region_code="350102", legal_representative="张伟")
    SubjectFormerName.objects.create(subject=subject, name="福州华信商行", search_name="福州华信商行")
    make_record(subject=subject, severity="general", decided_on=today - dt.timedelta(days=40))
    make_record(subject=subject, severity="serious", decided_on=today - dt.timedelta(days=400))
    make_record(subject=subject, category="judicial", severity="serious", decided_on=today - dt.timedelta(days=30))
    make_listing(subject=subject, credit_list="abnormal_operation", entered_on=today - dt.timedelta(days=20))
    person = make_subject(
        "陈某某", uscc=None, subject_type=SubjectType.NATURAL_PERSON, identity_number="35010219800101123X"
    )
    make_listing(subject=person, credit_list="abnormal_operation", entered_on=today - dt.timedelta(days=10))
    for n in range(25):
        make_subject(f"福州华信第{n}分公司", region_code="350102")
    return subject


PAGES = {
    "home": "/",
    "search": "/search/?q=华信",
    "no results": "/search/?q=没有这个名字",
    "subject": "/subjects/{key}/",
    "record": "/records/{record}/",
    "lists": "/lists/",
    "list": "/lists/abnormal_operation/?province=350000",
    "periods help": "/help/periods/",
    "repair help": "/help/repair/",
    "objections help": "/help/objections/",
}


def urls_of(subject) -> dict[str, object]:
    return {"key": subject.uscc, "record": subject.records.first().pk}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_public_pages_have_no_serious_or_critical_accessibility_violation(
    browser, live_server, portal_data, language
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    problems = []
    for name, path in PAGES.items():
        response = page.goto(live_server.url + path.format(**urls_of(portal_data)))
        assert response is not None and response.status == 200, name
        expected = "zh-Hans" if language == "zh-hans" else "en"
        assert page.get_attribute("html", "lang") == expected
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    context.close()
    assert problems == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_phone_user_without_javascript_finds_a_company_by_two_characters(browser, live_server, portal_data):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("企业名称或统一社会信用代码").fill("鼓楼")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name="福州市鼓楼区华信贸易有限公司").click()
    page.wait_for_url(f"**/subjects/{portal_data.uscc}/")
    assert "今日公示失信信息 3 条" in page.content()
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_scrolls_sideways_on_a_360_pixel_wide_phone(browser, live_server, portal_data):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    wide = []
    for name, path in PAGES.items():
        page.goto(live_server.url + path.format(**urls_of(portal_data)))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{name}: {width}px")
    context.close()
    assert wide == []
