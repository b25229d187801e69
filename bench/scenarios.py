"""The benchmark's scenarios: a registry that other changes extend.

A scenario turns the data set's samples into HTTP requests, each one a
first-time input (a name fragment, a subject, a set of codes not asked for
before in the run), and carries issue 9's target. `bench/run_scenarios.py`
measures every registered scenario; to add one, call `register(Scenario(...))`
at the bottom of this module (or in a module imported by it).

Samples come from the database itself (`Samples.load`): subjects with and
without many records, name fragments sorted into classes by their real hit
counts, code sets for the bulk check, positions in the change feed. They are
computed once per database and kept in bench/data/ (git-ignored).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from bench.loadgen import Request

BASE_DIR = Path(__file__).resolve().parent.parent
SAMPLE_VERSION = 2
# Fragment classes by their share of current names (issue 9: common ones
# hit ~10 %, rare ones a few hundred to a few thousand of 2 million).
COMMON_MIN_SHARE = 0.025
RARE_MIN_HITS = 50
RARE_MAX_SHARE = 0.0025
# Named in issue 9: measured first in their class when they fall in it.
PREFERRED = ["科技", "有限", "福清", "鼓楼", "有限公", "东方科技"]
NO_MATCH = ["龘靐", "齉龘", "靐齾", "爨灩", "龘靐齉", "齾爨灩", "齉龘靐爨", "灩齾爨龘"]


@dataclass
class Fragment:
    text: str
    hits: int


@dataclass
class Samples:
    database: str
    subjects: int
    ordinary: list[str]  # USCCs of subjects with a few records, each used once
    heavy: list[str]  # USCCs of the subjects with the most records
    heavy_records: list[int]
    fragments: dict[str, list[Fragment]]  # class -> fragments
    code_sets: list[list[str]]  # disjoint sets of 1,000 codes
    feed_positions: list[tuple[int, int]]  # (txid, id) spread over the history
    version: int = SAMPLE_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: psycopg.Connection, *, cache_dir: Path, progress: Callable[[str], None]) -> Samples:
        database = conn.info.dbname
        top = conn.execute("SELECT coalesce(max(id), 0) FROM disclosure_subject").fetchone()[0]
        path = cache_dir / f"samples-{database}.json"
        if path.exists():
            data = json.loads(path.read_text())
            if data.get("version") == SAMPLE_VERSION and data.get("subjects") == top:
                data["fragments"] = {k: [Fragment(**f) for f in v] for k, v in data["fragments"].items()}
                data["feed_positions"] = [tuple(p) for p in data["feed_positions"]]
                return cls(**data)
        samples = _build_samples(conn, database=database, top=top, progress=progress)
        cache_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(samples), ensure_ascii=False, indent=1))
        return samples


def _build_samples(conn: psycopg.Connection, *, database: str, top: int, progress: Callable[[str], None]) -> Samples:
    rng = random.Random(f"samples:{database}:{top}")
    progress("sampling subjects")
    ids = rng.sample(range(1, top + 1), min(top, 12_000))
    rows = conn.execute(
        """SELECT s.id, s.uscc, (SELECT count(*) FROM disclosure_record r WHERE r.subject_id = s.id)
           FROM disclosure_subject s WHERE s.id = ANY(%s) AND s.uscc IS NOT NULL""",
        [ids],
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    ordered = [by_id[i] for i in ids if i in by_id]
    ordinary = [uscc for _, uscc, n in ordered if 1 <= n <= 20][:600]
    codes = [uscc for _, uscc, _n in ordered if uscc not in set(ordinary)]
    code_sets = [codes[i : i + 1000] for i in range(0, len(codes) - 999, 1000)][:8]

    progress("finding the subjects with the most records")
    heavy = conn.execute(
        """SELECT s.uscc, c.n FROM (SELECT subject_id, count(*) AS n FROM disclosure_record
           GROUP BY subject_id ORDER BY n DESC LIMIT 5) c JOIN disclosure_subject s ON s.id = c.subject_id
           WHERE s.uscc IS NOT NULL ORDER BY c.n DESC"""
    ).fetchall()

    progress("counting name fragments")
    names = [
        row[0]
        for row in conn.execute(
            "SELECT search_name FROM disclosure_subject WHERE id = ANY(%s)",
            [rng.sample(range(1, top + 1), min(top, 50_000))],
        )
    ]
    fragments = _fragment_classes(conn, names=names, total=top, rng=rng, progress=progress)

    progress("positions in the change feed")
    last = conn.execute("SELECT coalesce(max(id), 0) FROM disclosure_disclosureevent").fetchone()[0]
    positions = []
    for share in (0.2, 0.35, 0.5, 0.65, 0.8, 0.3, 0.45, 0.6, 0.75, 0.9):
        row = conn.execute(
            "SELECT txid, id FROM disclosure_disclosureevent WHERE id >= %s ORDER BY id LIMIT 1", [int(last * share)]
        ).fetchone()
        if row:
            positions.append((row[0], row[1]))
    return Samples(
        database=database,
        subjects=top,
        ordinary=ordinary,
        heavy=[h[0] for h in heavy],
        heavy_records=[h[1] for h in heavy],
        fragments=fragments,
        code_sets=code_sets,
        feed_positions=positions,
    )


def _count(conn: psycopg.Connection, text: str) -> int:
    # The set the search must answer: current names containing the fragment.
    return conn.execute("SELECT count(*) FROM disclosure_subject WHERE search_name LIKE %s", [f"%{text}%"]).fetchone()[
        0
    ]


def _fragment_classes(
    conn: psycopg.Connection, *, names: list[str], total: int, rng: random.Random, progress: Callable[[str], None]
) -> dict[str, list[Fragment]]:
    """Up to 6 fragments per (length, common/rare) class and the no-match
    ones, each with its exact hit count (one scan of the names per fragment)."""
    scale = total / max(1, len(names))
    classes: dict[str, list[Fragment]] = {}
    for length in (2, 3, 4):
        grams: Counter[str] = Counter()
        for name in names:
            grams.update({name[i : i + length] for i in range(len(name) - length + 1)})
        # Only CJK fragments: what people type.
        cjk = {g: n for g, n in grams.items() if all("\u4e00" <= ch <= "\u9fff" for ch in g)}
        common_min, rare_max = COMMON_MIN_SHARE * total, RARE_MAX_SHARE * total
        common = [g for g, n in sorted(cjk.items(), key=lambda kv: (-kv[1], kv[0])) if n * scale >= common_min]
        # Estimates from a sample: aim inside the band, then count exactly.
        rare = sorted(g for g, n in cjk.items() if 2 * RARE_MIN_HITS <= n * scale <= rare_max / 2)
        rng.shuffle(rare)
        for label, candidates in (("common", common), ("rare", rare)):
            chosen = [p for p in PREFERRED if len(p) == length and p in candidates]
            chosen += [c for c in candidates if c not in chosen]
            found: list[Fragment] = []
            for text in chosen[:12]:
                hits = _count(conn, text)
                low, high = (common_min, total) if label == "common" else (RARE_MIN_HITS, rare_max)
                if low <= hits <= high:
                    found.append(Fragment(text, hits))
                if len(found) == 6:
                    break
            classes[f"{length}_{label}"] = found
            progress(f"  {length}-character {label}: {', '.join(f'{f.text} {f.hits:,}' for f in found)}")
        classes[f"{length}_none"] = [Fragment(t, _count(conn, t)) for t in NO_MATCH if len(t) == length]
    return classes


# --- The registry -------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Issue 9's target for a scenario: a p95 latency bound, in ms."""

    p95_ms: float
    note: str = ""


