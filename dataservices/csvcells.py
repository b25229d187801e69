"""Cells of the CSV files the portal writes (open data, /check/ download).

Text in them comes from outside (imported names, document numbers,
summaries, codes as typed). Excel and LibreOffice run a cell that starts with
= + - @ as a formula, also after a leading tab or carriage return (CSV
injection, OWASP). Such a cell is written with a leading apostrophe, which
spreadsheets show as text; the JSON Lines files keep the exact text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value` unchanged unless it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
