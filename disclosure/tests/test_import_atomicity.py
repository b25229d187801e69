"""A crash in the middle of an import leaves nothing half-written."""

from __future__ import annotations

import pytest

from disclosure import importer
from disclosure.models import DisclosureEvent, ImportRun, Listing, Record, Subject
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    make_uscc,
    penalty,
    run_import,
    write_csv,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_a_crash_after_some_batches_leaves_nothing_and_marks_the_run_failed(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [penalty(str(n), uscc=make_uscc(n)) for n in range(1, 11)])
    build_batch = importer._Importer.build_batch
    calls = []

    def crash_on_the_third_batch(self, prepared):
        calls.append(len(prepared.records))
        if len(calls) == 3:
            # On PostgreSQL the second batch's writes are running meanwhile.
            raise RuntimeError("disk full")
        return build_batch(self, prepared)

    monkeypatch.setattr(importer._Importer, "build_batch", crash_on_the_third_batch)

    with pytest.raises(RuntimeError, match="disk full"):
        run_import(path, "--batch-size", "2")

    assert calls == [2, 2, 2]
    assert not Record.objects.exists()
    assert not Subject.objects.exists()
    assert not DisclosureEvent.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "disk full" in run.error_report
    assert run.finished_at is not None


def test_a_crash_while_reading_leaves_nothing(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [penalty(str(n), uscc=make_uscc(n)) for n in range(1, 11)])
    validate = importer._Validator.validate

    def crash_on_line_8(self, line, raw):
        if line == 8:
            raise ValueError("reader broke")
        return validate(self, line, raw)

    monkeypatch.setattr(importer._Validator, "validate", crash_on_line_8)

    with pytest.raises(ValueError, match="reader broke"):
        run_import(path, "--batch-size", "2")

    assert not Record.objects.exists()
    assert not Listing.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_a_successful_run_records_its_counts(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [penalty("1"), penalty("2", uscc=make_uscc(2))]))

    run = ImportRun.objects.get()
    assert (run.status, run.rows_read, run.rows_written, run.rows_invalid) == ("succeeded", 2, 2, 0)
    assert (run.source, run.file_name) == ("a", str(tmp_path / "a.csv"))
