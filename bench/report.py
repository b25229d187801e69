"""Generate docs/PERFORMANCE.md from the results files in bench/results/.

    python bench/report.py            # rewrite docs/PERFORMANCE.md
    python bench/report.py --check    # exit 1 if it is not up to date

Each results file is one JSON object with a `kind`; a renderer per kind
(RENDERERS) turns the files of that kind into a section. Kinds and their
shapes are documented in bench/README.md ("Results files"): `scenarios`
(bench/run_scenarios.py) and `import` (the import bench). The document is
never edited by hand: change the bench or its results and run this again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
OUTPUT = BASE_DIR / "docs" / "PERFORMANCE.md"


def load_results(directory: Path = RESULTS_DIR) -> dict[str, list[dict[str, Any]]]:
    """Results by kind, oldest first (by date, then file name)."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text())
        data["_file"] = path.name
        by_kind.setdefault(data.get("kind", "?"), []).append(data)
    for runs in by_kind.values():
        runs.sort(key=lambda r: (r.get("date", ""), r["_file"]))
    return by_kind


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        return f"{value:,.{digits}f}"
    return str(value)


def met_mark(met: bool | None) -> str:
    return {True: "✅ met", False: "❌ missed", None: "–"}[met]


def context_lines(run: dict[str, Any]) -> list[str]:
    machine = run.get("machine", {})
    git = run.get("git", {})
    lines = [
        f"- Date: {run.get('date', '?')}; code: `{git.get('branch', '?')}` at `{git.get('commit', '?')[:12]}`"
        + (" (with uncommitted changes)" if git.get("dirty") else ""),
        f"- Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('memory_gib', '?')} GiB RAM; Python {machine.get('python', '?')}",
    ]
    if "load_before" in run:
        lines.append(
            f"- Load average (1/5/15 min) before: {' / '.join(map(str, run['load_before']))}; "
            f"after: {' / '.join(map(str, run.get('load_after', [])))} (the machine is shared: read figures with it)"
        )
    database = run.get("database")
    if database:
        settings = database.get("settings", {})
        rows = ", ".join(f"{name.removeprefix('disclosure_')} {count:,}" for name, count in database["rows"].items())
        lines.append(
            f"- PostgreSQL {database.get('postgresql', '?')} "
            + ", ".join(f"{k} {v}" for k, v in settings.items())
            + f"; database `{database.get('name', '?')}`, {database.get('size_bytes', 0) / 1024**3:.1f} GiB"
        )
        lines.append(f"- Rows: {rows}")
    return lines


