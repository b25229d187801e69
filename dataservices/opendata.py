"""Open data: the current disclosed dataset and the deltas, as files.

`manage.py export_open_data` writes, into OPEN_DATA_DIR:
- records-<day>.csv / .jsonl and listings-<day>.csv / .jsonl: everything
  disclosed on <day> (through the selectors, like every public surface),
  without natural persons (DESIGN.md: bulk files carry none);
- changes-<day>.jsonl / .csv: the change-feed items since the previous
  delta (the feed position is stored, so deltas never overlap nor miss),
  each item by identity only (source, source id, subject key, action,
  reason, day): what has ended is announced, its content is served nowhere;
- datapackage-<day>.json: the files, their schema and the terms of use;
- SHA256SUMS-<day>.sha256: the checksums of every file still served.
Only the current full snapshot is served: writing a new one withdraws the
earlier ones (files deleted, their URLs 410 Gone), so a record that ended
today cannot be downloaded tomorrow in yesterday's snapshot. Files are
written to a temporary name and renamed, so a reader never sees a
half-written file; rerunning for the same day replaces the full dataset and
leaves an existing delta alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dataservices.csvcells import spreadsheet_safe
from dataservices.models import OpenDataFile
from disclosure import feed, periods, selectors
from disclosure.models import Listing, Record, SubjectType

RECORD_COLUMNS = [
    ("id", _("Record id (stable)")),
    ("uscc", _("Unified social credit code (empty for natural persons)")),
    ("subject_key", _("Subject key in portal URLs")),
    ("subject_name", _("Subject name")),
    ("category", _("Catalogue code")),
    ("category_name", _("Catalogue name")),
    ("severity", _("minor / general / serious (negative information)")),
    ("document_no", _("Decision document number")),
    ("decided_on", _("Decision date (YYYY-MM-DD)")),
    ("authority", pgettext_lazy("open data column", "Deciding authority")),
    ("summary", pgettext_lazy("open data column", "Summary")),
    ("valid_until", _("Valid until (licences)")),
    ("disclosure_until", _("Last day of disclosure (inclusive)")),
]
LISTING_COLUMNS = [
    ("id", _("Listing id (stable)")),
    ("uscc", _("Unified social credit code (empty for natural persons)")),
    ("subject_key", _("Subject key in portal URLs")),
    ("subject_name", _("Subject name")),
    ("code", _("List code")),
    ("list_name", _("List name")),
    ("entered_on", _("Entry date")),
    ("reason", pgettext_lazy("open data column", "Reason")),
    ("authority", pgettext_lazy("open data column", "Deciding authority")),
    ("document_no", _("Document number")),
    ("planned_exit_on", _("Planned exit date (first day off the list)")),
]
DELTA_COLUMNS = [
    ("cursor", _("Change-feed cursor of the item")),
    ("type", _("record or listing")),
    ("object_id", _("Record or listing id")),
    ("source", _("Source department of the record or listing")),
    ("source_id", _("Its id within the source")),
    ("subject_key", _("Subject key")),
    ("action", _("disclosed / changed / ended")),
    ("reason", _("For ended: expired, repaired, revoked, corrected, court_decision")),
    ("effective_on", _("Date the change took effect")),
    ("disclosed", _("Disclosed at export time (true/false)")),
]

# The terms of use (DESIGN.md: 期限一致; no use beyond the scope of
# disclosure), on /open-data/, /help/open-data/ and in datapackage-<day>.json.
TERMS = [
    _(
        "Keep your copy identical in content and period to what this portal discloses: apply every delta (or the "
        "change feed) at least once a day, in order."
    ),
    _(
        "Delete at once every record or listing that a delta or the change feed reports as no longer disclosed "
        "(expired, repaired, revoked, corrected, shielded), including from backups and derived products."
    ),
    _(
        "A full snapshot is valid only until the next one: earlier snapshots are withdrawn and must not be used, "
        "kept or republished."
    ),
    _(
        "Use the data only for the purposes of public credit information disclosure (checking a business partner, "
        "procurement, research); do not use it beyond that scope, e.g. to profile or rank individuals, or to keep "
        "publishing what has stopped being disclosed."
    ),
    _("Cite this portal as the source, with the date of the snapshot or delta used."),
    _("Natural persons are not included in the bulk files."),
]


def _record_row(record: Record) -> dict[str, Any]:
    return {
        "id": record.pk,
        "uscc": record.subject.uscc or "",
        "subject_key": record.subject.key,
        "subject_name": record.subject.name,
        "category": record.category.code,
        "category_name": record.category.name,
        "severity": record.severity,
        "document_no": record.document_no,
        "decided_on": record.decided_on,
        "authority": record.authority.name,
        "summary": record.summary,
        "valid_until": record.valid_until,
        "disclosure_until": record.disclosure_until,
    }


def _listing_row(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "uscc": listing.subject.uscc or "",
        "subject_key": listing.subject.key,
        "subject_name": listing.subject.name,
        "code": listing.credit_list.code,
        "list_name": listing.credit_list.name,
        "entered_on": listing.entered_on,
        "reason": listing.reason,
        "authority": listing.authority.name,
        "document_no": listing.document_no,
        "planned_exit_on": listing.planned_exit_on,
    }


def _delta_row(item: feed.FeedItem) -> dict[str, Any]:
    return {
        "cursor": item.cursor,
        "type": item.kind,
        "object_id": item.object_id,
        "source": item.source,
        "source_id": item.source_id,
        "subject_key": item.event.subject.key,
        "action": item.action,
        "reason": item.reason,
        "effective_on": item.event.effective_on,
        "disclosed": item.disclosed,
    }


def _write_atomic(path: Path, write: Callable[[Any], int]) -> tuple[int, int, str]:
    """Write via a temporary file; returns (rows, bytes, sha256)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            rows = write(fh)
        digest = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rows, path.stat().st_size, digest.hexdigest()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheet_safe(value)


