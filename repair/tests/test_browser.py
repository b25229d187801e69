"""In a real browser: the workflow without JavaScript, and no serious accessibility violation.

Skips when Chromium or Playwright is missing, unless REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import importlib
import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from repair.models import Case, Status

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"  # repair.tests.factories.user


@pytest.fixture(scope="module")
def browser():
    missing = None
    if not shutil.which(CHROMIUM):
        missing = f"no Chromium at {CHROMIUM}"
    try:
        import axe_playwright_python  # noqa: F401
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        missing = f"Playwright or axe-playwright-python not installed ({error})"
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    # Playwright's sync API runs an event loop in this thread; see disclosure/tests/test_accessibility.py.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def world(transactional_db, request):
    """The shared world, after re-installing the catalogue and roles when a flush removed them.

    With live_server, pytest-django's serialized rollback does not bring the
    data migrations' rows back after the previous test's flush.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="credit_centre_reviewer").exists():
        importlib.import_module("disclosure.migrations.0003_default_catalogue").install(apps, None)
        importlib.import_module("repair.migrations.0002_roles").create_roles(apps, None)
    return request.getfixturevalue("world")


def _login(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/accounts/")  # logged in: the account page
    user = get_user_model().objects.get(email=email)
    if user.is_staff:
        # The second factor, as staff type it from their authenticator app
        # (a fresh device each time: a code is accepted once).
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="browser test", confirmed=True)
        page.goto(live_server.url + "/accounts/two-factor/?next=/office/")
        page.fill("input[name=code]", f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
        page.click("main button[type=submit]")
        page.wait_for_url(live_server.url + "/office/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_applicant_and_two_reviewers_complete_a_repair_without_javascript(browser, live_server, world, tmp_path):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    _login(page, live_server, world.applicant.email)
    page.goto(f"{live_server.url}/repair/subjects/{world.subject.uscc}/apply/")
    page.check(f"input[value='record-{world.penalty.pk}']")
    page.fill("textarea[name=statement]", "罚款已缴清")
    evidence = tmp_path / "receipt.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.check("input[name=commitment_confirmed]")
    page.click("main button[type=submit]")
    case = Case.objects.get()
    page.wait_for_url(f"**/repair/cases/{case.tracking_no}/")
    assert case.tracking_no in page.content()

    _login(page, live_server, world.centre.email)
    assert page.goto(f"{live_server.url}/office/cases/{case.pk}/").status == 200
    page.locator("form:has(input[name=to][value=accepted]) button[type=submit]").click()
    page.wait_for_load_state()
    _login(page, live_server, world.market_reviewer.email)
    assert page.goto(f"{live_server.url}/office/cases/{case.pk}/").status == 200
    page.locator("form:has(input[name=to][value=repaired]) button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Status.REPAIRED
    context.close()


PAGES = {
    "login": (None, "/accounts/login/"),
    "register": (None, "/accounts/register/"),
    "self-check": (None, "/repair/check/{uscc}/"),
    "status": (None, "/repair/status/"),
    "account": ("applicant", "/accounts/"),
    "applicant home": ("applicant", "/repair/"),
    "apply": ("applicant", "/repair/subjects/{uscc}/apply/"),
    "object": ("applicant", "/repair/subjects/{uscc}/object/"),
    "applicant case": ("applicant", "/repair/cases/{tracking}/"),
    "queue": ("centre", "/office/"),
    "staff case": ("centre", "/office/cases/{pk}/"),
    "bindings": ("centre", "/office/bindings/"),
    "calendar": ("admin", "/office/calendar/"),
    "timeliness": ("admin", "/office/timeliness/"),
    "second factor": ("admin", "/accounts/two-factor/"),
    "second factor set-up": ("admin", "/accounts/two-factor/setup/"),
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_repair_pages_have_no_serious_or_critical_accessibility_violation(browser, live_server, world, language):
    from axe_playwright_python.sync_playwright import Axe

    from repair.tests.conftest import submit

    case = submit(world)
    users = {"applicant": world.applicant, "centre": world.centre, "admin": world.admin}
    axe = Axe()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems = []
    current = "nobody"
    for name, (who, path) in PAGES.items():
        if who != current:
            if who is None:
                context.clear_cookies()
            else:
                _login(page, live_server, users[who].email)
            current = who
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        url = live_server.url + path.format(uscc=world.subject.uscc, tracking=case.tracking_no, pk=case.pk)
        response = page.goto(url)
        assert response is not None and response.status == 200, name
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    context.close()
    assert problems == []