def render_scenarios(runs: list[dict[str, Any]]) -> list[str]:
    latest = runs[-1]
    server = latest.get("server", {})
    config = latest.get("config", {})
    out = [
        "## Scenarios (issue 9): search, pages, API",
        "",
        f"Latest run: **{latest['label']}** (`bench/results/{latest['_file']}`).",
        "",
        *context_lines(latest),
        f"- Server: `{server.get('command', '?')}` ({server.get('workers', '?')} workers, "
        f"cache backend {server.get('cache', '?')}), DEBUG off, on loopback",
        "",
        "Latency: first-time requests one at a time (each a name fragment, subject or code set the run had not "
        f"asked for before), from connecting to the last byte. Throughput: {config.get('clients', '?')} clients "
        f"for {config.get('seconds', '?')} s cycling through the same requests (so repeated ones may hit caches). "
        "SQL floor: the statements the view ran (captured in-process), run again directly through psycopg, "
        "summed per request. Naive ORM: `Subject.objects.filter(name__icontains=q)`, `count()` and the first "
        "20 rows.",
        "",
        "| scenario | target p95 | p50 ms | p95 ms | p99 ms | req/s | SQL floor p50 ms (queries) "
        "| naive ORM p50 ms | result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in latest.get("scenarios", []):
        if "latency" not in entry:
            note = entry.get("note", "")
            out.append(f"| {entry['title']} | {fmt(entry.get('target_p95_ms'))} | – | – | – | – | – | – | {note} |")
            continue
        latency = entry["latency"]
        sql = entry.get("sql")
        naive = entry.get("naive_orm")
        result = met_mark(entry.get("met"))
        if entry.get("errors"):
            result += f" ({entry['errors']} unexpected statuses: {entry['statuses']})"
        if entry.get("cold"):
            result += f"; {entry['cold']}"
        out.append(
            "| "
            + " | ".join(
                [
                    entry["title"],
                    fmt(entry.get("target_p95_ms")),
                    fmt(latency["p50_ms"]),
                    fmt(latency["p95_ms"]),
                    fmt(latency["p99_ms"]),
                    fmt(entry.get("throughput", {}).get("rps")),
                    f"{fmt(sql['p50_ms'])} ({sql['queries']})" if sql else "–",
                    fmt(naive["p50_ms"]) if naive else "–",
                    result,
                ]
            )
            + " |"
        )
    derived = latest.get("derived", [])
    if derived:
        out += ["", "| derived figure | target | measured | result |", "|---|---|---|---|"]
        for item in derived:
            value = (
                f"{item['value'] * 100:.1f} %" if item["unit"] == "ratio" else f"{fmt(item['value'])} {item['unit']}"
            )
            target = (
                f"≥ {item['target'] * 100:.0f} %"
                if item["unit"] == "ratio"
                else f"≤ {fmt(item['target'])} {item['unit']}"
            )
            out.append(f"| {item['title']} | {target} | {value} | {met_mark(item['met'])} |")
    samples = latest.get("samples", {})
    if samples:
        out += ["", "Inputs (hits among current names):", ""]
        for key, items in samples.items():
            if key == "heavy":
                out.append("- heavy subjects (records): " + ", ".join(f"`{code}` ({n:,})" for code, n in items))
            else:
                length, label = key.split("_", 1)
                out.append(f"- {length}-character, {label}: " + ", ".join(f"{t} ({n:,})" for t, n in items))
    if len(runs) > 1:
        out += ["", "### All runs: p95 in ms; derived figures as measured", ""]
        out.append("| scenario | target | " + " | ".join(f"{r['label']} ({r['date'][:10]})" for r in runs) + " |")
        out.append("|---|---|" + "---|" * len(runs))
        keys: list[tuple[str, str, Any]] = []
        for run in runs:
            for entry in run.get("scenarios", []):
                if entry["key"] not in [k for k, _, _ in keys]:
                    keys.append((entry["key"], entry["title"], entry.get("target_p95_ms")))
        for key, title, target in keys:
            cells = []
            for run in runs:
                entry = next((e for e in run.get("scenarios", []) if e["key"] == key), None)
                cells.append(fmt(entry["latency"]["p95_ms"]) if entry and "latency" in entry else "–")
            out.append(f"| {title} | {fmt(target)} | " + " | ".join(cells) + " |")
        for name in sorted({d["key"] for run in runs for d in run.get("derived", [])}):
            cells = []
            for run in runs:
                item = next((d for d in run.get("derived", []) if d["key"] == name), None)
                cells.append(
                    "–"
                    if item is None
                    else f"{item['value'] * 100:.1f} %"
                    if item["unit"] == "ratio"
                    else fmt(item["value"])
                )
            out.append(f"| {name} | | " + " | ".join(cells) + " |")
    return out


def render_import(runs: list[dict[str, Any]]) -> list[str]:
    out = ["## Import (issue 10)", ""]
    for run in runs:
        target = run.get("target_rows_per_s")
        out += [f"### {run['label']} (`bench/results/{run['_file']}`)", "", *context_lines(run), ""]
        out.append(
            "| run | rows | wall s | rows/s | target | peak RSS MiB | CPU s: Python / PostgreSQL | load | note |"
        )
        out.append("|---|---|---|---|---|---|---|---|---|")
        for item in run.get("runs", []):
            rate = item.get("rows_per_s")
            verdict = met_mark(None if target is None or rate is None else rate >= target)
            out.append(
                "| "
                + " | ".join(
                    [
                        item.get("title", ""),
                        fmt(item.get("rows")),
                        fmt(item.get("wall_s")),
                        fmt(rate),
                        f"≥ {fmt(target)}: {verdict}" if target else "–",
                        fmt(item.get("peak_rss_mib")),
                        f"{fmt(item.get('cpu_python_s'))} / {fmt(item.get('cpu_postgres_s'))}",
                        f"{fmt(item.get('load_before'))} → {fmt(item.get('load_after'))}",
                        item.get("note", ""),
                    ]
                )
                + " |"
            )
        if run.get("command"):
            out += ["", f"Command: `{run['command']}`"]
        out.append("")
    return out


# kind -> section renderer; a new bench adds its kind here.
RENDERERS: dict[str, Callable[[list[dict[str, Any]]], list[str]]] = {
    "scenarios": render_scenarios,
    "import": render_import,
}


def render(by_kind: dict[str, list[dict[str, Any]]]) -> str:
    unknown = sorted(set(by_kind) - set(RENDERERS))
    if unknown:
        raise SystemExit(f"results of unknown kind {unknown}: add a renderer to bench/report.py")
    out = [
        "# Performance",
        "",
        "<!-- Generated by `python bench/report.py` from bench/results/*.json: do not edit by hand. -->",
        "",
        "Generated from the results files in `bench/results/`; how to build the data set and run the "
        "benches: `bench/README.md`. Figures come from a 2-core machine shared with other work: each run "
        "states the load average it ran under.",
        "",
    ]
    for kind in RENDERERS:
        if kind in by_kind:
            out += render_kind(kind, by_kind[kind])
    return "\n".join(out).rstrip() + "\n"


def render_kind(kind: str, runs: list[dict[str, Any]]) -> list[str]:
    return [*RENDERERS[kind](runs), ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the document is up to date")
    args = parser.parse_args()
    text = render(load_results())
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(BASE_DIR)} is out of date: run python bench/report.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
