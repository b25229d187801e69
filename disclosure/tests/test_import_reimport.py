"""Re-importing a source's rows updates them in place, never duplicates them."""

from __future__ import annotations

import pytest

from disclosure.models import DisclosureEvent, Record, Subject, SubjectFormerName
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    make_uscc,
    penalty,
    run_import,
    write_csv,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_importing_the_same_file_twice_changes_nothing_and_writes_no_event(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1"), penalty("2", uscc=make_uscc(2))])
    run_import(path)
    before = list(Record.objects.order_by("id").values())

    code, out, _ = run_import(path)

    assert code == 0
    assert "imported 2 rows (0 created, 0 updated, 0 ended)" in out
    assert list(Record.objects.order_by("id").values()) == before
    assert DisclosureEvent.objects.filter(action="created").count() == 2
    assert DisclosureEvent.objects.count() == 2


def test_a_changed_row_updates_the_record_and_keeps_the_previous_version(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [penalty("1", summary="旧摘要")]))
    record = Record.objects.get()

    code, out, _ = run_import(write_csv(tmp_path / "a.csv", [penalty("1", summary="新摘要", severity="serious")]))

    assert code == 0
    assert "(0 created, 1 updated, 0 ended)" in out
    assert Record.objects.count() == 1
    record.refresh_from_db()
    assert (record.summary, record.severity) == ("新摘要", "serious")
    event = DisclosureEvent.objects.get(action="updated")
    assert event.record == record
    assert event.before["summary"] == "旧摘要"
    assert event.before["severity"] == "general"
    assert event.before["decided_on"] == record.decided_on.isoformat()


def test_the_same_source_id_twice_in_one_file_keeps_the_last_row(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1", summary="第一"), penalty("1", summary="第二")])

    run_import(path)

    assert list(Record.objects.values_list("summary", flat=True)) == ["第二"]
    assert DisclosureEvent.objects.count() == 1


def test_a_changed_name_replaces_the_name_and_is_kept_as_a_former_name(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", [penalty("1", subject_name="福清市旧名贸易有限公司")]))

    run_import(write_csv(tmp_path / "a.csv", [penalty("2", subject_name="福清市新名（ＡＢＣ）科技有限公司")]))

    subject = Subject.objects.get()
    assert subject.name == "福清市新名（ＡＢＣ）科技有限公司"
    assert subject.search_name == "福清市新名(abc)科技有限公司"
    former = SubjectFormerName.objects.get()
    assert (former.subject, former.name, former.search_name) == (
        subject,
        "福清市旧名贸易有限公司",
        "福清市旧名贸易有限公司",
    )
    assert subject.records.count() == 2


def test_full_width_lower_case_and_spaced_codes_are_the_same_subject(tmp_path):
    code = make_uscc(7)
    full_width = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    spaced = " ".join([code[:6], code[6:12], code[12:]])
    rows = [
        penalty("1", uscc=code),
        penalty("2", uscc=code.lower()),
        penalty("3", uscc=full_width),
        penalty("4", uscc=spaced),
    ]

    exit_code, _, err = run_import(write_csv(tmp_path / "a.csv", rows), "--batch-size", "2")

    assert (exit_code, err) == (0, "")
    assert list(Subject.objects.values_list("uscc", flat=True)) == [code]
    assert Record.objects.filter(subject__uscc=code).count() == 4


def test_a_natural_person_is_matched_by_identity_number(tmp_path):
    from disclosure.tests.import_helpers import make_identity_number

    number = make_identity_number(12)
    person = {"uscc": "", "subject_type": "natural_person", "identity_number": number, "subject_name": "张三"}
    path = write_csv(tmp_path / "a.csv", [penalty("1", **person), penalty("2", **person)])

    code, _, err = run_import(path)

    assert (code, err) == (0, "")
    subject = Subject.objects.get()
    assert (subject.uscc, subject.identity_number, subject.region_code) == (None, number, "110105")
    assert subject.records.count() == 2


def test_a_source_id_repeated_in_a_later_batch_of_a_first_import_updates_the_record(tmp_path):
    rows = [penalty("1", summary="第一"), *(penalty(str(n), uscc=make_uscc(n)) for n in range(2, 6))]
    rows.append(penalty("1", summary="第二"))

    code, out, _ = run_import(write_csv(tmp_path / "a.csv", rows), "--batch-size", "2")

    assert code == 0
    assert "(5 created, 1 updated, 0 ended)" in out
    assert Record.objects.get(source_id="1").summary == "第二"
    assert Record.objects.count() == 5


def test_a_name_changing_between_batches_of_one_file_is_kept_as_a_former_name(tmp_path):
    rows = [
        penalty("1", subject_name="甲公司"),
        penalty("2", uscc=make_uscc(2)),
        penalty("3", uscc=make_uscc(3)),
        penalty("4", subject_name="乙公司"),
        penalty("5", subject_name="乙公司"),
    ]

    run_import(write_csv(tmp_path / "a.csv", rows), "--batch-size", "2")

    subject = Subject.objects.get(uscc=make_uscc(1))
    assert subject.name == "乙公司"
    assert list(subject.former_names.values_list("name", flat=True)) == ["甲公司"]


def test_a_code_with_full_width_digits_only_in_front_is_the_same_subject(tmp_path):
    code = make_uscc(9)
    mixed = code[:8].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) + code[8:]

    exit_code, _, err = run_import(write_csv(tmp_path / "a.csv", [penalty("1", uscc=code), penalty("2", uscc=mixed)]))

    assert (exit_code, err) == (0, "")
    assert list(Subject.objects.values_list("uscc", flat=True)) == [code]
