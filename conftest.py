"""Project-wide pytest set-up."""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.db.backends.signals import connection_created


def _allow_flushing_the_audit_trail(sender, connection, **kwargs) -> None:
    """Transactional tests empty every table with TRUNCATE between tests;
    the audit trail's trigger refuses that unless the session says so
    (audit/migrations/0002). Only the test suite's sessions do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET creditportal.allow_audit_truncate = 'on'")


connection_created.connect(_allow_flushing_the_audit_trail, dispatch_uid="test_audit_truncate")


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "live_server" in getattr(item, "fixturenames", ()) or (
        marker is not None and bool(marker.kwargs.get("transaction", False))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("django_db")
        # Serialized rollback collides with the content types that a plain
        # flush (live_server) recreates; `data_migration_rows` below restores
        # what the data migrations installed instead.
        if marker is not None and marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": False}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, trigram search, concurrent writers)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache (page cache, throttle counters):
    ids and clocks repeat across tests, and a key made of them could too."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def data_migration_rows(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database, and with it the rows that data
    migrations installed: the default catalogue and lists, and the staff
    groups. Put them back (idempotently) before each such test. Content types
    and permissions are recreated by the flush itself."""
    if not _is_transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    from disclosure.catalogue import install_defaults
    from disclosure.models import Category, CreditList

    install_defaults(Category, CreditList)
    roles = dict(importlib.import_module("repair.migrations.0002_roles").ROLES)
    roles["auditor"] = [("audit", "auditentry", "view_auditentry")]
    for name, permissions in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, content_type__model=model, codename=codename)
                for app, model, codename in permissions
            )
        )


@pytest.fixture(autouse=True, scope="session")
def report_signing_pair(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Issued PDFs are signed: give the test run its own self-signed pair
    (as `bin/run` does under var/), whatever the environment configures."""
    from reports import signing

    folder = tmp_path_factory.mktemp("signing")
    settings.REPORT_SIGNING_KEY = folder / "test.key"
    settings.REPORT_SIGNING_CERT = folder / "test.crt"
    settings.REPORT_SIGNING_KEY_PASSPHRASE = ""
    signing.demo_pair_create(
        key_path=settings.REPORT_SIGNING_KEY, cert_path=settings.REPORT_SIGNING_CERT, common_name="Test signing"
    )


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """The caches (page and report caches, throttle and mail counters)
    outlive a test's transaction and, file-based, the test run: each test
    starts without them, so that nothing cached for an earlier test's rows
    (same codes, same day) is served to this one."""
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(staff)` (and `client.login(...)`) give a session
    that passed two-factor authentication: tests of the back office need not
    type codes. Production has no such shortcut; the real login (password,
    then code) is tested in accounts/tests/test_two_factor.py."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user, backend: str | None = None) -> None:
        original(self, user, backend)
        if user.is_staff:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="test", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    def login(self: Client, **credentials) -> bool:
        # Django's test client authenticates without a request, which
        # django-axes (login lockout) refuses; give it one, from loopback.
        from django.contrib.auth import authenticate
        from django.http import HttpRequest

        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        user = authenticate(request, **credentials)
        if user is None:
            return False
        force_login(self, user)
        return True

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "login", login)
