"""Aggregation (归集): importing records and list entries from source departments.

`records_import()` reads a CSV or JSON Lines file (DESIGN.md, "Public
contract" → "Import"), validates every row, and writes subjects, authorities,
records, listings and their disclosure events in batches, inside ONE database
transaction: a crash leaves nothing half-written, while invalid rows are
reported (FILE:LINE: field: reason) and skipped without losing the valid ones.

Idempotency: a row is identified by (source, source_id). Re-importing updates
the record or listing in place and writes a DisclosureEvent only when its
content changed or its disclosure newly ended. Writes are INSERT … ON CONFLICT
upserts, and imports of the same source are serialised by an advisory lock on
PostgreSQL, so two runs at the same time neither duplicate rows nor events.

Rules applied per row: USCCs are normalised and their check character
verified (GB 32100-2015, via disclosure.search.validate_uscc), a missing
region is positions 3-8 of the USCC (GB/T 2260); disclosure periods come from
the catalogue (Category.periods_for: NDRC Order 36, 国办发〔2025〕22号);
`arrived_at` records when a decision reached the portal, so that the 7
working days of 双公示 can be measured; `revoked_on` ends a record's
disclosure (撤销) and `exited_on` a listing, as state changes with events.

Speed: rows are read and validated in a second thread while the main thread
waits for the database, and each batch costs a handful of queries whatever
its size. On PostgreSQL rows travel by COPY into a temporary table and are
upserted with one INSERT … SELECT … ON CONFLICT, which also writes the
"created" events; other engines (SQLite) use multi-row VALUES statements.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import queue
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from json.encoder import encode_basestring_ascii as _json_quote
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model
from django.utils import timezone
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from disclosure import periods
from disclosure.models import (
    Authority,
    Category,
    CreditList,
    DisclosureEvent,
    EndReason,
    ExitReason,
    ImportRun,
    Listing,
    Record,
    Severity,
    Subject,
    SubjectFormerName,
    SubjectType,
)
from disclosure.search import USCC_ALPHABET, InvalidCode, normalize_name, validate_uscc

# 15,000 rather than 5,000: fewer statements and thread hand-overs; about
# 10% less CPU on both sides in bench/import_bench.py.
DEFAULT_BATCH_SIZE = 15_000
# Rows validated ahead of the writer, at most (bounded memory).
READ_AHEAD_ROWS = 30_000
PROGRESS_EVERY = 50_000
SUBJECTS_SEEN_MAX = 500_000
SOURCE_IDS_SEEN_MAX = 2_000_000
ERROR_REPORT_LINES = 1000

# Columns a CSV header must name (one of each group). JSON Lines files have no
# header; there the same fields are checked row by row.
REQUIRED_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("source_id",),
    ("subject_name",),
    ("subject_type",),
    ("authority",),
    ("category", "list"),
    ("decided_on", "entered_on"),
    ("uscc", "identity_number"),
)

_COMMON_FIELDS = frozenset(
    {
        "source_id",
        "uscc",
        "subject_name",
        "subject_type",
        "region_code",
        "legal_representative",
        "identity_number",
        "authority",
        "document_no",
        "decided_on",
    }
)
RECORD_FIELDS = _COMMON_FIELDS | {"category", "severity", "summary", "revoked_on", "valid_until"}
LISTING_FIELDS = _COMMON_FIELDS | {
    "list",
    "entered_on",
    "exited_on",
    "exit_reason",
    "planned_exit_on",
    "summary",
    "reason",
}

_KNOWN_FIELDS = RECORD_FIELDS | LISTING_FIELDS
_REGION = re.compile(r"^[0-9]{6}$")
# An already normalised USCC: registration authority, category and division
# digits, then the organisation code and check character.
_USCC_CLEAN = re.compile(rf"^[0-9]{{8}}[{USCC_ALPHABET}]{{10}}$")
_SEVERITIES = frozenset(Severity.values)
_SUBJECT_TYPES = frozenset(SubjectType.values)
_EXIT_REASONS = frozenset(ExitReason.values)
_MAX_LENGTHS = {
    "source_id": 100,
    "subject_name": 200,
    "authority": 200,
    "document_no": 120,
    "legal_representative": 100,
}


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, no header, columns missing)."""


@dataclasses.dataclass
class ImportResult:
    run: ImportRun
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    ended: int = 0
    unchanged: int = 0
    invalid: int = 0
    # Existing rows whose only change is that their disclosure ended.
    ended_only: int = 0
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged + self.ended_only

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"imported {self.imported} rows ({self.created} created, {self.updated} updated, {self.ended} ended), "
            f"{self.invalid} invalid, in {self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s)"
        )


@dataclasses.dataclass(slots=True)
class ParsedRow:
    """A validated row, ready to be written."""

    line: int
    is_listing: bool
    source_id: str
    subject_key: tuple[str, str]  # ("u", uscc) or ("p", identity number)
    subject_name: str
    subject_type: str
    region_code: str
    legal_representative: str | None
    authority: str
    document_no: str
    decided_on: dt.date
    extra: dict[str, Any]
    # Computed while validating (in the reader thread, see records_import).
    search_name: str = ""
    extra_json: str = "{}"
    # Records
    category: Category | None = None
    severity: str = ""
    summary: str = ""
    valid_until: dt.date | None = None
    revoked_on: dt.date | None = None
    derived: tuple[bool, dt.date | None, dt.date | None] = (False, None, None)
    # Listings
    credit_list_id: int | None = None
    planned_exit_on: dt.date | None = None
    exited_on: dt.date | None = None
    exit_reason: str = ""


ErrorSink = Callable[[str], None]
ProgressSink = Callable[[int, float], None]


# --- reading ---------------------------------------------------------------


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    return "jsonl" if head.startswith(b"{") else "csv"


def _decoded_lines(fh: Iterable[bytes], bad_lines: set[int]) -> Iterator[str]:
    """UTF-8 lines; an undecodable line is noted so that only its row is rejected."""
    for number, raw in enumerate(fh, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "replace")
            bad_lines.add(number)
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield line


def _read_header(path: Path) -> list[str]:
    with path.open("rb") as fh:
        bad: set[int] = set()
        reader = csv.reader(_decoded_lines(fh, bad))
        for row in reader:
            if bad:
                raise ImportFileError(f"{path}:{reader.line_num}: the file is not UTF-8 text")
            if any(cell.strip() for cell in row):
                header = [cell.strip().lower() for cell in row]
                break
        else:
            raise ImportFileError(f"{path}: the file is empty: a CSV file needs a header row")
    seen: set[str] = set()
    duplicates = sorted({name for name in header if name in seen or seen.add(name)})
    if duplicates:
        raise ImportFileError(f"{path}:1: the header names these columns twice: {', '.join(duplicates)}")
    missing = [" or ".join(group) for group in REQUIRED_COLUMNS if not any(name in header for name in group)]
    if missing:
        raise ImportFileError(f"{path}:1: the header lacks required columns: {', '.join(missing)}")
    return header


