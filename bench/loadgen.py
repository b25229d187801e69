"""A small HTTP load generator for loopback benchmarks (no dependencies).

Each request opens a connection, sends prebuilt bytes and reads the response
to the end (gunicorn's sync workers close the connection after each one), so
a client costs a few dozen microseconds of Python per request: far below the
server's cost even for /robots.txt. Requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""

    def raw(self, host: str, port: int) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        if self.body:
            lines += [f"Content-Type: {self.content_type}", f"Content-Length: {len(self.body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + self.body


@dataclass
class Response:
    status: int
    seconds: float
    size: int


def send(request: Request, *, host: str = "127.0.0.1", port: int, timeout: float = 120.0) -> Response:
    """One request; the time is from connecting to the last byte."""
    data = request.raw(host, port)
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    seconds = time.perf_counter() - started
    payload = b"".join(chunks)
    try:
        status = int(payload[9:12])
    except ValueError:
        status = 0
    return Response(status=status, seconds=seconds, size=len(payload))


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the samples fall, interpolated
    linearly between the two nearest ranks (numpy's default method)."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
    }


def throughput(
    requests: Sequence[Request], *, port: int, clients: int, seconds: float
) -> dict[str, float | int | dict[str, int]]:
    """`clients` threads send requests back to back (cycling through the
    list) for `seconds`; returns requests/second and the latencies seen."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    position = [0]

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                request = requests[position[0] % len(requests)]
                position[0] += 1
            response = send(request, port=port)
            with lock:
                latencies.append(response.seconds)
                statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    result: dict[str, float | int | dict[str, int]] = {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "statuses": statuses,
    }
    if latencies:
        result.update({f"under_load_{k}": v for k, v in summary_ms(latencies).items() if k != "n"})
    return result
