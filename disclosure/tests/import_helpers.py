"""Helpers for the import tests: valid codes, files, running the command."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import ric, uscc

from disclosure import periods
from disclosure.models import Category

HEADER = [
    "source_id",
    "uscc",
    "subject_name",
    "subject_type",
    "region_code",
    "category",
    "list",
    "severity",
    "document_no",
    "decided_on",
    "authority",
    "summary",
    "revoked_on",
    "exited_on",
    "exit_reason",
]


def make_uscc(serial: int, region: str = "350181") -> str:
    """A valid code: enterprise (91), `region`, organisation code from `serial`."""
    base = f"91{region}MA{serial:07d}"
    return base + uscc.calc_check_digit(base)


def make_identity_number(serial: int = 1) -> str:
    base = f"11010519491231{serial:03d}"
    # stdnum's ric.calc_check_digit expects a placeholder check character.
    return base + ric.calc_check_digit(base + "0")


def penalty(source_id: str = "1", **fields: Any) -> dict[str, Any]:
    row = {
        "source_id": source_id,
        "uscc": make_uscc(1),
        "subject_name": "福清市某某贸易有限公司",
        "subject_type": "enterprise",
        "category": "admin_penalty",
        "severity": "general",
        "document_no": f"融市监罚〔2025〕{source_id}号",
        "decided_on": days_ago(30),
        "authority": "福清市市场监督管理局",
        "summary": "未按规定公示年度报告",
    }
    row.update(fields)
    return row


def listing(source_id: str, **fields: Any) -> dict[str, Any]:
    row = {
        "source_id": source_id,
        "uscc": make_uscc(1),
        "subject_name": "福清市某某贸易有限公司",
        "subject_type": "enterprise",
        "list": "abnormal_operation",
        "decided_on": days_ago(60),
        "authority": "福清市市场监督管理局",
        "summary": "通过登记的住所无法联系",
    }
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    header = header or list(dict.fromkeys([*HEADER, *(k for row in rows for k in row)]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def run_import(path: Path, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `import_records path *args`."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_records", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def days_ago(days: int) -> str:
    """An ISO date `days` before today in Beijing, so that tests do not age."""
    return (periods.today() - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def catalogue(db: None) -> None:
    """The default catalogue (migration 0003), also after a flushing test."""
    if not Category.objects.exists():
        migration = importlib.import_module("disclosure.migrations.0003_default_catalogue")
        migration.install(django_apps, None)