RawRow = tuple[int, dict[str, Any] | None, list[tuple[str, str]]]


def _read_csv(path: Path, header: list[str]) -> Iterator[RawRow]:
    width = len(header)
    with path.open("rb") as fh:
        bad: set[int] = set()
        reader = csv.reader(_decoded_lines(fh, bad))
        header_seen = False
        previous_end = 0
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            # Empty means absent (DESIGN.md, Import): cells are stripped and
            # empty ones dropped; a row of empty cells is a blank line.
            cells = {
                key: value.strip() for key, value in zip(header, row, strict=False) if value and not value.isspace()
            }
            too_wide = len(row) > width and any(cell.strip() for cell in row[width:])
            if not cells and not too_wide:
                continue
            if not header_seen:
                header_seen = True
                continue
            if bad and any(n in bad for n in range(start, previous_end + 1)):
                yield start, None, [("encoding", "the line is not valid UTF-8")]
            elif too_wide:
                yield start, None, [("columns", f"the row has {len(row)} fields, the header {width}")]
            else:
                yield start, cells, []


def _read_jsonl(path: Path) -> Iterator[RawRow]:
    with path.open("rb") as fh:
        bad: set[int] = set()
        for number, line in enumerate(_decoded_lines(fh, bad), 1):
            if bad and number in bad:
                yield number, None, [("encoding", "the line is not valid UTF-8")]
                continue
            line = line.strip()
            if not line:
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                yield number, None, [("json", f"not a valid JSON line ({exc})")]
                continue
            if not isinstance(data, dict):
                yield number, None, [("json", "a line must hold a JSON object")]
                continue
            yield number, _clean({str(k).strip().lower(): v for k, v in data.items()}), []


# --- validating --------------------------------------------------------------


@lru_cache(maxsize=1 << 18)
def _check_uscc(raw: str) -> tuple[str, str]:
    """(code, "") or ("", reason); cached: a file names each subject many times.

    Well-formed codes take a short path: shape by regular expression, check
    character by python-stdnum (GB 32100-2015), skipping stdnum's slower
    clean-up; anything else goes through disclosure.search.validate_uscc,
    which says what is wrong.
    """
    if _USCC_CLEAN.match(raw) and stdnum_uscc.calc_check_digit(raw) == raw[17]:
        return raw, ""
    try:
        return validate_uscc(raw), ""
    except InvalidCode as exc:
        return "", str(exc)


@lru_cache(maxsize=1 << 16)
def _check_identity_number(raw: str) -> tuple[str, str]:
    number = unicodedata.normalize("NFKC", raw).replace(" ", "").upper()
    if len(number) != 18:
        return "", f"a resident identity number has 18 characters, this one has {len(number)}"
    try:
        return stdnum_ric.validate(number), ""
    except InvalidChecksum:
        return "", "the check character (18th) does not match: the number is mistyped"
    except (InvalidLength, ValidationError):
        return "", "is not a valid resident identity number (digits, birth date or region wrong)"


