"""Run every benchmark scenario against gunicorn with production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_scale_<you> python bench/run_scenarios.py --label my-branch
    python bench/report.py        # regenerates docs/PERFORMANCE.md from bench/results/*.json

Starts `gunicorn creditportal.wsgi` on a loopback port with bin/run's worker
settings (WEB_CONCURRENCY workers, default 2; timeout 60) and DEBUG=false,
SECURE_SSL_REDIRECT=false, then for each scenario of bench/scenarios.py:

1. latency: its first-time requests one after another (1 client):
   p50/p95/p99, from connecting to the last byte of the response;
2. throughput: `--clients` clients (default 4) sending its requests back to
   back for `--seconds` (default 5): requests/second;
3. in this process, after the server runs: one request per sample through
   Django's test client with the SQL captured, and that SQL run again
   directly through psycopg (the database floor of the scenario); for name
   searches also the naive ORM version (`name__icontains` + `count()` and
   the first 20 rows).

"Cold" bulk checks use codes that nothing in the run has read, and before
each request the operating system's page cache of every disclosure table
and index file is dropped with posix_fadvise(DONTNEED) (needs root on the
database host; the results say when that was not possible). PostgreSQL's own
shared buffers are not emptied: restarting the server would stop every other
user of it; the codes being new to the run keep their pages out of them.

Results go to bench/results/scenarios-<label>.json. The process writes to
the database only what the portal's own cron would: the calendar events of
the change feed (`manage.py materialise_disclosure_events`) before measuring.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# Production settings for this process too (test client, naive ORM).
SERVER_ENV = {
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    # The throttle stays in the stack (its cache round trip is part of every
    # API request) but must not answer 429 to a benchmark.
    "API_ANON_RATE": "100000000/min",
}
for _name, _value in SERVER_ENV.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditportal.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import loadgen  # noqa: E402
from bench.machine import database_facts, git_facts, load_average, machine_facts, now_iso  # noqa: E402
from bench.scenarios import SCENARIOS, THROUGHPUT_RATIO, WORKER_RSS_MB, Samples, Scenario  # noqa: E402
from disclosure.models import Subject  # noqa: E402

RESULTS_DIR = BASE_DIR / "bench" / "results"
DATA_DIR = BASE_DIR / "bench" / "data"
SCHEMA = 1
TABLES = [
    "disclosure_subject",
    "disclosure_subjectformername",
    "disclosure_record",
    "disclosure_listing",
    "disclosure_disclosureevent",
    "disclosure_authority",
]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def raw_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


class Server:
    """gunicorn as bin/run starts it, on a loopback port."""

    def __init__(self, *, port: int, workers: int, log: Path) -> None:
        self.port, self.workers, self.log = port, workers, log
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "creditportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, stdout=self.log.open("wb"), stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if loadgen.send(loadgen.Request("GET", "/robots.txt"), port=self.port, timeout=5).status == 200:
                    self.warm_up()
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {self.log}")

    def warm_up(self) -> None:
        """Every worker imports and compiles on its first requests: pages
        that read no sample (robots, the API root, the empty search form)."""
        for _ in range(5 * self.workers):
            for path in ("/robots.txt", "/api/v1/", "/search/"):
                loadgen.send(loadgen.Request("GET", path), port=self.port)

    def worker_rss_mb(self) -> list[float]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split() if children.exists() else []:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


class PageCache:
    """Drops the OS page cache of the disclosure tables' files."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.files: list[Path] = []
        self.problem = ""
        try:
            data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
            relative = conn.execute(
                """SELECT pg_relation_filepath(c.oid) FROM pg_class c
                   WHERE c.relkind IN ('r', 'i', 't') AND pg_relation_filepath(c.oid) IS NOT NULL
                     AND (c.relname LIKE 'disclosure\\_%%' OR c.oid IN (
                         SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                         WHERE t.relname LIKE 'disclosure\\_%%'))"""
            ).fetchall()
        except psycopg.Error as exc:
            self.problem = f"cannot read the data directory: {exc}"
            return
        for (path,) in relative:
            base = data_dir / path
            self.files += [
                p for p in base.parent.glob(base.name + "*") if p.name.split(".")[0].split("_")[0] == base.name
            ]
        if not self.files or not os.access(self.files[0], os.R_OK):
            self.problem = "the database files are not readable here (not root on the database host)"

    def drop(self) -> bool:
        if self.problem:
            return False
        for path in self.files:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue  # a file dropped by VACUUM meanwhile
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
        return True


