"""JSON Lines files import like CSV files."""

from __future__ import annotations

import pytest

from disclosure.models import Listing, Record
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    listing,
    make_uscc,
    penalty,
    run_import,
    write_jsonl,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_it_imports_records_and_list_entries_from_json_lines(tmp_path):
    rows = [
        penalty("1", fine_yuan=5000, tags=["食品"]),
        listing("2", region_code=None),
        penalty("3", uscc=make_uscc(3)),
    ]

    code, out, err = run_import(write_jsonl(tmp_path / "a.jsonl", rows))

    assert (code, err) == (0, "")
    assert "imported 3 rows (3 created" in out
    assert Record.objects.count() == 2
    assert Record.objects.get(source_id="1").extra == {"fine_yuan": 5000, "tags": ["食品"]}
    assert Listing.objects.get().source == "a"


def test_the_format_is_sniffed_when_the_extension_says_nothing(tmp_path):
    path = write_jsonl(tmp_path / "export.txt", [penalty("1")])

    code, _, err = run_import(path)

    assert (code, err) == (0, "")
    assert Record.objects.get().source == "export"


def test_an_ndjson_file_reports_the_line_of_the_file(tmp_path):
    path = tmp_path / "a.ndjson"
    write_jsonl(path, [penalty("1")])
    path.write_text("\n" + path.read_text() + "\n" + '{"source_id": "2"}\n', encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 1
    assert f"{path}:4: subject_name: missing" in err
    assert Record.objects.count() == 1


def test_numbers_and_false_values_are_kept_not_dropped(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [{**penalty(fine_yuan=0, paid=False), "source_id": 7}]))

    record = Record.objects.get()
    assert record.source_id == "7"
    assert record.extra == {"fine_yuan": 0, "paid": False}
