"""revoked_on ends a record's disclosure; list entries enter and exit."""

from __future__ import annotations

import datetime as dt

import pytest

from disclosure import periods
from disclosure.models import DisclosureEvent, EndReason, Listing, Record
from disclosure.services import record_end_disclosure
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    days_ago,
    listing,
    penalty,
    run_import,
    write_csv,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_revoked_on_ends_disclosure_with_reason_revoked(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [penalty("1")]))
    record = Record.objects.get()
    assert record in Record.objects.disclosed_on(periods.today())

    code, out, _ = run_import(write_csv(tmp_path / "a.csv", [penalty("1", revoked_on=days_ago(2))]))

    assert code == 0
    assert "(0 created, 0 updated, 1 ended)" in out
    record.refresh_from_db()
    assert (record.ended_on.isoformat(), record.end_reason) == (days_ago(2), EndReason.REVOKED)
    assert record not in Record.objects.disclosed_on(periods.today())
    event = DisclosureEvent.objects.get(action="ended")
    assert (event.reason, event.effective_on.isoformat()) == ("revoked", days_ago(2))
    assert event.before["ended_on"] is None


def test_a_record_revoked_on_arrival_is_created_and_ended(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [penalty("1", revoked_on=days_ago(1))]))

    assert list(DisclosureEvent.objects.order_by("id").values_list("action", flat=True)) == ["created", "ended"]
    assert not Record.objects.disclosed_on(periods.today()).exists()


def test_an_ended_record_reimported_unchanged_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1", revoked_on=days_ago(1))])
    run_import(path)

    code, out, _ = run_import(path)

    assert code == 0
    assert "(0 created, 0 updated, 0 ended)" in out
    assert DisclosureEvent.objects.count() == 2


def test_a_repaired_record_stays_repaired_when_the_source_sends_it_again(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1")])
    run_import(path)
    record_end_disclosure(record=Record.objects.get(), reason=EndReason.REPAIRED, on=periods.today())

    run_import(path)
    run_import(write_csv(tmp_path / "a.csv", [penalty("1", revoked_on=days_ago(1))]))

    record = Record.objects.get()
    assert (record.ended_on, record.end_reason) == (periods.today(), EndReason.REPAIRED)
    assert DisclosureEvent.objects.filter(action="ended").count() == 1


def test_list_entries_are_imported_and_live(tmp_path):
    path = write_csv(tmp_path / "lists.csv", [listing("L1", planned_exit_on="2099-01-01", reason="无法联系")])

    code, out, err = run_import(path)

    assert (code, err) == (0, "")
    entry = Listing.objects.select_related("credit_list", "authority").get()
    assert entry.credit_list.code == "abnormal_operation"
    assert entry.entered_on.isoformat() == days_ago(60)
    assert entry.reason == "无法联系"
    assert entry.planned_exit_on == dt.date(2099, 1, 1)
    assert entry in Listing.objects.disclosed_on(periods.today())
    assert DisclosureEvent.objects.get().listing == entry


def test_entered_on_is_accepted_for_the_entry_date(tmp_path):
    row = listing("L1", entered_on="2025-03-01")
    del row["decided_on"]

    run_import(write_csv(tmp_path / "lists.csv", [row]))

    assert Listing.objects.get().entered_on == dt.date(2025, 3, 1)


def test_an_exit_takes_the_subject_off_the_list_once(tmp_path):
    run_import(write_csv(tmp_path / "lists.csv", [listing("L1")]))
    exited = write_csv(tmp_path / "lists.csv", [listing("L1", exited_on=days_ago(3), exit_reason="repaired")])

    code, out, _ = run_import(exited)
    run_import(exited)

    assert code == 0
    assert "1 ended" in out
    entry = Listing.objects.get()
    assert (entry.exited_on.isoformat(), entry.exit_reason) == (days_ago(3), "repaired")
    assert entry not in Listing.objects.disclosed_on(periods.today())
    assert list(DisclosureEvent.objects.order_by("id").values_list("action", "reason")) == [
        ("created", ""),
        ("ended", "repaired"),
    ]


def test_records_and_list_entries_can_share_a_file(tmp_path):
    path = write_csv(tmp_path / "mixed.csv", [penalty("1"), listing("1"), listing("2", list="a_level_taxpayer")])

    code, out, _ = run_import(path)

    assert code == 0
    assert (Record.objects.count(), Listing.objects.count()) == (1, 2)
    assert "(3 created, 0 updated, 0 ended)" in out