def measure_http(
    scenario: Scenario, requests: list[loadgen.Request], args: argparse.Namespace, pages: PageCache
) -> dict:
    result: dict[str, Any] = {}
    if scenario.warm:
        for request in requests:
            loadgen.send(request, port=args.port)
    seconds: list[float] = []
    statuses: dict[str, int] = {}
    dropped = True
    budget = time.monotonic() + args.latency_budget
    for request in requests:
        if scenario.cold:
            dropped = pages.drop() and dropped
        response = loadgen.send(request, port=args.port)
        seconds.append(response.seconds)
        statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
        if time.monotonic() > budget and len(seconds) >= 3:
            break
        if response.seconds > args.slow and len(seconds) >= 3:
            break  # seconds per request: three samples say enough
    result["latency"] = loadgen.summary_ms(seconds)
    result["statuses"] = statuses
    result["errors"] = sum(n for status, n in statuses.items() if int(status) not in scenario.expect)
    if scenario.cold:
        result["cold"] = "os page cache dropped before each request" if dropped else f"not cold: {pages.problem}"
    if scenario.throughput and args.seconds > 0 and result["latency"]["p50_ms"] > args.slow * 1000:
        result["throughput_note"] = f"not run: a request takes over {args.slow:g} s"
    elif scenario.throughput and args.seconds > 0:
        result["throughput"] = loadgen.throughput(requests, port=args.port, clients=args.clients, seconds=args.seconds)
    return result


