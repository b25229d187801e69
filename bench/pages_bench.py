"""Benchmark of the subject page, the API subject detail, the bulk check and
the change feed, through gunicorn with production settings on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_x python bench/pages_bench.py [--prepare] [--workers 5]

`--prepare` gives one subject (USCC 91350181MA0000BHG + check character, idempotent) 3,000
records through `import_records`, as a source department would. The run then
measures, each against a trivial view (/robots.txt) through the same server:

* latency with one client (p50/p95/p99, ms, client side: includes the
  loopback connection);
* throughput with `--clients` concurrent clients (requests/second).

Subjects: the big one, and an ordinary one (the first enterprise with 1–5
disclosed records). `--cold` clears the shared cache before each request
(needs CACHE_URL) so that the figures are for pages seen for the first time.
The load generator runs on the same machine: compare ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

BIG_USCC = "91350181MA0000BHG"  # the check character is computed


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditportal.settings")
    import django

    django.setup()


def big_code() -> str:
    from stdnum.cn import uscc

    body = BIG_USCC[:17]
    return body + uscc.calc_check_digit(body)


def prepare(records: int) -> None:
    """One subject with `records` records (mostly penalties), via the importer."""
    code = big_code()
    kinds = [("admin_penalty", "general")] * 6 + [("admin_penalty", "serious")] * 2 + [("admin_license", "")] * 2
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=300)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "source_id",
                "uscc",
                "subject_name",
                "subject_type",
                "category",
                "severity",
                "document_no",
                "decided_on",
                "authority",
                "summary",
            ]
        )
        for n in range(records):
            category, severity = kinds[n % len(kinds)]
            decided = start + dt.timedelta(days=n % 290)
            writer.writerow(
                [
                    f"BIG{n:05d}",
                    code,
                    "福清市大量记录示例贸易有限公司",
                    "enterprise",
                    category,
                    severity,
                    f"融市监罚〔{decided.year}〕{n}号",
                    decided.isoformat(),
                    "福清市市场监督管理局",
                    "未按规定期限公示年度报告，责令改正并处罚款。",
                ]
            )
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "import_records", fh.name, "--source", "pages-bench"],
        check=True,
        cwd=BASE_DIR,
    )
    os.unlink(fh.name)


def ordinary_code() -> str:
    _django()
    from django.db.models import Count

    from disclosure.models import Record, Subject

    ids = (
        Record.objects.disclosed_on(dt.datetime.now(dt.UTC).date())
        .filter(subject__subject_type="enterprise")
        .values("subject_id")
        .annotate(n=Count("id"))
        .filter(n__gte=1, n__lte=5)
        .order_by("subject_id")
        .values_list("subject_id", flat=True)[:1]
    )
    return Subject.objects.get(pk=ids[0]).uscc


def codes_for_check(n: int) -> list[str]:
    _django()
    from disclosure.models import Subject

    return list(Subject.objects.filter(uscc__isnull=False).order_by("?").values_list("uscc", flat=True)[:n])


class Server:
    def __init__(self, port: int, workers: int) -> None:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 50),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "API_ANON_RATE": "100000000/min",
            "LOG_LEVEL": "WARNING",
        }
        self.port = port
        subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
            check=True,
            cwd=BASE_DIR,
            env=env,
        )
        self.proc = subprocess.Popen(
            [
                str(BASE_DIR / ".venv/bin/gunicorn"),
                "creditportal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
        )
        for _ in range(100):
            try:
                self.request("GET", "/robots.txt")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def latency(server: Server, method: str, path: str, body: bytes | None, n: int, before=None) -> list[float]:
    times = []
    for _ in range(n):
        if before:
            before()
        began = time.perf_counter()
        status, data = server.request(method, path, body)
        times.append((time.perf_counter() - began) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: {status} {data[:200]!r}")
    return times


def throughput(server: Server, method: str, path: str, body: bytes | None, clients: int, seconds: float) -> float:
    count = [0] * clients
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        while time.monotonic() < stop:
            server.request(method, path, body)
            count[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(count) / (time.monotonic() - began)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prepare", action="store_true", help="give the big subject its 3,000 records first")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="per latency scenario")
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput scenario")
    parser.add_argument("--cold", action="store_true", help="clear the cache before every timed request")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    if args.prepare:
        prepare(args.records)
    ordinary = ordinary_code()
    big = big_code()
    check_body = json.dumps({"codes": codes_for_check(1000)}).encode()
    clear = None
    if args.cold:
        from django.core.cache import cache

        clear = cache.clear
    scenarios = [
        ("robots", "GET", "/robots.txt", None, True),
        ("subject_page", "GET", f"/subjects/{ordinary}/", None, True),
        ("subject_page_3000", "GET", f"/subjects/{big}/", None, True),
        ("subject_group_3000", "GET", f"/subjects/{big}/?group=penalty&page=7", None, True),
        ("api_subject", "GET", f"/api/v1/subjects/{ordinary}/", None, True),
        ("api_subject_3000", "GET", f"/api/v1/subjects/{big}/", None, True),
        ("bulk_check_1000", "POST", "/api/v1/checks/", check_body, False),
        ("changes_1000", "GET", "/api/v1/changes/?limit=1000", None, False),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in scenarios if s[0] in wanted or s[0] == "robots"]
    server = Server(args.port, args.workers)
    try:
        rows = []
        for name, method, path, body, rate in scenarios:
            latency(server, method, path, body, 5)  # warm the workers
            n = args.requests if rate else max(20, args.requests // 10)
            times = latency(server, method, path, body, n, before=clear)
            rps = throughput(server, method, path, body, args.clients, args.seconds) if rate and not clear else None
            rows.append((name, pct(times, 50), pct(times, 95), pct(times, 99), statistics.mean(times), rps))
        load = os.getloadavg()[0]
        print(
            f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, gunicorn --workers {args.workers}, {args.clients} clients, "
            f"load before {load:.2f}{', cold cache' if args.cold else ''}"
        )
        print(f"{'scenario':22} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8} {'req/s':>8} {'vs robots':>9}")
        base = rows[0][5]
        for name, p50, p95, p99, mean, rps in rows:
            ratio = f"{100 * rps / base:.0f} %" if rps and base else ""
            rate = f"{rps:8.0f}" if rps else f"{'':8}"
            print(f"{name:22} {p50:8.1f} {p95:8.1f} {p99:8.1f} {mean:8.1f} {rate} {ratio:>9}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