@lru_cache(maxsize=1 << 16)
def _parse_date(text: str) -> tuple[dt.date | None, str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None, f"not a date in YYYY-MM-DD form: {text!r}"
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, f"no such day: {text!r}"


@lru_cache(maxsize=1 << 18)
def _search_name(name: str) -> str:
    return normalize_name(name)


def _extra_json(extra: dict[str, Any]) -> str:
    """JSON of the extra columns; text-only ones (CSV) by the C string quoter."""
    if not extra:
        return "{}"
    if all(type(value) is str for value in extra.values()):
        return "{" + ",".join([f"{_json_quote(k)}:{_json_quote(v)}" for k, v in extra.items()]) + "}"
    return json.dumps(extra)


def _clean(raw: dict[str, Any]) -> dict[str, Any]:
    """Strip text values; empty means absent (DESIGN.md, Import)."""
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        elif isinstance(value, bool | int | float) and key in _KNOWN_FIELDS:
            value = str(value)
        cleaned[key] = value
    return cleaned


class _Validator:
    def __init__(self) -> None:
        self.categories = {c.code: c for c in Category.objects.all()}
        self.lists = dict(CreditList.objects.values_list("code", "id"))
        # Many rows share category, severity and dates: compute each period once.
        self._periods: dict[tuple[str, str, dt.date, dt.date | None], tuple[bool, dt.date | None, dt.date | None]] = {}

    def _date(self, row: dict[str, Any], field: str, errors: list[tuple[str, str]]) -> dt.date | None:
        value = row.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            errors.append((field, f"not a date in YYYY-MM-DD form: {value!r}"))
            return None
        day, reason = _parse_date(value)
        if reason:
            errors.append((field, reason))
        return day

    def validate(self, line: int, raw: dict[str, Any]) -> tuple[ParsedRow | None, list[tuple[str, str]]]:
        """A ParsedRow, or every error of the row (field, reason).

        `raw` comes cleaned from the reader: stripped text, no empty values.
        """
        row = raw  # cleaned by the reader
        errors: list[tuple[str, str]] = []
        for field in ("source_id", "subject_name", "subject_type", "authority"):
            if field not in row:
                errors.append((field, "missing"))
            elif not isinstance(row[field], str):
                errors.append((field, "must be text"))
                row.pop(field)
        for field, limit in _MAX_LENGTHS.items():
            value = row.get(field)
            if isinstance(value, str) and len(value) > limit:
                errors.append((field, f"longer than {limit} characters"))

        subject_type = row.get("subject_type", "")
        if subject_type and subject_type not in _SUBJECT_TYPES:
            errors.append(
                ("subject_type", f"unknown subject type {subject_type!r} (one of {', '.join(SubjectType.values)})")
            )

        # Subject identity: a USCC, or for natural persons the identity number.
        subject_key: tuple[str, str] = ("", "")
        derived_region = ""
        uscc_raw = row.get("uscc")
        id_raw = row.get("identity_number")
        if subject_type == SubjectType.NATURAL_PERSON:
            if uscc_raw is not None:
                errors.append(("uscc", "a natural person has no unified social credit code; give identity_number"))
            if id_raw is None:
                errors.append(("identity_number", "missing: natural persons are matched by identity number"))
            else:
                number, reason = _check_identity_number(str(id_raw))
                if reason:
                    errors.append(("identity_number", reason))
                else:
                    subject_key, derived_region = ("p", number), number[:6]
        else:
            if id_raw is not None:
                errors.append(("identity_number", "only natural persons are matched by identity number"))
            if uscc_raw is None:
                errors.append(("uscc", "missing"))
            else:
                code, reason = _check_uscc(str(uscc_raw))
                if reason:
                    errors.append(("uscc", reason))
                else:
                    # GB 32100-2015: positions 3-8 are the GB/T 2260 division.
                    subject_key, derived_region = ("u", code), code[2:8]

        region = row.get("region_code")
        if region is not None:
            region = str(region)
            if not region.isascii():
                region = unicodedata.normalize("NFKC", region).strip()
            if not _REGION.match(region):
                errors.append(("region_code", f"must be 6 digits (GB/T 2260), not {region!r}"))
        else:
            region = derived_region if _REGION.match(derived_region) else ""

        category_code, list_code = row.get("category"), row.get("list")
        is_listing = list_code is not None
        category: Category | None = None
        credit_list_id: int | None = None
        if category_code is not None and list_code is not None:
            errors.append(("category", "give either category or list, not both"))
        elif category_code is None and list_code is None:
            errors.append(("category", "missing: give category (a record) or list (a list entry)"))
        elif category_code is not None:
            category = self.categories.get(str(category_code))
            if category is None:
                errors.append(("category", f"unknown catalogue category {category_code!r}"))
        else:
            credit_list_id = self.lists.get(str(list_code))
            if credit_list_id is None:
                errors.append(("list", f"unknown list {list_code!r}"))

        known = LISTING_FIELDS if is_listing else RECORD_FIELDS
        extra = {key: value for key, value in row.items() if key not in known and key not in ("category", "list")}

        parsed_dates: dict[str, dt.date | None] = {}
        for field in ("decided_on", "entered_on", "valid_until", "revoked_on", "exited_on", "planned_exit_on"):
            if field in known or (field == "decided_on"):
                parsed_dates[field] = self._date(row, field, errors)

        severity = row.get("severity", "")
        document_no = row.get("document_no", "")
        summary = row.get("summary", "")
        if not is_listing:
            decided_on = parsed_dates["decided_on"]
            if "decided_on" not in row:
                errors.append(("decided_on", "missing"))
            if not document_no:
                errors.append(("document_no", "missing"))
            if severity and severity not in _SEVERITIES:
                errors.append(("severity", f"unknown severity {severity!r} (minor, general or serious)"))
            elif not severity and category is not None and category.is_negative:
                errors.append(("severity", f"missing: required for the negative category {category.code!r}"))
            revoked_on = parsed_dates["revoked_on"]
            if revoked_on and decided_on and revoked_on < decided_on:
                errors.append(("revoked_on", "before the decision date"))
        else:
            # A list entry's date is its entry date; decided_on is accepted as a synonym.
            entered, decided = parsed_dates.get("entered_on"), parsed_dates["decided_on"]
            if "entered_on" in row and "decided_on" in row and entered and decided and entered != decided:
                errors.append(("entered_on", "differs from decided_on; give one entry date"))
            decided_on = entered or decided
            if "entered_on" not in row and "decided_on" not in row:
                errors.append(("entered_on", "missing"))
            reason = row.get("reason") or summary
            if not reason:
                errors.append(("reason", "missing: give the reason in reason or summary"))
            summary = reason
            exited_on, exit_reason = parsed_dates["exited_on"], row.get("exit_reason", "")
            if exit_reason and exit_reason not in _EXIT_REASONS:
                errors.append(
                    ("exit_reason", f"unknown exit reason {exit_reason!r} (one of {', '.join(ExitReason.values)})")
                )
            if "exited_on" in row and not exit_reason:
                errors.append(("exit_reason", "missing: an exit needs a reason"))
            if exit_reason and "exited_on" not in row:
                errors.append(("exited_on", "missing: an exit reason needs an exit date"))
            if exited_on and decided_on and exited_on < decided_on:
                errors.append(("exited_on", "before the entry date"))
            planned = parsed_dates["planned_exit_on"]
            if planned and decided_on and planned < decided_on:
                errors.append(("planned_exit_on", "before the entry date"))

        if errors:
            return None, errors
        assert decided_on is not None
        parsed = ParsedRow(
            line=line,
            is_listing=is_listing,
            source_id=row["source_id"],
            subject_key=subject_key,
            subject_name=row["subject_name"],
            subject_type=subject_type,
            region_code=region,
            legal_representative=row.get("legal_representative"),
            authority=row["authority"],
            document_no=document_no,
            decided_on=decided_on,
            extra=extra,
            summary=summary,
            search_name=_search_name(row["subject_name"]),
            extra_json=_extra_json(extra),
        )
        if is_listing:
            parsed.credit_list_id = credit_list_id
            parsed.planned_exit_on = parsed_dates["planned_exit_on"]
            parsed.exited_on = parsed_dates["exited_on"]
            parsed.exit_reason = row.get("exit_reason", "")
        else:
            parsed.category = category
            parsed.severity = severity
            parsed.valid_until = parsed_dates["valid_until"]
            parsed.revoked_on = parsed_dates["revoked_on"]
            assert category is not None
            key = (category.code, severity, decided_on, parsed.valid_until)
            derived = self._periods.get(key)
            if derived is None:
                derived = self._periods[key] = category.periods_for(
                    severity=severity, decided_on=decided_on, valid_until=parsed.valid_until
                )
            parsed.derived = derived
        return parsed, []


# --- writing -----------------------------------------------------------------


def _nothing() -> None:
    pass


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclasses.dataclass
class _CreatedEvents:
    """The "created" DisclosureEvents of an upsert: one per listed source id."""

    fk_column: str  # record_id or listing_id
    source_ids: list[str]
    subjects: list[tuple[str, int]]  # (source_id, subject_id), for the portable path
    values: dict[str, Any]  # the other event columns


class _Writer:
    """Bulk statements over the default connection.

    PostgreSQL: COPY into a temporary table, then one INSERT … SELECT …
    ON CONFLICT. Other engines (SQLite): multi-row VALUES statements.
    """

    def __init__(self) -> None:
        # The connection object itself, not the thread-local proxy: on
        # PostgreSQL the big writes run in a helper thread (records_import).
        self.db = connections[DEFAULT_DB_ALIAS]
        self.postgres = self.db.vendor == "postgresql"
        self.ops = self.db.ops
        self._temp_tables: set[str] = set()
        self._completions: dict[tuple[type[Model], tuple[str, ...]], tuple[tuple[str, ...], tuple[Any, ...]]] = {}

    def _complete(self, model: type[Model], columns: Sequence[str]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        """Columns plus every other concrete column with its default.

        The SQL here bypasses Model.save(), so a field added to the model later
        (with a default) still gets its value on insert.
        """
        key = (model, tuple(columns))
        if key not in self._completions:
            names: list[str] = list(columns)
            defaults: list[Any] = []
            for field in model._meta.concrete_fields:
                if field.primary_key or field.column in columns:
                    continue
                default = field.get_default()
                if isinstance(default, dict | list):
                    default = json.dumps(default)
                names.append(field.column)
                defaults.append(default)
            self._completions[key] = (tuple(names), tuple(defaults))
        return self._completions[key]

    def _adapt(self, value: Any) -> Any:
        # SQLite takes dates and datetimes as the text Django stores them in.
        if isinstance(value, dt.datetime):
            return self.ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return self.ops.adapt_datefield_value(value)
        return value

    def _copy(self, cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        quoted = ", ".join(self.ops.quote_name(c) for c in columns)
        with cursor.copy(f"COPY {self.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def upsert(
        self,
        *,
        model: type[Model],
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        conflict: Sequence[str],
        update: Sequence[str],
        returning: Sequence[str] = (),
        created_events: _CreatedEvents | None = None,
        returning_for: Sequence[str] | None = None,
        new_only: bool = False,
    ) -> list[tuple[Any, ...]]:
        """INSERT rows; on a conflict with `conflict`, update `update` (or do nothing).

        `new_only`: the caller knows none of the rows is stored (PostgreSQL
        then skips ON CONFLICT's speculative insertion, ~15% of the insert).

        `created_events` also writes a "created" DisclosureEvent for each row
        whose source_id it lists (on PostgreSQL within the same statement, so
        the ids need not travel to Python and back). `returning_for` limits
        the rows returned to those source ids (returning must then start with
        source_id).
        """
        if not rows:
            return []
        table = model._meta.db_table
        columns, defaults = self._complete(model, columns)
        if defaults:
            rows = [(*row, *defaults) for row in rows]
        qn = self.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        on_conflict = f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) " + (
            "DO UPDATE SET " + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update) if update else "DO NOTHING"
        )
        with self.db.cursor() as cursor:
            if self.postgres and new_only:
                return self._copy_new(
                    cursor,
                    model=model,
                    columns=columns,
                    rows=rows,
                    created_events=created_events,
                    returning=returning,
                    returning_for=returning_for,
                )
            if self.postgres:
                temp = qn(f"_import_{table}")
                if temp not in self._temp_tables:
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "
                        f"SELECT {cols} FROM {qn(table)} WITH NO DATA"
                    )
                    self._temp_tables.add(temp)
                cursor.execute(f"TRUNCATE {temp}")
                self._copy(cursor, f"_import_{table}", columns, rows)
                insert = f"INSERT INTO {qn(table)} ({cols}) SELECT {cols} FROM {temp}"
                if not new_only:
                    insert += f" {on_conflict}"
                if created_events is None or not created_events.source_ids:
                    ret = f" RETURNING {', '.join(qn(c) for c in returning)}" if returning else ""
                    cursor.execute(insert + ret)
                    result = cursor.fetchall() if returning else []
                    if returning_for is not None:
                        wanted = set(returning_for)
                        result = [row for row in result if row[0] in wanted]
                    return result
                event_columns, event_defaults = self._complete(
                    DisclosureEvent, (created_events.fk_column, "subject_id", *created_events.values)
                )
                placeholders = ", ".join(["%s"] * (len(event_columns) - 2))
                params: list[Any] = [*created_events.values.values(), *event_defaults, list(created_events.source_ids)]
                final = f"SELECT {', '.join(qn(c) for c in returning) or 'NULL'} FROM up"
                if returning_for is not None:
                    # A join, not = ANY(array): that is a linear scan per row.
                    final = f"SELECT {', '.join('up.' + qn(c) for c in returning)} FROM up "
                    final += "JOIN unnest(%s::text[]) AS wanted(source_id) ON wanted.source_id = up.source_id"
                    params.append(list(returning_for))
                cursor.execute(
                    f"WITH up AS ({insert} RETURNING id, subject_id, source_id), "
                    f"ev AS (INSERT INTO {qn(DisclosureEvent._meta.db_table)} "
                    f"({', '.join(qn(c) for c in event_columns)}) "
                    f"SELECT up.id, up.subject_id, {placeholders} FROM up "
                    "JOIN unnest(%s::text[]) AS created(source_id) ON created.source_id = up.source_id ORDER BY up.id) "
                    f"{final}",
                    params,
                )
                return cursor.fetchall() if returning else []
            # Portable path: multi-row VALUES (SQLite >= 3.35 for RETURNING).
            ret_columns = list(returning)
            if created_events is not None and "source_id" not in ret_columns:
                ret_columns.insert(0, "source_id")
            if created_events is not None and "id" not in ret_columns:
                ret_columns.append("id")
            ret = f" RETURNING {', '.join(qn(c) for c in ret_columns)}" if ret_columns else ""
            result: list[tuple[Any, ...]] = []
            per_statement = max(1, 999 // len(columns))
            placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {qn(table)} ({cols}) VALUES {', '.join([placeholder] * len(chunk))} {on_conflict}{ret}",
                    [self._adapt(v) for row in chunk for v in row],
                )
                if ret_columns:
                    result.extend(cursor.fetchall())
        if created_events is not None and created_events.source_ids:
            by_source = {row[0]: row for row in result}
            id_at = ret_columns.index("id")
            subject_of = dict(created_events.subjects)
            self.insert(
                model=DisclosureEvent,
                columns=(created_events.fk_column, "subject_id", *created_events.values),
                rows=[
                    (by_source[sid][id_at], subject_of[sid], *created_events.values.values())
                    for sid in created_events.source_ids
                ],
            )
        if returning_for is not None:
            wanted = set(returning_for)
            result = [row for row in result if row[0] in wanted]
        return [tuple(row[ret_columns.index(c)] for c in returning) for row in result]

    def select(
        self, *, model: type[Model], fields: Sequence[str], key: str, values: Sequence[str], **equal: Any
    ) -> list[tuple[Any, ...]]:
        """Rows of `model` whose `key` is one of `values` (and `equal` holds).

        PostgreSQL gets one array parameter instead of thousands of ORM
        parameters.
        """
        if not values:
            return []
        if not self.postgres:
            return list(model.objects.filter(**{f"{key}__in": values}, **equal).values_list(*fields))
        qn = self.ops.quote_name
        meta = model._meta
        columns = [meta.get_field(name).column for name in fields]  # get_field() knows attnames (subject_id)
        # IN (SELECT unnest(…)): a join the planner serves by index probes.
        # With "= ANY('{…}')" it scanned the whole source's index range.
        where = " AND ".join([f"{qn(k)} = %s" for k in equal] + [f"{qn(key)} IN (SELECT unnest(%s::text[]))"])
        json_at = [i for i, name in enumerate(fields) if meta.get_field(name).get_internal_type() == "JSONField"]
        with self.db.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(meta.db_table)} WHERE {where}",
                [*equal.values(), list(values)],
            )
            rows = cursor.fetchall()
        if json_at:
            for n, row in enumerate(rows):
                row = list(row)
                for i in json_at:
                    if isinstance(row[i], str):
                        row[i] = json.loads(row[i])
                rows[n] = tuple(row)
        return rows

    def _copy_new(
        self,
        cursor: Any,
        *,
        model: type[Model],
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        created_events: _CreatedEvents | None,
        returning: Sequence[str],
        returning_for: Sequence[str] | None,
    ) -> list[tuple[Any, ...]]:
        """upsert() of rows none of which is stored (PostgreSQL).

        Ids come from the sequence, so the rows go by COPY straight into the
        table (no temporary table, no INSERT … SELECT, no RETURNING) and the
        "created" events are one INSERT over two arrays.
        """
        pk = model._meta.pk.column
        ids = self.allocate_ids(model, len(rows))
        self._copy(cursor, model._meta.db_table, (pk, *columns), [(i, *row) for i, row in zip(ids, rows, strict=True)])
        at = {name: n for n, name in enumerate(columns)}
        source_at = at["source_id"]
        if created_events is not None and created_events.source_ids:
            created = set(created_events.source_ids)
            subject_at = at["subject_id"]
            fk_ids: list[int] = []
            subject_ids: list[int] = []
            for i, row in zip(ids, rows, strict=True):
                if row[source_at] in created:
                    fk_ids.append(i)
                    subject_ids.append(row[subject_at])
            event_columns, event_defaults = self._complete(
                DisclosureEvent, (created_events.fk_column, "subject_id", *created_events.values)
            )
            qn = self.ops.quote_name
            placeholders = ", ".join(["%s"] * (len(event_columns) - 2))
            cursor.execute(
                f"INSERT INTO {qn(DisclosureEvent._meta.db_table)} ({', '.join(qn(c) for c in event_columns)}) "
                f"SELECT t.fk, t.subject_id, {placeholders} "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS t(fk, subject_id)",
                [*created_events.values.values(), *event_defaults, fk_ids, subject_ids],
            )
        if not returning:
            return []
        wanted = None if returning_for is None else set(returning_for)
        return [
            tuple(i if c == pk else row[at[c]] for c in returning)
            for i, row in zip(ids, rows, strict=True)
            if wanted is None or row[source_at] in wanted
        ]

    def allocate_ids(self, model: type[Model], count: int) -> list[int]:
        """`count` fresh primary keys from the table's sequence (PostgreSQL)."""
        if not count:
            return []
        with self.db.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def insert(self, *, model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        columns, defaults = self._complete(model, columns)
        if defaults:
            rows = [(*row, *defaults) for row in rows]
        with self.db.cursor() as cursor:
            if self.postgres:
                self._copy(cursor, table, columns, rows)
                return
            qn = self.ops.quote_name
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                [[self._adapt(v) for v in row] for row in rows],
            )


