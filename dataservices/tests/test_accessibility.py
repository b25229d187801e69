"""axe-core in headless Chromium on the data-service pages (as the portal's
own accessibility test does), and the bulk check by keyboard without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest

from dataservices.tests.helpers import make_subject, make_uscc, publish_record
from disclosure import periods
from disclosure.catalogue import install_defaults
from disclosure.models import Category, CreditList
from disclosure.tests.test_accessibility import browser  # noqa: F401 (fixture)
from reports import services as report_services


@pytest.fixture
def subject():
    if not Category.objects.exists():
        install_defaults(Category, CreditList)
    subject = make_subject("福州市仓山区示例物流有限公司", region_code="350104")
    publish_record(subject=subject, decided_on=periods.today() - dt.timedelta(days=30))
    return subject


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_data_service_pages_have_no_serious_or_critical_violation(browser, live_server, subject, language):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    problems = []
    report = report_services.report_issue(subject=subject)
    pages = {
        "check": "/check/",
        "open data": "/open-data/",
        "follow": f"/subjects/{subject.uscc}/follow/",
        "verify": "/reports/verify/",
        "verified report": f"/reports/verify/?number={report.number}&code={report.verification_code}",
        "api docs": "/api/docs/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        if name == "api docs":
            # Swagger UI renders the operations from the schema after load.
            page.wait_for_selector(".swagger-ui .opblock")
        problems += _violations(axe, page, name)
    page.goto(live_server.url + "/check/")
    page.locator("textarea").fill(f"{subject.uscc}\n{make_uscc(n=424242)}\nnot-a-code")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("tbody tr")
    problems += _violations(axe, page, "check results")
    context.close()
    assert problems == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bulk_check_works_by_keyboard_without_javascript(browser, live_server, subject):  # noqa: F811
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/check/")
    page.get_by_label("统一社会信用代码").fill(f"{subject.uscc}\n{make_uscc(n=424242)}\nnot-a-code")
    page.get_by_role("button", name="查询").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("tbody tr")
    assert page.locator("tbody tr").count() == 3
    assert "福州市仓山区示例物流有限公司" in page.content()
    context.close()


def _violations(axe, page, name: str) -> list[str]:
    results = axe.run(page)
    return [
        f"{name}: {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
