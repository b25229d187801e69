"""The disclosure condition is written once (DESIGN.md: "never a copy")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE_HOME = ROOT / "disclosure" / "models.py"
# Fragments that only the rule itself needs: a copy of the condition in a
# view, serializer, export or feed would contain one of them.
RULE_FRAGMENTS = re.compile(
    r"disclosure_until__gte|disclosure_until__gt\b|ended_on__gt|exited_on__gt|planned_exit_on__gt|publishable=True"
)


def python_sources() -> list[Path]:
    skip = {".venv", "var", "migrations", "tests", "node_modules"}
    return [p for p in ROOT.rglob("*.py") if not skip.intersection(p.relative_to(ROOT).parts)]


def test_no_module_but_the_models_spells_out_the_disclosure_condition():
    copies = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in python_sources()
        if path != RULE_HOME
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RULE_FRAGMENTS.search(line)
    ]
    assert copies == [], "use Record/Listing.objects.disclosed_on() or disclosure.selectors instead"


def test_the_rule_itself_is_found_by_this_check():
    assert RULE_FRAGMENTS.search(RULE_HOME.read_text(encoding="utf-8"))