_RECORD_CONTENT = (
    "subject_id",
    "category_id",
    "severity",
    "document_no",
    "decided_on",
    "authority_id",
    "summary",
    "valid_until",
    "extra",
)
_RECORD_DERIVED = ("publishable", "disclosure_until", "repairable_from")
_RECORD_END = ("ended_on", "end_reason")
_LISTING_CONTENT = (
    "subject_id",
    "credit_list_id",
    "entered_on",
    "reason",
    "authority_id",
    "document_no",
    "planned_exit_on",
    "extra",
)
_LISTING_END = ("exited_on", "exit_reason")
_EVENT_COLUMNS = (
    "record_id",
    "listing_id",
    "subject_id",
    "action",
    "reason",
    "effective_on",
    "created_at",
    "actor",
    "note",
    "before",
)
# Provenance columns written with every record and listing (_Importer._bookkeeping).
_BOOKKEEPING = ("source", "source_id", "arrived_at", "import_run_id", "created_at", "updated_at")


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """Previous version for DisclosureEvent.before, keyed like model_to_dict()."""
    return {(k[:-3] if k.endswith("_id") and k != "source_id" else k): _json_safe(v) for k, v in values.items()}


class _Importer:
    def __init__(self, *, run: ImportRun, source: str, result: ImportResult) -> None:
        self.run = run
        self.source = source
        self.result = result
        self.writer = _Writer()
        self.authorities: dict[str, int] = {}
        # Subjects this run has already read or written, as the fields that
        # _subjects() compares: a file names each subject many times, and
        # these need no lookup again. Bounded: cleared when it grows too big.
        self.subjects_seen: dict[tuple[str, str], tuple[Any, ...]] = {}
        # Allocated subject id -> stored id, for the rare subject created by
        # another import between our lookup and our write (_subjects).
        self.subject_remap: dict[int, int] = {}
        # A source with nothing stored yet (its first import, the bulk case)
        # needs no lookup of existing rows, except of ids repeated in the file.
        # Safe because imports of one source are serialised (_lock_source).
        self.fresh = {
            Record: not Record.objects.filter(source=source).exists(),
            Listing: not Listing.objects.filter(source=source).exists(),
        }
        # Hashes, not the ids: smaller, and a collision only costs a lookup.
        self.source_ids_seen: dict[type[Model], set[int]] = {Record: set(), Listing: set()}
        self.now = timezone.now()
        self.today = periods.today()
        self.note = f"import run {run.pk} ({source})"

    # Subjects ----------------------------------------------------------------

    def _read_subjects(self, rows: list[ParsedRow]) -> _SubjectPlan:
        """Database reads for the batch's subjects: stored ones, ids for new ones.

        On PostgreSQL new subjects get ids from the sequence here and are
        written later, by the batch's write job, so that the main thread
        need not wait for the insert (see records_import).
        """
        latest: dict[tuple[str, str], ParsedRow] = {}
        names: dict[tuple[str, str], list[str]] = {}
        for row in rows:
            latest[row.subject_key] = row
            seen = names.setdefault(row.subject_key, [])
            if not seen or seen[-1] != row.subject_name:
                seen.append(row.subject_name)
        codes = [key[1] for key in latest if key[0] == "u"]
        people = [key[1] for key in latest if key[0] == "p"]
        fields = ("id", "uscc", "identity_number", "name", "subject_type", "region_code", "legal_representative")
        existing: dict[tuple[str, str], tuple[Any, ...]] = {}
        seen = self.subjects_seen
        codes = [code for code in codes if ("u", code) not in seen]
        people = [number for number in people if ("p", number) not in seen]
        if codes:
            for values in self.writer.select(model=Subject, fields=fields, key="uscc", values=codes):
                existing[("u", values[1])] = values
        if people:
            for values in self.writer.select(model=Subject, fields=fields, key="identity_number", values=people):
                existing[("p", values[2])] = values

        ids: dict[tuple[str, str], int] = {}
        if self.writer.postgres:
            new_keys = [key for key in latest if key not in existing and key not in seen]
            ids.update(zip(new_keys, self.writer.allocate_ids(Subject, len(new_keys)), strict=True))
        return _SubjectPlan(latest=latest, names=names, existing=existing, ids=ids)

    def _subjects(self, plan: _SubjectPlan) -> tuple[dict[tuple[str, str], int], Callable[[], None]]:
        """The batch's subject ids by key, and the job that creates or updates them.

        A changed name replaces Subject.name and is kept as a former name.
        No database access on PostgreSQL (the job writes); elsewhere the
        subjects are written at once and the job does nothing.
        """
        latest, names, existing, ids = plan.latest, plan.names, plan.existing, plan.ids
        seen = self.subjects_seen
        deferred = self.writer.postgres
        # Sorted so that concurrent imports lock subject rows in the same order.
        keys = sorted(latest)
        state: dict[tuple[str, str], tuple[str, str, str, str]] = {}  # after this batch
        former: list[tuple[tuple[str, str], str]] = []
        upserts: dict[str, list[tuple[Any, ...]]] = {"u": [], "p": []}
        for key in keys:
            row = latest[key]
            old = existing.get(key) or seen.get(key)
            legal = row.legal_representative
            if old is not None:
                _, _, _, old_name, old_type, old_region, old_legal = old
                ids[key] = old[0]
                legal = legal if legal is not None else old_legal
                state[key] = (row.subject_name, row.subject_type, row.region_code, legal or "")
                if state[key] == (old_name, old_type, old_region, old_legal):
                    continue
                history = [old_name, *names[key][:-1]]
            else:
                history = names[key][:-1]
                state[key] = (row.subject_name, row.subject_type, row.region_code, legal or "")
            if history:
                former.extend((key, name) for name in dict.fromkeys(history) if name != row.subject_name)
            upserts[key[0]].append(
                (
                    *((ids[key],) if deferred else ()),
                    key[1] if key[0] == "u" else None,
                    key[1] if key[0] == "p" else None,
                    secrets.token_hex(8),
                    row.subject_name,
                    row.search_name,
                    row.subject_type,
                    row.region_code,
                    legal or "",
                    self.now,
                    self.now,
                )
            )
        columns = (
            *(("id",) if deferred else ()),
            "uscc",
            "identity_number",
            "public_key",
            "name",
            "search_name",
            "subject_type",
            "region_code",
            "legal_representative",
            "created_at",
            "updated_at",
        )
        update = ("name", "search_name", "subject_type", "region_code", "legal_representative", "updated_at")

        def write() -> None:
            for kind, conflict in (("u", "uscc"), ("p", "identity_number")):
                returned = self.writer.upsert(
                    model=Subject,
                    columns=columns,
                    rows=upserts[kind],
                    conflict=(conflict,),
                    update=update,
                    returning=("id", conflict),
                )
                for subject_id, value in returned:
                    key = (kind, value)
                    if deferred and ids[key] != subject_id:
                        # Another import created the subject since our lookup:
                        # rows of this run that carry the allocated id get its id.
                        self.subject_remap[ids[key]] = subject_id
                    ids[key] = subject_id
            self.writer.upsert(
                model=SubjectFormerName,
                columns=("subject_id", "name", "search_name", "replaced_at"),
                rows=[(ids[key], name, _search_name(name), self.now) for key, name in former],
                conflict=("subject_id", "name"),
                update=(),
            )

        if not deferred:
            write()
        if len(seen) > SUBJECTS_SEEN_MAX:
            seen.clear()
        for key, values in state.items():
            seen[key] = (ids[key], None, None, *values)
        return dict(ids), (write if deferred else _nothing)

    def _remap(self, rows: list[tuple[Any, ...]], at: int) -> list[tuple[Any, ...]]:
        """Rows with allocated subject ids (column `at`) replaced by the real ones; see _subjects."""
        remap = self.subject_remap
        if not remap:
            return rows
        return [(*row[:at], remap.get(row[at], row[at]), *row[at + 1 :]) for row in rows]

    def _maybe_stored(self, model: type[Model], rows: list[ParsedRow]) -> list[str]:
        """The batch's source ids that may already be stored for this source."""
        ids = [row.source_id for row in rows]
        if not self.fresh[model]:
            return ids
        seen = self.source_ids_seen[model]
        hashes = [hash(source_id) for source_id in ids]
        repeated = [source_id for source_id, h in zip(ids, hashes, strict=True) if h in seen]
        seen.update(hashes)
        if len(seen) > SOURCE_IDS_SEEN_MAX:
            # Bounded memory: from here on, look stored rows up as usual.
            self.fresh[model] = False
            seen.clear()
        return repeated

    def _authorities(self, rows: list[ParsedRow]) -> None:
        missing = {row.authority for row in rows} - self.authorities.keys()
        if not missing:
            return
        self.writer.upsert(
            model=Authority,
            columns=("name", "region_code", "created_at"),
            rows=[(name, "", self.now) for name in sorted(missing)],
            conflict=("name",),
            update=(),
        )
        self.authorities.update(Authority.objects.filter(name__in=missing).values_list("name", "id"))

    # Records -------------------------------------------------------------------

    def _existing(self, model: type[Model], rows: list[ParsedRow]) -> dict[str, dict[str, Any]]:
        """Stored rows of this source with the batch's source ids, by source id."""
        if model is Record:
            fields: tuple[str, ...] = ("id", "source_id", *_RECORD_CONTENT, *_RECORD_DERIVED, *_RECORD_END)
        else:
            fields = ("id", "source_id", *_LISTING_CONTENT, *_LISTING_END)
        if not rows:
            return {}
        return {
            values[1]: dict(zip(fields, values, strict=True))
            for values in self.writer.select(
                model=model, fields=fields, key="source_id", values=self._maybe_stored(model, rows), source=self.source
            )
        }

    def _records(
        self, rows: list[ParsedRow], subjects: dict[tuple[str, str], int], existing: dict[str, dict[str, Any]]
    ) -> Callable[[], None]:
        """Compare the batch with what is stored; the write to do, as a job."""
        writes: list[tuple[Any, ...]] = []
        # (source_id, subject_id, action, reason, effective_on, before)
        events: list[tuple[str, int, str, str, dt.date, dict[str, Any] | None]] = []
        created: list[tuple[str, int]] = []
        for row in rows:
            assert row.category is not None
            subject_id = subjects[row.subject_key]
            content = (
                subject_id,
                row.category.pk,
                row.severity,
                row.document_no,
                row.decided_on,
                self.authorities[row.authority],
                row.summary,
                row.valid_until,
                row.extra,
            )
            derived = row.derived
            old = existing.get(row.source_id)
            ended_on, end_reason = (row.revoked_on, EndReason.REVOKED.value) if row.revoked_on else (None, "")
            if old is None:
                self.result.created += 1
                created.append((row.source_id, subject_id))
            else:
                content_changed = content != tuple(old[f] for f in _RECORD_CONTENT)
                if old["ended_on"] is not None:
                    # Already ended (revoked, repaired, corrected): that state stays.
                    ended_on, end_reason = old["ended_on"], old["end_reason"]
                newly_ended = ended_on is not None and old["ended_on"] is None
                if content_changed:
                    self.result.updated += 1
                    before = _snapshot({k: v for k, v in old.items() if k != "id"})
                    events.append((row.source_id, subject_id, DisclosureEvent.Action.UPDATED, "", self.today, before))
                elif newly_ended:
                    self.result.ended_only += 1
                elif derived == tuple(old[f] for f in _RECORD_DERIVED):
                    self.result.unchanged += 1
                    continue
                else:
                    self.result.unchanged += 1
            if ended_on is not None and (old is None or old["ended_on"] is None):
                self.result.ended += 1
                before = None if old is None else _snapshot({k: v for k, v in old.items() if k != "id"})
                events.append((row.source_id, subject_id, DisclosureEvent.Action.ENDED, end_reason, ended_on, before))
            writes.append(
                (*content[:-1], row.extra_json, *derived, ended_on, end_reason, *self._bookkeeping(row.source_id))
            )
        return self._write_job(
            model=Record,
            columns=(*_RECORD_CONTENT, *_RECORD_DERIVED, *_RECORD_END),
            writes=writes,
            created=created,
            events=events,
            new_only=not existing,
        )

    def _listings(
        self, rows: list[ParsedRow], subjects: dict[tuple[str, str], int], existing: dict[str, dict[str, Any]]
    ) -> tuple[list[tuple[int, str, str]], Callable[[], None]]:
        """Like _records; also returns late errors (line, field, reason)."""
        errors: list[tuple[int, str, str]] = []
        writes: list[tuple[Any, ...]] = []
        events: list[tuple[str, int, str, str, dt.date, dict[str, Any] | None]] = []
        created: list[tuple[str, int]] = []
        for row in rows:
            subject_id = subjects[row.subject_key]
            content = (
                subject_id,
                row.credit_list_id,
                row.decided_on,
                row.summary,
                self.authorities[row.authority],
                row.document_no,
                row.planned_exit_on,
                row.extra,
            )
            old = existing.get(row.source_id)
            exited_on, exit_reason = row.exited_on, row.exit_reason
            if old is None:
                self.result.created += 1
                created.append((row.source_id, subject_id))
            else:
                if old["exited_on"] is not None:
                    # Leaving a list is a state change that stays (DESIGN.md, Lists).
                    exited_on, exit_reason = old["exited_on"], old["exit_reason"]
                    if row.decided_on > exited_on:
                        errors.append((row.line, "entered_on", f"after the exit already recorded on {exited_on}"))
                        self.result.invalid += 1
                        continue
                content_changed = content != tuple(old[f] for f in _LISTING_CONTENT)
                if content_changed:
                    self.result.updated += 1
                    before = _snapshot({k: v for k, v in old.items() if k != "id"})
                    events.append((row.source_id, subject_id, DisclosureEvent.Action.UPDATED, "", self.today, before))
                elif exited_on is not None and old["exited_on"] is None:
                    self.result.ended_only += 1
                else:
                    self.result.unchanged += 1
                    continue
            if exited_on is not None and (old is None or old["exited_on"] is None):
                self.result.ended += 1
                before = None if old is None else _snapshot({k: v for k, v in old.items() if k != "id"})
                events.append((row.source_id, subject_id, DisclosureEvent.Action.ENDED, exit_reason, exited_on, before))
            writes.append((*content[:-1], row.extra_json, exited_on, exit_reason, *self._bookkeeping(row.source_id)))
        return errors, self._write_job(
            model=Listing,
            columns=(*_LISTING_CONTENT, *_LISTING_END),
            writes=writes,
            created=created,
            events=events,
            new_only=not existing,
        )

    def _bookkeeping(self, source_id: str) -> tuple[Any, ...]:
        """Values of _BOOKKEEPING for one row."""
        return (self.source, source_id, self.now, self.run.pk, self.now, self.now)

    def _write_job(
        self,
        *,
        model: type[Record] | type[Listing],
        columns: tuple[str, ...],
        writes: list[tuple[Any, ...]],
        created: list[tuple[str, int]],
        events: list[tuple[str, int, str, str, dt.date, dict[str, Any] | None]],
        new_only: bool,
    ) -> Callable[[], None]:
        """The batch's write of records or listings and their events, as a job.

        `new_only`: rows not stored yet (the whole batch, on a first import)
        need no ON CONFLICT, as imports of a source are serialised
        (_lock_source). arrived_at and created_at keep their first values on
        update (双公示 timeliness).
        """
        is_record = model is Record

        def write() -> None:
            returned = self.writer.upsert(
                model=model,
                columns=(*columns, *_BOOKKEEPING),
                rows=self._remap(writes, 0),
                conflict=("source", "source_id"),
                update=(*columns, "import_run_id", "updated_at"),
                returning=("source_id", "id"),
                created_events=self._created_events(
                    "record_id" if is_record else "listing_id", self._remap(created, 1)
                ),
                returning_for=[event[0] for event in events],
                new_only=new_only,
            )
            self._events(self._remap(events, 1), dict(returned), record=is_record)

        return write

    def _created_events(self, fk_column: str, created: list[tuple[str, int]]) -> _CreatedEvents:
        return _CreatedEvents(
            fk_column=fk_column,
            source_ids=[source_id for source_id, _ in created],
            subjects=created,
            values={
                "action": DisclosureEvent.Action.CREATED.value,
                "reason": "",
                "effective_on": self.today,
                "created_at": self.now,
                "actor": "import",
                "note": self.note,
            },
        )

    def _events(
        self,
        events: list[tuple[str, int, str, str, dt.date, dict[str, Any] | None]],
        ids: dict[str, int],
        *,
        record: bool,
    ) -> None:
        note = self.note
        self.writer.insert(
            model=DisclosureEvent,
            columns=_EVENT_COLUMNS,
            rows=[
                (
                    ids[source_id] if record else None,
                    None if record else ids[source_id],
                    subject_id,
                    action,
                    reason,
                    effective_on,
                    self.now,
                    "import",
                    note,
                    None if before is None else json.dumps(before, ensure_ascii=False),
                )
                for source_id, subject_id, action, reason, effective_on, before in events
            ],
        )

    def read_batch(self, batch: list[ParsedRow]) -> _Prepared:
        """Database reads of a batch (step 1 of 2), while no write job runs.

        The same source_id twice in a batch: the last row wins (and ON
        CONFLICT cannot touch one row twice in one statement).
        """
        unique: dict[tuple[bool, str], ParsedRow] = {}
        for row in batch:
            unique[(row.is_listing, row.source_id)] = row
        rows = list(unique.values())
        self.result.unchanged += len(batch) - len(rows)
        self._authorities(rows)
        subjects = self._read_subjects(rows)
        records = [r for r in rows if not r.is_listing]
        listings = [r for r in rows if r.is_listing]
        return _Prepared(
            records=records,
            listings=listings,
            subjects=subjects,
            existing_records=self._existing(Record, records),
            existing_listings=self._existing(Listing, listings),
        )

    def build_batch(self, prepared: _Prepared) -> tuple[list[tuple[int, str, str]], Callable[[], None]]:
        """Compare with what is stored: late errors and the write job (step 2).

        No database access on PostgreSQL, where it runs beside the previous
        batch's write job; elsewhere the subjects are written here.
        """
        subjects, write_subjects = self._subjects(prepared.subjects)
        write_records = self._records(prepared.records, subjects, prepared.existing_records)
        errors, write_listings = self._listings(prepared.listings, subjects, prepared.existing_listings)

        def write() -> None:
            write_subjects()
            write_records()
            write_listings()

        return errors, write