def _csv_writer(columns: list[tuple[str, str]], rows: Callable[[], Iterable[dict[str, Any]]]):
    def write(fh) -> int:
        writer = csv.DictWriter(fh, fieldnames=[name for name, _text in columns])
        writer.writeheader()
        count = 0
        for row in rows():
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
            count += 1
        return count

    return write


def _jsonl_writer(rows: Callable[[], Iterable[dict[str, Any]]]):
    def write(fh) -> int:
        count = 0
        for row in rows():
            fh.write(json.dumps(row, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n")
            count += 1
        return count

    return write


def _iterate(queryset: QuerySet, convert: Callable[[Any], dict[str, Any]]) -> Callable[[], Iterator[dict[str, Any]]]:
    return lambda: (convert(obj) for obj in queryset.order_by("pk").iterator(chunk_size=2000))


def _register(name: str, kind: str, day: dt.date, rows: int, size: int, sha256: str, **position: int) -> OpenDataFile:
    item, _created = OpenDataFile.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "file_format": name.rsplit(".", 1)[-1],
            "day": day,
            "rows": rows,
            "size": size,
            "sha256": sha256,
            **position,
        },
    )
    return item


def export_full(*, day: dt.date | None = None, directory: Path | None = None) -> list[OpenDataFile]:
    day = day or periods.today()
    directory = directory or settings.OPEN_DATA_DIR
    person = SubjectType.NATURAL_PERSON
    records = selectors.records_disclosed(at=day).exclude(subject__subject_type=person)
    listings = selectors.listings_current(at=day).exclude(subject__subject_type=person)
    written = []
    for stem, queryset, convert, columns in (
        ("records", records, _record_row, RECORD_COLUMNS),
        ("listings", listings, _listing_row, LISTING_COLUMNS),
    ):
        rows = _iterate(queryset, convert)
        for suffix, writer in (("csv", _csv_writer(columns, rows)), ("jsonl", _jsonl_writer(rows))):
            name = f"{stem}-{day.isoformat()}.{suffix}"
            count, size, digest = _write_atomic(directory / name, writer)
            written.append(_register(name, OpenDataFile.Kind.FULL, day, count, size, digest))
    return written


def export_delta(*, day: dt.date | None = None, directory: Path | None = None) -> list[OpenDataFile]:
    """The change-feed items since the previous delta, as of `day`."""
    day = day or periods.today()
    directory = directory or settings.OPEN_DATA_DIR
    name_jsonl, name_csv = f"changes-{day.isoformat()}.jsonl", f"changes-{day.isoformat()}.csv"
    existing = list(OpenDataFile.objects.filter(name__in=[name_jsonl, name_csv]))
    if len(existing) == 2:
        return existing
    previous = OpenDataFile.objects.filter(kind=OpenDataFile.Kind.DELTA, day__lt=day).order_by("-day").first()
    start = (previous.feed_txid, previous.feed_event_id) if previous else feed.START
    items: list[feed.FeedItem] = []
    position = start
    while True:
        page = feed.changes(after=position, limit=1000, at=day)
        items.extend(page.items)
        position = page.position
        if not page.has_more:
            break
    rows = [_delta_row(item) for item in items if item.event.subject.subject_type != SubjectType.NATURAL_PERSON]
    written = []
    with transaction.atomic():
        for name, writer in (
            (name_jsonl, _jsonl_writer(lambda: iter(rows))),
            (name_csv, _csv_writer(DELTA_COLUMNS, lambda: iter(rows))),
        ):
            count, size, digest = _write_atomic(directory / name, writer)
            written.append(
                _register(
                    name,
                    OpenDataFile.Kind.DELTA,
                    day,
                    count,
                    size,
                    digest,
                    feed_txid=position[0],
                    feed_event_id=position[1],
                )
            )
    return written


