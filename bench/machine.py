"""Facts about the machine, the code and the database, for results files.

Every results file under bench/results/ carries them, whichever bench wrote
it (scenarios, import), so that figures are never read without their context.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=BASE_DIR, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def git_facts() -> dict[str, Any]:
    return {
        "commit": _git("rev-parse", "HEAD"),
        "branch": _git("rev-parse", "--abbrev-ref", "HEAD"),
        # Uncommitted changes to tracked files make the commit an approximation.
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def machine_facts() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def database_facts(conn: Any, tables: list[str]) -> dict[str, Any]:
    """Server version and settings that matter, size, exact row counts."""
    version = conn.execute("SHOW server_version").fetchone()[0]
    settings = {
        name: conn.execute(f"SHOW {name}").fetchone()[0]
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit", "max_parallel_workers_per_gather")
    }
    size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    rows = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    return {
        "name": conn.info.dbname,
        "postgresql": version,
        "settings": settings,
        "size_bytes": size,
        "rows": rows,
    }


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
