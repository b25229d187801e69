"""The benchmark harness's pure parts: statistics, the data set's shape, the
generated report. (Speed itself is measured by bench/run_scenarios.py, never
by a timed test.)"""

from __future__ import annotations

import datetime as dt

import pytest

from bench import report
from bench.dataset import ScaleDataset, copy_value, public_key_for
from bench.loadgen import percentile


def test_percentiles_interpolate_between_ranks_like_numpy() -> None:
    samples = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(samples, 0.5) == 30.0
    assert percentile(samples, 0.95) == pytest.approx(48.0)
    assert percentile(samples, 0.99) == pytest.approx(49.6)
    assert percentile([7.0], 0.99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_copy_values_are_escaped_for_postgresql_text_format() -> None:
    assert copy_value(None) == "\\N"
    assert copy_value(True) == "t"
    assert copy_value("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert copy_value({"名": "值"}) == '{"名": "值"}'
    assert copy_value(dt.date(2026, 2, 28)) == "2026-02-28"


def test_public_keys_are_distinct_hex_of_sixteen_characters() -> None:
    keys = {public_key_for(n) for n in range(1, 50_001)}
    assert len(keys) == 50_000
    assert all(len(k) == 16 and int(k, 16) >= 0 for k in list(keys)[:100])


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_subjects_with_realistic_name_fragments() -> None:
    def build() -> list[str]:
        data = ScaleDataset(subjects=3000, records=0, listings=0, reference=dt.date(2026, 11, 29))
        return [line for chunk in data.subject_chunks() for line in chunk.lines]

    first, second = build(), build()
    assert first == second
    names = [line.split("\t")[4] for line in first]  # search_name
    share = {fragment: sum(fragment in name for name in names) / len(names) for fragment in ("有限", "科技", "福清")}
    # Legal forms are common, a trade word about one name in ten, one
    # county among ~2,800 rare.
    assert share["有限"] > 0.5
    assert 0.04 < share["科技"] < 0.2
    assert share["福清"] < 0.005


def _scenario_run(label: str, date: str, p95: float, rps: float) -> dict:
    return {
        "kind": "scenarios",
        "label": label,
        "date": date,
        "_file": f"scenarios-{label}.json",
        "git": {"branch": label, "commit": "0" * 40, "dirty": False},
        "machine": {"cpu": "CPU", "cores": 2, "memory_gib": 23.5, "python": "3.11"},
        "scenarios": [
            {
                "key": "subject_page",
                "group": "pages",
                "title": "Subject page",
                "target_p95_ms": 25.0,
                "latency": {"n": 20, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95, "max_ms": p95},
                "errors": 0,
                "statuses": {"200": 20},
                "throughput": {"rps": rps, "clients": 4},
                "met": p95 <= 25.0,
            }
        ],
        "derived": [
            {
                "key": "subject_page_vs_robots",
                "title": "ratio",
                "value": 0.067,
                "unit": "ratio",
                "target": 0.4,
                "met": False,
            }
        ],
    }


def test_the_report_shows_the_latest_run_against_its_targets_and_compares_runs() -> None:
    text = report.render(
        {
            "scenarios": [
                _scenario_run("baseline", "2026-11-29T10:00:00+00:00", 545.0, 180.0),
                _scenario_run("after", "2026-11-30T10:00:00+00:00", 12.0, 1200.0),
            ],
            "import": [
                {
                    "kind": "import",
                    "label": "importer",
                    "date": "2026-11-30",
                    "_file": "import-importer.json",
                    "target_rows_per_s": 20000,
                    "runs": [{"title": "first import", "rows": 1_000_000, "wall_s": 45.0, "rows_per_s": 22222}],
                }
            ],
        }
    )
    assert "Latest run: **after**" in text
    assert "| Subject page | 25.0 | 6.0 | 12.0 |" in text
    assert "✅ met" in text and "❌ missed" in text  # the page met, the ratio missed
    assert "| Subject page | 25.0 | 545 | 12.0 |" in text  # runs compared
    assert "≥ 20,000: ✅ met" in text
    assert "do not edit by hand" in text


def test_the_report_refuses_results_it_cannot_render() -> None:
    with pytest.raises(SystemExit):
        report.render({"mystery": [{"kind": "mystery"}]})


def test_performance_md_is_generated_from_the_committed_results() -> None:
    results = report.load_results()
    if not results:
        pytest.skip("no results committed yet")
    assert report.OUTPUT.read_text() == report.render(results), "run: python bench/report.py"