def terms_url() -> str:
    return settings.SITE_URL + reverse("dataservices:help-open-data")


def _terms(language: str) -> list[str]:
    with translation.override(language):
        return [str(text) for text in TERMS]


def write_datapackage(*, day: dt.date, directory: Path | None = None) -> OpenDataFile:
    """The files served after this export, their schema and the terms of use,
    as a Frictionless data package (the files' metadata)."""
    directory = directory or settings.OPEN_DATA_DIR
    columns = {"records": RECORD_COLUMNS, "listings": LISTING_COLUMNS, "changes": DELTA_COLUMNS}
    package = {
        "name": f"credit-portal-{day.isoformat()}",
        "title": "公共信用信息公示数据 / Public credit information",
        "created": day.isoformat(),
        "licenses": [{"name": "terms-of-use", "path": terms_url(), "title": "使用条款 / Terms of use"}],
        "terms_of_use": {"url": terms_url(), "zh-Hans": _terms("zh-hans"), "en": _terms("en")},
        "resources": [
            {
                "name": f.name.rsplit(".", 1)[0] + "-" + f.file_format,
                "path": f.name,
                "format": f.file_format,
                "hash": f"sha256:{f.sha256}",
                "bytes": f.size,
                "rows": f.rows,
                "schema": {
                    "fields": [
                        {"name": name, "description": str(text)} for name, text in columns[f.name.split("-", 1)[0]]
                    ]
                },
            }
            for f in files_listed().exclude(kind=OpenDataFile.Kind.INDEX).order_by("name")
        ],
    }
    name = f"datapackage-{day.isoformat()}.json"

    def write(fh) -> int:
        json.dump(package, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        return len(package["resources"])

    count, size, digest = _write_atomic(directory / name, write)
    return _register(name, OpenDataFile.Kind.INDEX, day, count, size, digest)


def write_checksums(*, day: dt.date, directory: Path | None = None) -> OpenDataFile:
    """Checksums of every file served after this export, in `sha256sum -c` format."""
    directory = directory or settings.OPEN_DATA_DIR
    name = f"SHA256SUMS-{day.isoformat()}.sha256"
    files = files_listed().exclude(name=name).exclude(file_format="sha256").order_by("name")
    lines = [f"{f.sha256}  {f.name}\n" for f in files]

    def write(fh) -> int:
        fh.writelines(lines)
        return len(lines)

    count, size, digest = _write_atomic(directory / name, write)
    return _register(name, OpenDataFile.Kind.INDEX, day, count, size, digest)


def withdraw_earlier(*, day: dt.date, directory: Path | None = None) -> int:
    """Withdraw the full snapshots and index files of earlier days: delete the
    files and keep the rows, so that their URLs answer 410 Gone."""
    directory = directory or settings.OPEN_DATA_DIR
    stale = OpenDataFile.objects.filter(
        kind__in=[OpenDataFile.Kind.FULL, OpenDataFile.Kind.INDEX], day__lt=day, withdrawn_at__isnull=True
    )
    count = 0
    for item in stale:
        (directory / item.name).unlink(missing_ok=True)
        count += OpenDataFile.objects.filter(pk=item.pk, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    return count


def export_open_data(*, day: dt.date | None = None, directory: Path | None = None) -> list[OpenDataFile]:
    day = day or periods.today()
    files = export_full(day=day, directory=directory) + export_delta(day=day, directory=directory)
    # Only once the new snapshot is in place: a reader always finds one.
    withdraw_earlier(day=day, directory=directory)
    package = write_datapackage(day=day, directory=directory)
    return [*files, package, write_checksums(day=day, directory=directory)]


def files_listed() -> QuerySet[OpenDataFile]:
    """The files served now: the current snapshot, every delta, the index."""
    return OpenDataFile.objects.filter(withdrawn_at__isnull=True)


def file_get(*, name: str) -> OpenDataFile | None:
    """A file by name, withdrawn or not (the view answers 410 for those)."""
    return OpenDataFile.objects.filter(name=name).first()
