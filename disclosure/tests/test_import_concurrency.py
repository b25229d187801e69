"""Two imports of the same file at the same time write everything once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from disclosure import importer
from disclosure.models import DisclosureEvent, ImportRun, Listing, Record, Subject
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    listing,
    make_uscc,
    penalty,
    run_import,
    write_csv,
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
def test_two_concurrent_imports_of_one_file_create_no_duplicates(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: INSERT … ON CONFLICT and advisory locks under real concurrency")
    rows = [penalty(str(n), uscc=make_uscc(n % 50)) for n in range(400)]
    rows += [listing(f"L{n}", uscc=make_uscc(n % 50)) for n in range(100)]
    path = write_csv(tmp_path / "same.csv", rows)
    results: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            results.append(run_import(path, "--batch-size", "50")[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [0, 0]
    assert Record.objects.count() == 400
    assert Listing.objects.count() == 100
    assert Subject.objects.count() == 50
    assert DisclosureEvent.objects.count() == 500
    assert list(ImportRun.objects.values_list("status", flat=True)) == ["succeeded", "succeeded"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
def test_concurrent_imports_of_two_sources_share_subjects_without_duplicates(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: INSERT … ON CONFLICT under real concurrency")
    paths = [
        write_csv(tmp_path / f"source{i}.csv", [penalty(str(n), uscc=make_uscc(n % 80)) for n in range(300)])
        for i in range(2)
    ]
    results: list[int] = []
    start = threading.Barrier(2)

    def run(path) -> None:
        try:
            start.wait()
            results.append(run_import(path, "--batch-size", "40")[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [0, 0]
    assert Record.objects.count() == 600
    assert Subject.objects.count() == 80


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
def test_a_subject_another_import_creates_meanwhile_gets_this_imports_records(tmp_path, monkeypatch):
    """The subject appears, committed by someone else, between this import's
    lookup and its write: its records and events still point at that subject."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: ids from the sequence, INSERT … ON CONFLICT")
    code = make_uscc(7)
    path = write_csv(
        tmp_path / "late.csv", [penalty("1", uscc=code), penalty("2", uscc=code, subject_name="新名称有限公司")]
    )
    looked_up = importer._Importer._read_subjects
    raced: list[bool] = []
    other_pk: list[int] = []

    def look_up_then_lose_the_race(self, rows):
        plan = looked_up(self, rows)
        if not raced:
            raced.append(True)

            def create() -> None:
                try:
                    other_pk.append(
                        Subject.objects.create(
                            uscc=code, name="别处导入的名称", search_name="别处导入的名称", subject_type="enterprise"
                        ).pk
                    )
                finally:
                    connection.close()

            other = threading.Thread(target=create)
            other.start()
            other.join()
        return plan

    monkeypatch.setattr(importer._Importer, "_read_subjects", look_up_then_lose_the_race)

    assert run_import(path, "--batch-size", "1")[0] == 0

    subject = Subject.objects.get(uscc=code)
    assert [subject.pk] == other_pk
    assert subject.name == "新名称有限公司"
    assert list(Record.objects.values_list("subject_id", flat=True)) == [subject.pk, subject.pk]
    assert set(DisclosureEvent.objects.values_list("subject_id", flat=True)) == {subject.pk}
