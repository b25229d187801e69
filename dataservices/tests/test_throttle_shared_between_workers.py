"""The anonymous API limit holds across server processes.

bin/run starts two gunicorn workers and no cache server: the throttle's
counters must live where both see them (a file-based cache under VAR_DIR
unless CACHE_URL names a shared one), not in each process's memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from dataservices.throttling import AnonymousRateThrottle
request = Request(APIRequestFactory().get("/api/v1/lists/", REMOTE_ADDR="203.0.113.9"))
print([AnonymousRateThrottle().allow_request(request, None) for _ in range(2)])
"""


def worker(tmp_path: Path) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DATABASE_URL", "DEBUG"}}
    environment.update(VAR_DIR=str(tmp_path), API_ANON_RATE="3/min", DEBUG="true")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_two_worker_processes_count_against_one_limit(tmp_path):
    assert worker(tmp_path) == "[True, True]"
    # Another process, the same client: its third request in the minute is refused.
    assert worker(tmp_path) == "[True, False]"
