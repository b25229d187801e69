"""Brute force: after LOGIN_FAILURE_LIMIT wrong passwords an account, or an
address, is locked out for LOGIN_COOLOFF_MINUTES, on /accounts/login/ and
/admin/login/ alike; staff can unlock earlier. The right password does not
get in while locked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def account(clock):
    return get_user_model().objects.create_user("boss@example.com", "boss@example.com", PASSWORD)


def login(client, username, password, *, ip="203.0.113.5", path="/accounts/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_hundred_wrong_passwords_then_the_right_one_does_not_get_in(client, account):
    for _ in range(100):
        login(client, "boss@example.com", "wrong")
    response = login(client, "boss@example.com", PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)
    page = response.content.decode()
    assert "30" in page and "minutes" in page  # says when to try again


def test_the_account_is_locked_from_any_address_and_any_spelling(client, account):
    for n in range(5):
        login(client, "Boss@Example.com " if n % 2 else "boss@example.com", "wrong", ip=f"198.51.100.{n}")
    assert login(client, "boss@example.com", PASSWORD, ip="192.0.2.77").status_code == 429
    assert not is_logged_in(client)


def test_an_address_trying_many_accounts_is_locked(client, account):
    for n in range(5):
        login(client, f"someone{n}@example.com", "guess", ip="203.0.113.9")
    assert login(client, "boss@example.com", PASSWORD, ip="203.0.113.9").status_code == 429
    # The account itself is not locked for its owner elsewhere.
    login(client, "boss@example.com", PASSWORD, ip="192.0.2.1")
    assert is_logged_in(client)


def test_the_admin_login_is_locked_too(client, account):
    account.is_staff = True
    account.save()
    for _ in range(5):
        login(client, "boss@example.com", "wrong", path="/admin/login/")
    assert login(client, "boss@example.com", PASSWORD, path="/admin/login/").status_code == 429
    assert not is_logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, account, clock):
    for _ in range(5):
        login(client, "boss@example.com", "wrong")
    clock.shift(dt.timedelta(minutes=31))
    login(client, "boss@example.com", PASSWORD)
    assert is_logged_in(client)


def test_staff_unlock_an_account_and_that_is_recorded(client, account):
    for _ in range(5):
        login(client, "boss@example.com", "wrong")
    superuser = get_user_model().objects.create_superuser("root@example.com", "root@example.com", PASSWORD)
    client.force_login(superuser)
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username="boss@example.com")
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="admin.delete", target_type="axes.accessattempt").exists()
    client.logout()
    login(client, "boss@example.com", PASSWORD, ip="192.0.2.1")
    assert is_logged_in(client)