@dataclass(frozen=True)
class Scenario:
    key: str
    group: str
    title: str
    # The distinct first-time requests of the latency run (at most `samples`
    # are sent); the throughput run cycles through them.
    requests: Callable[[Samples], list[Request]]
    target: Target | None = None
    expect: tuple[int, ...] = (200,)
    samples: int = 20
    # A name fragment per request: the naive ORM version is timed for these.
    fragments: Callable[[Samples], list[str]] | None = None
    # "cold": before each request of the latency run, the operating system's
    # cache of the record table and its indexes is dropped (see run_scenarios).
    cold: bool = False
    # Requests sent once before the latency run (to measure "already read").
    warm: bool = False
    throughput: bool = True


SCENARIOS: list[Scenario] = []


def register(scenario: Scenario) -> Scenario:
    if any(s.key == scenario.key for s in SCENARIOS):
        raise ValueError(f"scenario {scenario.key!r} registered twice")
    SCENARIOS.append(scenario)
    return scenario


def get(method: str, path: str) -> Request:
    return Request(method, path)


def _search_html(text: str) -> Request:
    return get("GET", f"/search/?q={quote(text)}")


def _search_api(text: str) -> Request:
    return get("GET", f"/api/v1/subjects/?q={quote(text)}")


def _check(codes: list[str]) -> Request:
    return Request("POST", "/api/v1/checks/", json.dumps({"codes": codes}).encode(), "application/json")


