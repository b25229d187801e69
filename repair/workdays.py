"""The official working-day calendar and the deadlines counted in it.

Working days follow the State Council's annual holiday notice: weekends and
public holidays are off, and make-up working days (调休) on a weekend are on.
Where staff have entered a year's official schedule (OfficialYear), it is
used; otherwise the `chinesecalendar` package's data; for a year neither
knows (the package raises NotImplementedError, e.g. for 2027 in version
1.11), weekends only, and `years_without_schedule` lets the staff UI warn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import chinese_calendar

from repair.models import OfficialDay, OfficialYear

# The longest run of days off (Spring Festival + weekends) is under 15 days;
# a loop that goes further means the calendar data is broken.
_MAX_SCAN = 60


class Calendar:
    """Answers is_workday() for any date, loading each year's schedule once."""

    def __init__(self) -> None:
        self._entered: dict[int, dict[dt.date, bool] | None] = {}

    def _entered_year(self, year: int) -> dict[dt.date, bool] | None:
        if year not in self._entered:
            if OfficialYear.objects.filter(year=year).exists():
                self._entered[year] = {
                    day.date: day.kind == OfficialDay.Kind.WORKDAY
                    for day in OfficialDay.objects.filter(date__year=year)
                }
            else:
                self._entered[year] = None
        return self._entered[year]

    def source(self, year: int) -> str:
        """'entered', 'package' or 'weekends' (no official schedule known)."""
        if self._entered_year(year) is not None:
            return "entered"
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            return "weekends"
        return "package"

    def is_workday(self, day: dt.date) -> bool:
        entered = self._entered_year(day.year)
        if entered is not None:
            return entered.get(day, day.weekday() < 5)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    return Calendar().is_workday(day)


def add_workdays(start: dt.date, count: int, *, calendar: Calendar | None = None) -> dt.date:
    """The `count`-th working day after `start` (`start` itself is not counted).

    "Within 10 working days of the application" (NDRC Order 36): an
    application filed on a holiday starts counting on the next working day.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    calendar = calendar or Calendar()
    day = start
    found = 0
    scanned = 0
    while found < count:
        day += dt.timedelta(days=1)
        scanned += 1
        if calendar.is_workday(day):
            found += 1
            scanned = 0
        if scanned > _MAX_SCAN:
            raise RuntimeError(f"no working day within {_MAX_SCAN} days after {day}: calendar data is wrong")
    return day


def next_workday(start: dt.date, *, calendar: Calendar | None = None) -> dt.date:
    return add_workdays(start, 1, calendar=calendar)


def years_without_schedule(years: Iterable[int]) -> list[int]:
    """The years among `years` for which only weekends are known."""
    calendar = Calendar()
    return sorted({year for year in years if calendar.source(year) == "weekends"})
