"""Importing a CSV file creates subjects, records and their events (归集)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from disclosure import periods
from disclosure.models import Authority, DisclosureEvent, ImportRun, Record, Subject
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    days_ago,
    make_uscc,
    penalty,
    run_import,
    write_csv,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_it_imports_records_with_their_subject_authority_and_disclosure_dates(tmp_path):
    path = write_csv(tmp_path / "fuqing.csv", [penalty("1", decided_on="2025-08-31", severity="serious")])

    code, out, err = run_import(path)

    assert (code, err) == (0, "")
    record = Record.objects.select_related("subject", "authority", "category").get()
    assert record.subject.uscc == make_uscc(1)
    assert record.subject.name == "福清市某某贸易有限公司"
    assert record.subject.search_name == "福清市某某贸易有限公司"
    assert record.subject.region_code == "350181"  # USCC positions 3-8
    assert record.authority.name == "福清市市场监督管理局"
    assert record.category.code == "admin_penalty"
    assert (record.decided_on, record.severity) == (dt.date(2025, 8, 31), "serious")
    # Serious: repairable after 1 year, disclosed for at most 3 years (NDRC Order 36).
    assert record.publishable is True
    assert record.disclosure_until == dt.date(2028, 8, 31)
    assert record.repairable_from == dt.date(2026, 9, 1)
    assert (record.source, record.source_id) == ("fuqing", "1")
    assert record.arrived_at <= timezone.now()
    assert record.import_run.status == ImportRun.Status.SUCCEEDED
    assert out.strip().startswith("imported 1 rows (1 created, 0 updated, 0 ended), 0 invalid, in ")


def test_it_writes_one_created_event_per_new_record(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1"), penalty("2", uscc=make_uscc(2))])

    run_import(path)

    events = DisclosureEvent.objects.order_by("id")
    assert [(e.action, e.record.source_id) for e in events] == [("created", "1"), ("created", "2")]
    assert events[0].subject == Record.objects.get(source_id="1").subject
    assert events[0].effective_on == periods.today()


def test_the_source_defaults_to_the_file_stem_and_can_be_named(tmp_path):
    path = write_csv(tmp_path / "market-2026.csv", [penalty("1")])

    run_import(path)
    run_import(path, "--source", "fujian-market")

    assert sorted(Record.objects.values_list("source", flat=True)) == ["fujian-market", "market-2026"]
    assert Subject.objects.count() == 1


def test_a_positive_category_needs_no_severity_and_a_licence_is_disclosed_while_valid(tmp_path):
    row = penalty("1", category="admin_license", severity="", valid_until="2030-01-31")
    path = write_csv(tmp_path / "licences.csv", [row])

    code, _, err = run_import(path)

    assert (code, err) == (0, "")
    record = Record.objects.get()
    assert (record.severity, record.disclosure_until, record.repairable_from) == ("", dt.date(2030, 1, 31), None)


def test_a_minor_penalty_is_imported_but_not_publishable_by_default(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1", severity="minor")])

    run_import(path)

    record = Record.objects.get()
    assert record.publishable is False
    assert not Record.objects.disclosed_on(periods.today()).exists()


def test_other_columns_are_kept_in_extra(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1", inspection_no="JC-7", fine_yuan="5000")])

    run_import(path)

    assert Record.objects.get().extra == {"inspection_no": "JC-7", "fine_yuan": "5000"}


def test_authorities_are_created_once(tmp_path):
    rows = [penalty(str(n), uscc=make_uscc(n)) for n in range(1, 6)]

    run_import(write_csv(tmp_path / "a.csv", rows), "--batch-size", "2")

    assert Authority.objects.count() == 1
    assert Record.objects.count() == 5


def test_a_future_decision_is_imported_but_not_disclosed_yet(tmp_path):
    tomorrow = (periods.today() + dt.timedelta(days=1)).isoformat()
    run_import(write_csv(tmp_path / "a.csv", [penalty("1", decided_on=tomorrow), penalty("2", decided_on=days_ago(1))]))

    assert list(Record.objects.disclosed_on(periods.today()).values_list("source_id", flat=True)) == ["2"]
