"""Staff need a second factor (TOTP) for /office/ and /admin/, with recovery codes."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry

PASSWORD = "correct horse battery"  # repair.tests.factories.user


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # django-otp slows down guessing after each wrong code; tests here type wrong codes on purpose.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(client, user) -> None:
    """The real login form: password only, no second factor yet."""
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def set_up(client, user) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/accounts/two-factor/setup/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "otpauth://totp/" in page and "<svg" in page  # the key as a link and as a QR code
    response = client.post("/accounts/two-factor/setup/", {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{8})</code>", response.content.decode())
    device.refresh_from_db()
    return device, codes


@pytest.mark.parametrize("path", ["/office/", "/admin/", "/office/bindings/", "/admin/auth/user/"])
def test_staff_with_only_a_password_are_sent_to_the_second_factor(world, client, path):
    password_login(client, world.centre)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    TOTPDevice.objects.create(user=world.centre, name="phone", confirmed=True)
    response = client.get(path)
    assert response["Location"] == f"/accounts/two-factor/?next={path.replace('/', '%2F')}"


def test_a_staff_member_sets_up_totp_gets_recovery_codes_and_reaches_the_office(world, client):
    password_login(client, world.centre)
    device, codes = set_up(client, world.centre)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/office/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.two_factor.setup", actor="centre@example.com").exists()


def test_the_next_login_asks_for_the_code_and_refuses_a_wrong_one(world, client, clock):
    password_login(client, world.centre)
    device, _codes = set_up(client, world.centre)
    clock.shift(30)  # the next code: a code is accepted once
    client.post("/accounts/logout/")
    password_login(client, world.centre)
    wrong = client.post("/accounts/two-factor/?next=/office/", {"code": "000000" if code_for(device) != "000000" else "1"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert client.get("/office/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.two_factor.failed").exists()
    right = client.post("/accounts/two-factor/?next=/office/", {"code": code_for(device)})
    assert right["Location"] == "/office/"
    assert client.get("/office/").status_code == 200


def test_a_recovery_code_gets_in_once(world, client):
    password_login(client, world.centre)
    _device, codes = set_up(client, world.centre)
    for attempt in range(2):
        client.post("/accounts/logout/")
        password_login(client, world.centre)
        client.post("/accounts/two-factor/", {"code": codes[0]})
        assert (client.get("/office/").status_code == 200) == (attempt == 0)


def test_applicants_are_not_asked_for_a_second_factor(world, client):
    password_login(client, world.applicant)
    assert client.get("/accounts/").status_code == 200
    assert client.get(f"/repair/check/{world.subject.uscc}/").status_code == 200


def test_the_admin_login_leads_to_the_second_factor_too(world, client):
    response = client.post("/admin/login/?next=/admin/", {"username": world.admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/setup/")


def test_staff_renew_their_recovery_codes_from_the_account_page(world, client):
    password_login(client, world.centre)
    _device, old_codes = set_up(client, world.centre)
    assert "/accounts/two-factor/recovery-codes/" in client.get("/accounts/").content.decode()
    response = client.post("/accounts/two-factor/recovery-codes/")
    new_codes = re.findall(r"<code>([a-z0-9]{8})</code>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    client.post("/accounts/logout/")
    password_login(client, world.centre)
    client.post("/accounts/two-factor/", {"code": old_codes[0]})
    assert client.get("/office/").status_code == 302  # earlier codes no longer work