@dataclasses.dataclass
class _SubjectPlan:
    latest: dict[tuple[str, str], ParsedRow]  # the batch's last row of each subject
    names: dict[tuple[str, str], list[str]]  # the names each subject had in the batch
    existing: dict[tuple[str, str], tuple[Any, ...]]  # stored subjects, as read
    ids: dict[tuple[str, str], int]  # allocated ids of new subjects (PostgreSQL)


@dataclasses.dataclass
class _Prepared:
    records: list[ParsedRow]
    listings: list[ParsedRow]
    subjects: _SubjectPlan
    existing_records: dict[str, dict[str, Any]]
    existing_listings: dict[str, dict[str, Any]]

    def source_ids(self) -> set[tuple[bool, str]]:
        return {(False, r.source_id) for r in self.records} | {(True, r.source_id) for r in self.listings}


@dataclasses.dataclass
class _Batch:
    rows: list[ParsedRow] = dataclasses.field(default_factory=list)
    errors: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    rows_read: int = 0
    invalid: int = 0


def _produce(
    reader: Iterator[RawRow],
    validator: _Validator,
    batch_size: int,
    out: queue.Queue[_Batch | BaseException | None],
    stop: threading.Event,
) -> None:
    """Read and validate rows into batches of about `batch_size` rows.

    Runs in its own thread and touches no database. Ends with None, or with
    the exception that stopped it; gives up when the writer has stopped.
    """

    def put(item: _Batch | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    try:
        batch = _Batch()
        for line, raw, errors in reader:
            batch.rows_read += 1
            parsed = None
            if raw is not None:
                parsed, errors = validator.validate(line, raw)
            if parsed is None:
                batch.invalid += 1
                batch.errors.extend((line, field, reason) for field, reason in errors)
            else:
                batch.rows.append(parsed)
            if batch.rows_read >= batch_size:
                if not put(batch):
                    return
                batch = _Batch()
        if batch.rows_read and not put(batch):
            return
        put(None)
    except BaseException as exc:
        put(exc)


class _Pipeline:
    """Runs a batch's writes while the next batch is compared (PostgreSQL).

    A batch is written in two steps: reads (subjects, stored rows) on the
    main thread, then a write job. The job of batch N is held until the reads
    of batch N+1 are done, then runs in a helper thread on the same
    connection and transaction while the main thread compares batch N+1 in
    Python; the connection is never used by both threads at once. On other
    engines jobs run inline.
    """

    def __init__(self, *, writer: _Writer) -> None:
        self.db = writer.db
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="import-writer") if writer.postgres else None
        if self.executor is not None:
            self.db.inc_thread_sharing()
        self.held: Callable[[], None] | None = None
        self.held_ids: set[tuple[bool, str]] = set()
        self.future: Future[None] | None = None

    def hold(self, job: Callable[[], None], ids: set[tuple[bool, str]]) -> None:
        self.held, self.held_ids = job, ids

    def start(self) -> None:
        if self.held is None:
            return
        job, self.held, self.held_ids = self.held, None, set()
        if self.executor is None:
            job()
        else:
            self.future = self.executor.submit(job)

    def wait(self) -> None:
        if self.future is not None:
            future, self.future = self.future, None
            future.result()

    def drain(self) -> None:
        self.start()
        self.wait()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.db.dec_thread_sharing()
        self.held = None


