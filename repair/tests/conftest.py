from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
import time_machine

from repair import services
from repair.tests import factories as f


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # A fast hasher: the world fixture creates six users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Assertions read the English messages; test_translations checks the Chinese default.
    settings.LANGUAGE_CODE = "en"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def clock():
    # 2026-11-25 10:00 in Beijing, a Wednesday.
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    """Two authorities, one subject with repairable and non-repairable items, and staff."""
    market = f.authority("福州市市场监督管理局")
    tax = f.authority("国家税务总局福州市税务局")
    subject = f.subject(1)
    other_subject = f.subject(2)
    w = SimpleNamespace(
        market=market,
        tax=tax,
        subject=subject,
        other_subject=other_subject,
        # general penalty decided 2026-01-05: repairable from 2026-04-06
        penalty=f.record(subject, market, decided_on=dt.date(2026, 1, 5)),
        # general penalty decided 2026-10-01: repairable from 2027-01-02
        recent=f.record(subject, market, decided_on=dt.date(2026, 10, 1)),
        # a category excluded by law
        fraud=f.record(subject, market, category="telecom_fraud", decided_on=dt.date(2026, 1, 5)),
        tax_penalty=f.record(subject, tax, decided_on=dt.date(2026, 1, 5)),
        severe=f.listing(subject, market),
        debtor=f.listing(subject, market, list_code="dishonest_judgment_debtor"),
        applicant=f.user("boss@example.com"),
        stranger=f.user("stranger@example.com"),
        centre=f.user("centre@example.com", staff=True, groups=("credit_centre_reviewer",)),
        market_reviewer=f.user("market@example.com", staff=True, groups=("authority_reviewer",), of=market),
        tax_reviewer=f.user("tax@example.com", staff=True, groups=("authority_reviewer",), of=tax),
        admin=f.user("admin@example.com", staff=True, groups=("administrator",)),
    )
    f.bind(w.applicant, subject)
    return w


def submit(w, *, items=None, token=None, evidence=None, **overrides):
    """File a repair application for the world's applicant."""
    return services.repair_application_submit(
        applicant=overrides.pop("applicant", w.applicant),
        subject=overrides.pop("subject", w.subject),
        items=items if items is not None else [f"record-{w.penalty.pk}", f"listing-{w.severe.pk}"],
        statement=overrides.pop("statement", "罚款已缴清，已完成整改。"),
        evidence=evidence if evidence is not None else [f.upload()],
        commitment_confirmed=overrides.pop("commitment_confirmed", True),
        token=token or uuid.uuid4(),
    )


@pytest.fixture
def submitted(world):
    return submit(world)


@pytest.fixture
def accepted(world, submitted):
    return services.case_transition(case=submitted, to="accepted", actor=world.centre)
