"""Timeliness of 双公示: do licence and penalty decisions reach the portal
within 7 working days of the decision?

The import stores when each record arrived (`Record.arrived_at`); this module
counts, per source and category, how many arrived in time. The working days
are those of the official calendar (repair.workdays), which is why this lives
beside it and not in `disclosure`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate

from disclosure.models import Record
from disclosure.periods import BEIJING
from repair import workdays

# 双公示: administrative licences and penalties, within 7 working days.
DOUBLE_PUBLICITY_CATEGORIES = ("admin_license", "admin_penalty")
DEADLINE_WORKDAYS = 7


@dataclass
class TimelinessRow:
    source: str
    category: str
    category_name: str
    total: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.total - self.on_time

    @property
    def on_time_percent(self) -> float:
        return 100.0 * self.on_time / self.total if self.total else 0.0


def publication_timeliness(*, decided_from: dt.date, decided_to: dt.date) -> list[TimelinessRow]:
    """Per source and category, records decided in the range that arrived
    within 7 working days of their decision date (the decision day itself is
    not counted, as for every deadline here)."""
    groups = (
        Record.objects.filter(
            category__code__in=DOUBLE_PUBLICITY_CATEGORIES, decided_on__gte=decided_from, decided_on__lte=decided_to
        )
        # The Beijing date of arrival, whatever the database's time zone.
        .annotate(arrived_on=TruncDate("arrived_at", tzinfo=BEIJING))
        .values("source", "category__code", "category__name", "decided_on", "arrived_on")
        .annotate(count=Count("id"))
        .order_by()
    )
    calendar = workdays.Calendar()
    deadlines: dict[dt.date, dt.date] = {}
    rows: dict[tuple[str, str], TimelinessRow] = {}
    for group in groups:
        decided_on = group["decided_on"]
        if decided_on not in deadlines:
            deadlines[decided_on] = workdays.add_workdays(decided_on, DEADLINE_WORKDAYS, calendar=calendar)
        key = (group["source"], group["category__code"])
        row = rows.setdefault(key, TimelinessRow(group["source"], key[1], group["category__name"]))
        row.total += group["count"]
        if group["arrived_on"] <= deadlines[decided_on]:
            row.on_time += group["count"]
    return sorted(rows.values(), key=lambda row: (row.source, row.category))
