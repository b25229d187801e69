"""Build the scale data set into an empty, migrated PostgreSQL database.

    createdb -h 127.0.0.1 -U postgres cp_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_scale python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_scale \\
        python bench/build_dataset.py --subjects 2000000 --records 10000000 --listings 200000

Rows come from `bench.dataset` (the demo's generator at scale, deterministic
for a given seed and reference date). They are written with COPY, one
transaction per month of arrival holding that month's records, listings and
their disclosure events, as the importer would have written them: a
`created` event per row, an `ended` event for each early end (repaired,
revoked, corrected, exited), and the `ended`/`expired` events the calendar
materialisation writes when a disclosure period runs out. The events' `txid`
comes from the migration's trigger, so the change feed has a long history of
distinct transactions.

For speed the secondary indexes, unique and foreign-key constraints of the
loaded tables are dropped first and recreated at the end from their own
definitions (read from the catalogue before dropping them: exactly the
migrations' indexes; the script checks that the set afterwards is identical).
Re-adding the constraints validates every row; VACUUM ANALYZE ends the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from array import array
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditportal.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from bench.dataset import (  # noqa: E402
    DEFAULT_SEED,
    Row,
    ScaleDataset,
    copy_columns,
    copy_line,
    former_name_line,
    month_key,
)
from disclosure import periods  # noqa: E402
from disclosure.models import (  # noqa: E402
    Authority,
    DisclosureEvent,
    ImportRun,
    Listing,
    Record,
    Subject,
    SubjectFormerName,
)

BATCH_LINES = 20_000
TABLES = [
    m._meta.db_table for m in (Subject, SubjectFormerName, Authority, Record, Listing, DisclosureEvent, ImportRun)
]


class Progress:
    """Rows done, rate and ETA of the current phase, at most every 5 s."""

    def __init__(self, phase: str, total: int) -> None:
        self.phase, self.total, self.started, self.last = phase, total, time.monotonic(), 0.0
        print(f"[{time.strftime('%H:%M:%S')}] {phase}: {total:,} rows", flush=True)

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 5:
            return
        self.last = now
        elapsed = now - self.started
        rate = done / elapsed if elapsed else 0.0
        eta = (self.total - done) / rate if rate and self.total > done else 0.0
        print(
            f"[{time.strftime('%H:%M:%S')}] {self.phase}: {done:,}/{self.total:,} rows "
            f"({100 * done / max(1, self.total):.0f} %), {rate:,.0f} rows/s, ETA {eta / 60:.1f} min",
            flush=True,
        )


def step(message: str) -> float:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)
    return time.monotonic()


class Writer:
    """COPY text lines for one table, sent in batches."""

    def __init__(self, conn: psycopg.Connection, model: type) -> None:
        self.conn = conn
        self.columns = ", ".join(f'"{c}"' for c in copy_columns(model))
        self.table = model._meta.db_table
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= BATCH_LINES:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        with self.conn.cursor() as cur, cur.copy(f'COPY "{self.table}" ({self.columns}) FROM STDIN') as copy:
            copy.write("\n".join(self.lines) + "\n")
        self.lines.clear()


def connect() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    conn = psycopg.connect(**params)
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.commit()
    return conn


def saved_ddl(conn: psycopg.Connection) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(indexes, constraints) of the loaded tables that the load can do without:
    every index but the primary keys, unique and foreign-key constraints."""
    constraints = conn.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
           FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')
           ORDER BY c.contype DESC, 1, 2""",
        [TABLES],
    ).fetchall()
    indexes = conn.execute(
        """SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
             AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))
           ORDER BY 1, 2""",
        [TABLES],
    ).fetchall()
    return indexes, constraints


def all_index_definitions(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [TABLES]
    ).fetchall()


EVENT_COLUMNS = "record_id, listing_id, subject_id, action, reason, effective_on, created_at, actor, note, before, txid"


def write_events(
    conn: psycopg.Connection,
    *,
    table: str,
    fk: str,
    end_field: str,
    reason_field: str,
    id_range: tuple[int, int] | None,
    ended: list[int],
    expired: list[int],
) -> None:
    """A month's events, in time order: `created` for the rows that arrived,
    `ended` for early ends (actor like the importer's), `ended`/`expired`
    for periods run out (actor and note of disclosure.feed's materialisation)."""
    other = "listing_id" if fk == "record_id" else "record_id"
    parts, params = [], []
    if id_range:
        parts.append(
            f"""SELECT t.id AS {fk}, NULL::bigint AS {other}, t.subject_id, 'created', '',
                       (t.arrived_at AT TIME ZONE 'Asia/Shanghai')::date, t.arrived_at, 'import', '', NULL::jsonb
                FROM {table} t WHERE t.id BETWEEN %s AND %s"""
        )
        params += list(id_range)
    if ended:
        parts.append(
            f"""SELECT t.id, NULL::bigint, t.subject_id, 'ended', t.{reason_field}, t.{end_field},
                       t.{end_field}::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '10 hours', 'import', '',
                       to_jsonb(t) || jsonb_build_object('{end_field}', NULL, '{reason_field}', '')
                FROM {table} t WHERE t.id = ANY(%s)"""
        )
        params.append(ended)
    if expired:
        expiry = "t.disclosure_until + 1" if fk == "record_id" else "t.planned_exit_on"
        parts.append(
            f"""SELECT t.id, NULL::bigint, t.subject_id, 'ended', 'expired', {expiry},
                       ({expiry})::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '5 minutes',
                       '{DisclosureEvent.MATERIALISED}', 'materialised from the calendar', NULL::jsonb
                FROM {table} t WHERE t.id = ANY(%s)"""
        )
        params.append(expired)
    if not parts:
        return
    columns = EVENT_COLUMNS.replace("record_id, listing_id", f"{fk}, {other}")
    conn.execute(
        f"INSERT INTO disclosure_disclosureevent ({columns}) "
        f"SELECT *, 0 FROM ({' UNION ALL '.join(parts)}) e ORDER BY 7, 1",
        params,
    )


def save_ddl(conn: psycopg.Connection) -> None:
    """Keep what the load drops in the database itself, so that an
    interrupted build can be resumed (--resume) and still end with exactly
    the migrated schema."""
    indexes, constraints = saved_ddl(conn)
    conn.execute("CREATE TABLE bench_dataset_ddl (position serial, kind text, tbl text, name text, definition text)")
    rows = [("before", "", n, d) for n, d in all_index_definitions(conn)]
    rows += [("index", t, n, d) for t, n, d in indexes] + [("constraint", t, n, d) for t, n, d in constraints]
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO bench_dataset_ddl (kind, tbl, name, definition) VALUES (%s, %s, %s, %s)", rows)
    conn.commit()


def write_subjects(conn: psycopg.Connection, data: ScaleDataset, total: int) -> None:
    progress = Progress("subjects", total)
    subjects = Writer(conn, Subject)
    former = Writer(conn, SubjectFormerName)
    done = former_pk = 0
    for chunk in data.subject_chunks():
        for line in chunk.lines:
            done += 1
            subjects.add(f"{done}\t{line.split(chr(9), 1)[1]}")
        for subject_id, name, search_name, moment in chunk.former:
            former_pk += 1
            former.add(former_name_line(former_pk, subject_id, name, search_name, moment))
        subjects.flush()
        former.flush()
        conn.commit()
        progress.update(done)
    progress.update(done, force=True)
    print(
        f"  former names: {former_pk:,}; heavy subjects: {len(data.heavy)}; codes drawn again: {data.redrawn}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=2_000_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--listings", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--reference",
        type=dt.date.fromisoformat,
        default=None,
        help="the 'today' of the data set (default: today in Beijing); same seed and reference, same rows",
    )
    parser.add_argument(
        "--resume", action="store_true", help="keep the subjects of an interrupted build, redo everything after them"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="generator processes")
    parser.add_argument("--summary", type=Path, help="write the data set's facts (JSON) to this file")
    args = parser.parse_args()
    reference = args.reference or periods.today()

    if connection.vendor != "postgresql":
        print("DATABASE_URL must name a PostgreSQL database", file=sys.stderr)
        return 2
    conn = connect()
    migrated = conn.execute("SELECT count(*) FROM django_migrations WHERE app = 'disclosure'").fetchone()
    if not migrated or not migrated[0]:
        print("the database is not migrated: run `python manage.py migrate` first", file=sys.stderr)
        return 2
    began = time.monotonic()
    if args.resume:
        if not conn.execute("SELECT to_regclass('bench_dataset_ddl') IS NOT NULL").fetchone()[0]:
            print("--resume: no interrupted build here (table bench_dataset_ddl missing)", file=sys.stderr)
            return 2
        # What was written after the subjects goes; the subjects stay.
        conn.execute(
            "TRUNCATE disclosure_disclosureevent, disclosure_listing, disclosure_record, disclosure_authority, "
            "disclosure_importrun RESTART IDENTITY CASCADE"
        )
    else:
        for model in (Subject, Record, Listing, DisclosureEvent):
            if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {model._meta.db_table})").fetchone()[0]:
                print(f"{model._meta.db_table} is not empty: build into an empty database", file=sys.stderr)
                return 2
        save_ddl(conn)
    ddl = conn.execute("SELECT kind, tbl, name, definition FROM bench_dataset_ddl ORDER BY position").fetchall()
    indexes = [(t, n, d) for k, t, n, d in ddl if k == "index"]
    constraints = [(t, n, d) for k, t, n, d in ddl if k == "constraint"]
    before_indexes = [(n, d) for k, _t, n, d in ddl if k == "before"]
    t0 = step(f"dropping {len(indexes)} indexes and {len(constraints)} constraints for the load")
    for table, name, _definition in reversed(constraints):
        conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
    for _table, name, _definition in indexes:
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    run_id = conn.execute(
        """INSERT INTO disclosure_importrun (source, file_name, started_at, status, rows_read, rows_written,
           rows_invalid, error_report) VALUES (%s, %s, now(), 'running', 0, 0, 0, '') RETURNING id""",
        ["bench-scale", f"bench/build_dataset.py seed={args.seed} reference={reference}"],
    ).fetchone()[0]
    conn.commit()

    data = ScaleDataset(
        subjects=args.subjects,
        records=args.records,
        listings=args.listings,
        reference=reference,
        seed=args.seed,
        jobs=args.jobs,
        import_run_id=run_id,
    )

    if args.resume:
        step("reading the subjects of the interrupted build")
        with conn.cursor(name="subjects") as cur:
            cur.execute("SELECT id, subject_type, uscc, region_code, name FROM disclosure_subject ORDER BY id")
            data.existing_subjects(iter(cur))
        conn.commit()
        if len(data.infos) != args.subjects:
            print(f"--resume: {len(data.infos):,} subjects here, {args.subjects:,} asked for", file=sys.stderr)
            return 2
    else:
        write_subjects(conn, data, args.subjects)

    # Records, listings and events, month by month of arrival.
    progress = Progress("records (listings and events alongside)", args.records)
    records = Writer(conn, Record)
    listings = Writer(conn, Listing)
    next_id = {"record": 1, "listing": 1}
    # Events due in a later month (an early end or expiry after arrival).
    due: dict[int, dict[str, array]] = {}

    def schedule(row: Row, pk: int, arrival_key: int) -> None:
        if row.ended:
            key = max(arrival_key, month_key(row.ended[0]))
            due.setdefault(key, {}).setdefault(f"{row.kind}_ended", array("q")).append(pk)
        if row.expires:
            key = max(arrival_key, month_key(row.expires))
            due.setdefault(key, {}).setdefault(f"{row.kind}_expired", array("q")).append(pk)

    def flush_events(key: int, ranges: dict[str, tuple[int, int] | None]) -> None:
        events = due.pop(key, {})
        for kind, table, end_field, reason_field in (
            ("record", "disclosure_record", "ended_on", "end_reason"),
            ("listing", "disclosure_listing", "exited_on", "exit_reason"),
        ):
            write_events(
                conn,
                table=table,
                fk=f"{kind}_id",
                end_field=end_field,
                reason_field=reason_field,
                id_range=ranges.get(kind),
                ended=list(events.get(f"{kind}_ended", ())),
                expired=list(events.get(f"{kind}_expired", ())),
            )

    for batch in data.months():
        key = month_key(batch.month)
        # Events due in months without arrivals of their own come first.
        for earlier in sorted(k for k in due if k < key):
            flush_events(earlier, {})
        ranges: dict[str, tuple[int, int] | None] = {}
        for kind, rows, writer in (("record", batch.records, records), ("listing", batch.listings, listings)):
            first = next_id[kind]
            for row in rows:
                writer.add(f"{next_id[kind]}\t{row.line}")
                schedule(row, next_id[kind], key)
                next_id[kind] += 1
            writer.flush()
            ranges[kind] = (first, next_id[kind] - 1) if next_id[kind] > first else None
        flush_events(key, ranges)
        conn.commit()
        progress.update(next_id["record"] - 1)
    for key in sorted(due):
        flush_events(key, {})
    conn.commit()
    written_records, written_listings = next_id["record"] - 1, next_id["listing"] - 1
    progress.update(written_records, force=True)

    authorities = Writer(conn, Authority)
    registered = dt.datetime(reference.year - 10, 1, 1, 9, tzinfo=periods.BEIJING)
    for authority in data.authorities:
        authorities.add(copy_line(authority, created_at=registered))
    authorities.flush()
    conn.execute(
        """UPDATE disclosure_importrun SET finished_at = now(), status = 'succeeded', rows_read = %s,
           rows_written = %s WHERE id = %s""",
        [written_records + written_listings, written_records + written_listings, run_id],
    )
    conn.execute(
        """INSERT INTO dataservices_feedwatermark (id, materialised_through) VALUES (1, %s)
           ON CONFLICT (id) DO UPDATE SET materialised_through = EXCLUDED.materialised_through""",
        [reference],
    )
    conn.commit()

    # Indexes and constraints back, sequences after the explicit ids.
    t0 = step(f"loaded in {(time.monotonic() - began) / 60:.1f} min; recreating indexes and constraints")
    for _table, name, definition in indexes:
        started = time.monotonic()
        conn.execute(definition)
        conn.commit()
        print(f"  index {name}: {time.monotonic() - started:.1f} s", flush=True)
    for table, name, definition in constraints:
        started = time.monotonic()
        conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        conn.commit()
        print(f"  constraint {name}: {time.monotonic() - started:.1f} s", flush=True)
    after = all_index_definitions(conn)
    if after != before_indexes:
        print("the indexes after the load differ from the migrated schema's:", file=sys.stderr)
        print(sorted(set(before_indexes) ^ set(after)), file=sys.stderr)
        return 1
    conn.execute("DROP TABLE bench_dataset_ddl")
    for table in TABLES:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT max(id) FROM {table})))"
        )
    conn.commit()
    print(f"  indexes and constraints: {(time.monotonic() - t0) / 60:.1f} min", flush=True)
    t0 = step("VACUUM ANALYZE")
    conn.autocommit = True
    for table in TABLES:
        conn.execute(f"VACUUM ANALYZE {table}")
    print(f"  {(time.monotonic() - t0) / 60:.1f} min", flush=True)

    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    summary = {
        "seed": args.seed,
        "reference": reference.isoformat(),
        "requested": {"subjects": args.subjects, "records": args.records, "listings": args.listings},
        "rows": counts,
        "heavy_subjects": [data.infos[i].uscc for i in data.heavy],
        "database_size": conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0],
        "minutes": round((time.monotonic() - began) / 60, 1),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.summary:
        args.summary.parent.mkdir(parents=True, exist_ok=True)
        args.summary.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
