"""A hand-made file as departments really send them still imports."""

from __future__ import annotations

import pytest

from disclosure.models import Record, Subject
from disclosure.tests.import_helpers import (
    catalogue,  # noqa: F401
    days_ago,
    make_uscc,
    run_import,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def test_a_messy_file_with_bom_crlf_spaces_quotes_full_width_digits_and_blank_lines_imports(tmp_path):
    code = make_uscc(5)
    day = days_ago(10)
    lines = [
        " source_id , uscc ,subject_name,subject_type,category,severity,document_no,decided_on,authority,summary ",
        "",
        f'm-1, {code.lower()} ,"福清市某某贸易有限公司 ",enterprise,admin_penalty,general ,"融市监罚〔2025〕1号","{day}",'
        '福清市市场监督管理局,"未公示年报, 责令改正"',
        "   ",
        f"m-2,{full_width(code)},福清市某某贸易有限公司,enterprise,admin_penalty,serious,融市监罚〔2025〕2号,"
        f'{full_width(day)},福清市市场监督管理局,"多行\r\n摘要"',
        ",,,,,,,,,",
        f"m-3,{code[:9]} {code[9:]},福清市某某贸易有限公司,enterprise,admin_license,,闽许〔2025〕3号,{day},福清市市场监督管理局,",
        "",
    ]
    path = tmp_path / "messy.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))

    exit_code, out, err = run_import(path)

    assert (exit_code, err) == (0, "")
    assert "imported 3 rows (3 created" in out
    assert list(Subject.objects.values_list("uscc", "name")) == [(code, "福清市某某贸易有限公司")]
    records = {r.source_id: r for r in Record.objects.all()}
    assert records["m-1"].summary == "未公示年报, 责令改正"
    assert records["m-1"].severity == "general"
    assert records["m-2"].decided_on.isoformat() == day
    assert records["m-2"].summary == "多行\r\n摘要"
    assert records["m-3"].severity == ""


def test_line_numbers_count_blank_lines_and_multi_line_fields(tmp_path):
    code = make_uscc(5)
    header = "source_id,uscc,subject_name,subject_type,category,severity,document_no,decided_on,authority,summary"
    good = f"1,{code},甲公司,enterprise,admin_penalty,general,1号,{days_ago(3)},某局"
    lines = [
        header,
        "",
        good + ',"两行\n摘要"',
        "",
        f"2,{code},甲公司,enterprise,admin_penalty,grave,2号,{days_ago(3)},某局,",
    ]
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    exit_code, _, err = run_import(path)

    assert exit_code == 1
    assert f"{path}:6: severity: unknown severity 'grave'" in err
