"""Invalid rows are reported as FILE:LINE: field: reason; the valid ones land."""

from __future__ import annotations

import pytest

from disclosure.models import ImportRun, Record
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    listing,
    make_uscc,
    penalty,
    run_import,
    write_csv,
    write_jsonl,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

GOOD = make_uscc(1)
BAD_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


def import_one_bad_row(tmp_path, **fields):
    """Import a file whose line 3 holds the bad row between two valid ones."""
    path = write_csv(
        tmp_path / "dept.csv",
        [penalty("ok-1"), penalty(**{"source_id": "bad", **fields}), penalty("ok-2", uscc=make_uscc(2))],
    )
    code, _, err = run_import(path)
    return code, err, path


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"uscc": BAD_CHECK}, "uscc", "check character"),
        ({"uscc": GOOD[:-1]}, "uscc", "18 characters, this one has 17"),
        ({"uscc": GOOD[:-1] + "I"}, "uscc", "characters a unified social credit code cannot have"),
        ({"uscc": ""}, "uscc", "missing"),
        ({"category": "parking_ticket"}, "category", "unknown catalogue category 'parking_ticket'"),
        ({"severity": "grave"}, "severity", "unknown severity 'grave'"),
        ({"severity": ""}, "severity", "missing: required for the negative category 'admin_penalty'"),
        ({"subject_type": "company"}, "subject_type", "unknown subject type 'company'"),
        ({"decided_on": "2025/08/31"}, "decided_on", "not a date in YYYY-MM-DD form"),
        ({"decided_on": "2025-02-30"}, "decided_on", "no such day"),
        ({"decided_on": ""}, "decided_on", "missing"),
        ({"document_no": ""}, "document_no", "missing"),
        ({"authority": ""}, "authority", "missing"),
        ({"subject_name": ""}, "subject_name", "missing"),
        ({"source_id": ""}, "source_id", "missing"),
        ({"region_code": "3501"}, "region_code", "must be 6 digits"),
        ({"list": "abnormal_operation"}, "category", "either category or list, not both"),
        ({"category": ""}, "category", "missing: give category (a record) or list"),
        ({"revoked_on": "2000-01-01"}, "revoked_on", "before the decision date"),
    ],
)
def test_it_reports_a_bad_row_with_file_line_field_and_reason_and_imports_the_others(tmp_path, fields, field, reason):
    code, err, path = import_one_bad_row(tmp_path, **fields)

    assert code == 1
    assert f"{path}:3: {field}: " in err
    line = next(line for line in err.splitlines() if line.startswith(f"{path}:3: {field}: "))
    assert reason in line
    assert sorted(Record.objects.values_list("source_id", flat=True)) == ["ok-1", "ok-2"]


def test_it_reports_a_bad_check_character_with_file_line_and_field(tmp_path):
    code, err, path = import_one_bad_row(tmp_path, uscc=BAD_CHECK)

    assert code == 1
    assert f"{path}:3: uscc: the check character (18th) does not match" in err


def test_it_reports_every_error_of_a_row(tmp_path):
    code, err, path = import_one_bad_row(tmp_path, uscc=BAD_CHECK, severity="grave", decided_on="yesterday")

    errors = [line for line in err.splitlines() if line.startswith(f"{path}:3: ")]
    assert [line.split(": ")[1] for line in errors] == ["uscc", "decided_on", "severity"]


def test_a_decision_from_long_ago_is_accepted(tmp_path):
    code, err, _ = import_one_bad_row(tmp_path, decided_on="1989-12-31")

    assert (code, err) == (0, "")


def test_a_list_entry_exiting_before_its_entry_is_rejected(tmp_path):
    path = write_csv(
        tmp_path / "lists.csv",
        [listing("L1", decided_on="2025-06-01", exited_on="2025-05-31", exit_reason="repaired"), listing("L2")],
    )

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:2: exited_on: before the entry date" in err


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"exited_on": "2025-07-01"}, "exit_reason"),
        ({"exit_reason": "repaired"}, "exited_on"),
        ({"exited_on": "2025-07-01", "exit_reason": "forgiven"}, "exit_reason"),
        ({"list": "blacklist"}, "list"),
        ({"summary": ""}, "reason"),
    ],
)
def test_bad_list_entries_are_reported(tmp_path, fields, field):
    path = write_csv(tmp_path / "lists.csv", [listing("L1", decided_on="2025-06-01", **fields)])

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:2: {field}: " in err


def test_a_natural_person_needs_a_valid_identity_number(tmp_path):
    person = {"uscc": "", "subject_type": "natural_person", "subject_name": "张三"}
    path = write_csv(
        tmp_path / "a.csv",
        [penalty("1", **person), penalty("2", identity_number="110105194912310010", **person)],
    )

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:2: identity_number: missing" in err
    assert f"{path}:3: identity_number: " in err


def test_the_import_run_is_partial_with_the_errors(tmp_path):
    code, err, path = import_one_bad_row(tmp_path, uscc=BAD_CHECK)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PARTIAL
    assert (run.rows_read, run.rows_written, run.rows_invalid) == (3, 2, 1)
    assert f"{path}:3: uscc: " in run.error_report


def test_a_bad_json_line_is_an_error_of_that_line(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [penalty("1")])
    path.write_text(path.read_text() + '{"source_id": "2", oops\n\n[1, 2]\n', encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:2: json: not a valid JSON line" in err
    assert f"{path}:4: json: a line must hold a JSON object" in err
    assert Record.objects.count() == 1


def test_a_line_that_is_not_utf8_is_an_error_of_that_row(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1"), penalty("2", uscc=make_uscc(2))])
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace("福清".encode(), "福清".encode("gbk"))
    path.write_bytes(b"\n".join(lines))

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:3: encoding: the line is not valid UTF-8" in err
    assert list(Record.objects.values_list("source_id", flat=True)) == ["1"]


def test_missing_required_columns_are_named_and_nothing_is_written(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("source_id,uscc,subject_name,decided_on\n1,x,y,2025-01-01\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 2
    assert "subject_type" in err and "authority" in err and "category or list" in err
    assert not ImportRun.objects.exists()
    assert not Record.objects.exists()


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("\n\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 2
    assert "header" in err


def test_a_row_with_more_fields_than_the_header_is_reported(tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty("1"), penalty("2", uscc=make_uscc(2))])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:3: columns: the row has " in err
    assert Record.objects.count() == 1