def _lock_source(source: str) -> None:
    """Serialise imports of one source (PostgreSQL), so that two runs of the
    same file at once write each change and each event exactly once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import_records:{source}"])
            # Check foreign keys at the end of each statement, while the new
            # rows are still in cache, rather than millions of them at COMMIT.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def records_import(
    *,
    path: Path | str,
    source: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_error: ErrorSink | None = None,
    on_progress: ProgressSink | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportResult:
    """Import a CSV or JSON Lines file of records and list entries (归集).

    Every invalid row is passed to `on_error` as "FILE:LINE: field: reason"
    (the header is line 1) and skipped; valid rows are written. All writes
    happen in one transaction; the ImportRun row, committed beforehand, ends
    as succeeded, partial (some rows invalid) or failed (nothing written).
    Raises ImportFileError, before writing anything, when the file cannot be
    read at all.
    """
    path = Path(path)
    source = source or path.stem
    if len(source) > 100:
        raise ImportFileError("the source name is longer than 100 characters")
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    fmt = _detect_format(path)
    reader = _read_jsonl(path) if fmt == "jsonl" else _read_csv(path, _read_header(path))

    error_lines: list[str] = []

    def report(line: int, field: str, reason: str) -> None:
        message = f"{path}:{line}: {field}: {reason}"
        if len(error_lines) < ERROR_REPORT_LINES:
            error_lines.append(message)
        if on_error is not None:
            on_error(message)

    run = ImportRun.objects.create(source=source, file_name=str(path))
    result = ImportResult(run=run)
    started = time.monotonic()
    validator = _Validator()
    # Reading and validating run in a second thread while this one waits for
    # the database: the reader holds the GIL only while the writer does not.
    batches: queue.Queue[_Batch | BaseException | None] = queue.Queue(
        maxsize=max(2, READ_AHEAD_ROWS // max(batch_size, 1))
    )
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce, args=(reader, validator, batch_size, batches, stop), name="import-reader", daemon=True
    )
    try:
        with transaction.atomic():
            _lock_source(source)
            importer = _Importer(run=run, source=source, result=result)
            pipeline = _Pipeline(writer=importer.writer)
            next_progress = progress_every
            producer.start()
            try:
                while (batch := batches.get()) is not None:
                    if isinstance(batch, BaseException):
                        raise batch
                    result.rows_read += batch.rows_read
                    result.invalid += batch.invalid
                    for line, field, reason in batch.errors:
                        report(line, field, reason)
                    if batch.rows:
                        # Reads must see the held writes when they touch the same rows.
                        if pipeline.held_ids & {(row.is_listing, row.source_id) for row in batch.rows}:
                            pipeline.drain()
                        prepared = importer.read_batch(batch.rows)
                        pipeline.start()  # the previous batch's writes, meanwhile:
                        late_errors, write = importer.build_batch(prepared)
                        pipeline.wait()
                        pipeline.hold(write, prepared.source_ids())
                        for line, field, reason in late_errors:
                            report(line, field, reason)
                    if on_progress is not None and result.rows_read >= next_progress:
                        next_progress += progress_every
                        on_progress(result.rows_read, time.monotonic() - started)
                pipeline.drain()
            finally:
                # Never leave the transaction while a write still runs in it.
                pipeline.close()
    except BaseException as exc:
        stop.set()
        result.seconds = time.monotonic() - started
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            finished_at=timezone.now(),
            rows_read=result.rows_read,
            rows_written=0,
            rows_invalid=result.invalid,
            error_report="\n".join([*error_lines, f"failed, nothing written: {exc!r}"]),
        )
        raise
    result.seconds = time.monotonic() - started
    run.status = ImportRun.Status.PARTIAL if result.invalid else ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.rows_read = result.rows_read
    run.rows_written = result.created + result.updated + result.ended_only
    run.rows_invalid = result.invalid
    run.error_report = "\n".join(error_lines)
    run.save(update_fields=["status", "finished_at", "rows_read", "rows_written", "rows_invalid", "error_report"])
    return result
