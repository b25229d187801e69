"""The hash chain of the audit trail (no database access here).

hash = SHA-256 over the canonical JSON (sorted keys, UTF-8, no spaces) of
the entry's content and `prev_hash`; the first entry's `prev_hash` is 64
zeros. Times are hashed as ISO 8601 in UTC with microseconds, the
precision both databases keep.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "ip",
    "channel",
    "action",
    "target_type",
    "target_id",
    "summary",
    "before",
    "after",
    "prev_hash",
)


class Entry(Protocol):
    seq: int
    prev_hash: str
    hash: str


def _canonical(name: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name == "ip" and value:
        # Databases spell addresses their own way (PostgreSQL's inet).
        return ipaddress.ip_address(value).exploded
    return value


def entry_hash(entry: Any) -> str:
    content = {name: _canonical(name, getattr(entry, name)) for name in HASHED_FIELDS}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class Verdict:
    intact: bool
    checked: int
    head: str
    problem: str = ""


def verify(entries: Iterable[Any]) -> Verdict:
    """Walk the entries in `seq` order; stop at the first broken link."""
    previous_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return Verdict(False, checked, previous_hash, f"entry #{expected_seq} is missing (next is #{entry.seq})")
        if entry.prev_hash != previous_hash:
            return Verdict(
                False, checked, previous_hash, f"entry #{entry.seq} does not link to entry #{entry.seq - 1}"
            )
        if entry_hash(entry) != entry.hash:
            return Verdict(False, checked, previous_hash, f"entry #{entry.seq} was changed after it was written")
        previous_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return Verdict(True, checked, previous_hash)