def _cursor(position: tuple[int, int]) -> str:
    from disclosure.feed import encode_cursor

    return encode_cursor(position)


# Subjects are taken from disjoint slices of `ordinary`, so no scenario reads
# a subject another one has read before it.
def _ordinary(s: Samples, part: int, n: int = 60) -> list[str]:
    return s.ordinary[part * n : (part + 1) * n]


register(
    Scenario(
        "robots",
        "reference",
        "Trivial view `/robots.txt` (the stack's ceiling)",
        lambda s: [get("GET", "/robots.txt")] * 20,
    )
)
register(
    Scenario(
        "code_lookup_html",
        "lookup",
        "Exact-code search on `/search/` (redirect to the subject)",
        lambda s: [_search_html(code) for code in _ordinary(s, 0)],
        Target(10, "code lookup"),
        expect=(302,),
    )
)
register(
    Scenario(
        "api_subject_detail",
        "lookup",
        "API subject detail `/api/v1/subjects/<uscc>/`",
        lambda s: [get("GET", f"/api/v1/subjects/{code}/") for code in _ordinary(s, 1)],
        Target(10),
    )
)
for _length in (2, 3, 4):
    for _label, _title in (("common", "common"), ("rare", "rare"), ("none", "no match")):
        _class = f"{_length}_{_label}"
        for _surface, _make, _path in (("html", _search_html, "/search/"), ("api", _search_api, "/api/v1/subjects/")):

            def _requests(s: Samples, c: str = _class, make: Callable[[str], Request] = _make) -> list[Request]:
                return [make(f.text) for f in s.fragments.get(c, [])]

            def _texts(s: Samples, c: str = _class) -> list[str]:
                return [f.text for f in s.fragments.get(c, [])]

            register(
                Scenario(
                    f"search_{_class}_{_surface}",
                    "search",
                    f"Name search, {_length} characters, {_title} (`{_path}`)",
                    _requests,
                    Target(30),
                    samples=6,
                    fragments=_texts if _surface == "html" else None,
                )
            )
register(
    Scenario(
        "subject_page",
        "pages",
        "Subject page, ordinary subject",
        lambda s: [get("GET", f"/subjects/{code}/") for code in _ordinary(s, 2)],
        Target(25),
    )
)
register(
    Scenario(
        "subject_page_heavy",
        "pages",
        "Subject page, subject with ~3,000 records",
        lambda s: [get("GET", f"/subjects/{code}/") for code in s.heavy],
        Target(25),
        samples=5,
    )
)
register(
    Scenario(
        "report_pdf",
        "pages",
        "Credit report generation `/subjects/<key>/report.pdf`",
        lambda s: [get("GET", f"/subjects/{code}/report.pdf") for code in _ordinary(s, 3)],
        samples=10,
    )
)
register(
    Scenario(
        "bulk_check_warm",
        "bulk",
        "Bulk check, 1,000 codes already read",
        # The same 1,000 codes, sent once before the timed requests.
        lambda s: [_check(s.code_sets[0])] * 5,
        Target(300),
        samples=5,
        warm=True,
        throughput=False,
    )
)
register(
    Scenario(
        "bulk_check_cold",
        "bulk",
        "Bulk check, 1,000 codes never read before",
        lambda s: [_check(codes) for codes in s.code_sets[1:]],
        Target(300),
        samples=5,
        cold=True,
        throughput=False,
    )
)
register(
    Scenario(
        "feed_first_page",
        "feed",
        "Change feed, first page of 1,000 from the start",
        # The first request is the first read; the others read it again.
        lambda s: [get("GET", "/api/v1/changes/?limit=1000")] * 5,
        samples=5,
    )
)
register(
    Scenario(
        "feed_later_page",
        "feed",
        "Change feed, a later page of 1,000 (cursor in the history)",
        lambda s: [get("GET", f"/api/v1/changes/?limit=1000&cursor={_cursor(p)}") for p in s.feed_positions],
        samples=10,
    )
)

# Derived figures with their own targets (computed by run_scenarios).
THROUGHPUT_RATIO = ("subject_page", "robots", 0.40)  # subject page req/s at 4 clients >= 40 % of robots.txt
WORKER_RSS_MB = 200.0