def measure_sql(requests: list[loadgen.Request], raw: psycopg.Connection) -> dict:
    """The request in-process with its SQL captured; that SQL run again
    directly (statement by statement, rows fetched): the database floor."""
    client = Client()
    server_ms, sql_ms, counts = [], [], []
    for request in requests:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.generic(
                request.method, request.path, request.body, content_type=request.content_type or "application/json"
            )
            server_ms.append((time.perf_counter() - started) * 1000)
        total = 0.0
        statements = [
            q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        for sql in statements:
            started = time.perf_counter()
            with raw.cursor() as cur:
                cur.execute(sql.replace("%", "%%"))
                if cur.description:
                    cur.fetchall()
            total += (time.perf_counter() - started) * 1000
        sql_ms.append(total)
        counts.append(len(captured.captured_queries))
    return {
        "samples": len(requests),
        "queries": max(counts) if counts else 0,
        "in_process_p50_ms": round(loadgen.percentile(server_ms, 0.5), 2) if server_ms else None,
        "p50_ms": round(loadgen.percentile(sql_ms, 0.5), 2) if sql_ms else None,
        "max_ms": round(max(sql_ms), 2) if sql_ms else None,
    }


def measure_naive(fragments: list[str]) -> dict:
    """What a first version would write: icontains, count(), first page."""
    seconds = []
    for text in fragments:
        started = time.perf_counter()
        queryset = Subject.objects.filter(name__icontains=text)
        total = queryset.count()
        list(queryset[:20])
        seconds.append(time.perf_counter() - started)
        del total
    return {
        "samples": len(seconds),
        "p50_ms": round(loadgen.percentile(seconds, 0.5) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
    }


def verdict(scenario: Scenario, result: dict) -> bool | None:
    if scenario.target is None or "latency" not in result:
        return None
    return result["errors"] == 0 and result["latency"]["p95_ms"] <= scenario.target.p95_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default=git_facts()["branch"] or "local", help="name of this run (file name)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the throughput runs")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput run (0: none)")
    parser.add_argument(
        "--latency-budget", type=float, default=30.0, help="seconds per latency run (at least 3 requests)"
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=5.0,
        help="seconds per request above which a scenario gets 3 samples, no throughput",
    )
    parser.add_argument("--only", default="", help="comma-separated substrings of scenario keys")
    parser.add_argument("--no-sql", action="store_true", help="skip the in-process SQL and naive ORM measurements")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        print("DATABASE_URL must name a PostgreSQL database (the data set: bench/build_dataset.py)", file=sys.stderr)
        return 2
    raw = raw_connection()
    say(f"database {raw.info.dbname}: sampling")
    samples = Samples.load(raw, cache_dir=DATA_DIR, progress=say)
    run: dict[str, Any] = {
        "kind": "scenarios",
        "schema": SCHEMA,
        "label": args.label,
        "date": now_iso(),
        "git": git_facts(),
        "machine": machine_facts(),
        "load_before": load_average(),
    }
    say("database facts (exact row counts)")
    run["database"] = database_facts(raw, TABLES)

    say("collectstatic, materialise_disclosure_events (as bin/run and the cron do)")
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], check=True, cwd=BASE_DIR)
    subprocess.run([*manage, "materialise_disclosure_events"], check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL)
    cache.clear()  # first-time requests must not find a previous run's answers

    chosen = [s for s in SCENARIOS if not args.only or any(part in s.key for part in args.only.split(","))]
    server = Server(port=args.port, workers=args.workers, log=BASE_DIR / "var" / "bench-gunicorn.log")
    pages = PageCache(raw)
    results: list[dict[str, Any]] = []
    server.start()
    try:
        for scenario in chosen:
            requests = scenario.requests(samples)[: scenario.samples]
            entry: dict[str, Any] = {
                "key": scenario.key,
                "group": scenario.group,
                "title": scenario.title,
                "target_p95_ms": scenario.target.p95_ms if scenario.target else None,
            }
            if not requests:
                entry["note"] = "no samples in this data set"
                results.append(entry)
                continue
            say(f"{scenario.key}: {len(requests)} first-time requests")
            entry.update(measure_http(scenario, requests, args, pages))
            entry["met"] = verdict(scenario, entry)
            lat = entry["latency"]
            tput = entry.get("throughput", {})
            say(
                f"  p50 {lat['p50_ms']} ms  p95 {lat['p95_ms']} ms  p99 {lat['p99_ms']} ms"
                + (f"  {tput['rps']} req/s at {tput['clients']} clients" if tput else "")
                + (f"  errors {entry['errors']} {entry['statuses']}" if entry["errors"] else "")
            )
            results.append(entry)
        rss = server.worker_rss_mb()
    finally:
        server.stop()
    run["server"] = {
        "command": " ".join(["gunicorn", *server.command[1:]]),
        "workers": args.workers,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "worker_rss_mb": rss,
    }

    if not args.no_sql:
        by_key = {s.key: s for s in chosen}
        for entry in results:
            scenario = by_key[entry["key"]]
            if "latency" not in entry or scenario.cold or scenario.key == "robots":
                continue
            say(f"{scenario.key}: SQL floor" + (" and naive ORM" if scenario.fragments else ""))
            slow = entry["latency"]["p50_ms"] > args.slow * 1000
            requests = scenario.requests(samples)[: 1 if slow else min(3, scenario.samples)]
            entry["sql"] = measure_sql(requests, raw)
            if scenario.fragments:
                entry["naive_orm"] = measure_naive(scenario.fragments(samples)[:3])
        for entry in results:  # the cold scenario's SQL, with the warm one's inputs
            if entry["key"] == "bulk_check_cold" and "latency" in entry:
                entry["sql_note"] = "see bulk_check_warm (the same statements)"

    by_key_result = {e["key"]: e for e in results}
    derived = []
    page, reference, ratio_target = THROUGHPUT_RATIO
    if "throughput" in by_key_result.get(page, {}) and "throughput" in by_key_result.get(reference, {}):
        ratio = by_key_result[page]["throughput"]["rps"] / by_key_result[reference]["throughput"]["rps"]
        derived.append(
            {
                "key": "subject_page_vs_robots",
                "title": f"Subject page throughput at {args.clients} clients vs `/robots.txt`",
                "value": round(ratio, 3),
                "unit": "ratio",
                "target": ratio_target,
                "met": ratio >= ratio_target,
            }
        )
    if rss:
        derived.append(
            {
                "key": "worker_rss",
                "title": "gunicorn worker RSS after the run (largest)",
                "value": max(rss),
                "unit": "MB",
                "target": WORKER_RSS_MB,
                "met": max(rss) <= WORKER_RSS_MB,
            }
        )
    run.update(
        config={"clients": args.clients, "seconds": args.seconds, "latency_budget_s": args.latency_budget},
        samples={k: [(f.text, f.hits) for f in v] for k, v in samples.fragments.items()}
        | {"heavy": list(zip(samples.heavy, samples.heavy_records, strict=True))},
        scenarios=results,
        derived=derived,
        load_after=load_average(),
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"scenarios-{args.label}.json"
    path.write_text(json.dumps(run, ensure_ascii=False, indent=1) + "\n")
    say(f"wrote {path.relative_to(BASE_DIR)}; now: python bench/report.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
