"""Date arithmetic of the disclosure rules. Pure functions, no database.

Periods run from the date of the decision document and are counted as the
Civil Code does (arts. 201-202): the decision day itself is not counted, and a
period of N months ends on the day of the N-th following month that
corresponds to the decision date, or on that month's last day when it has no
such day. A penalty decided 2025-08-31 with a 6-month period is disclosed
through 2026-02-28 and gone on 2026-03-01.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """The current date in Asia/Shanghai, whatever the server's clock zone."""
    return timezone.now().astimezone(BEIJING).date()


def beijing_date(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    return moment.astimezone(BEIJING).date()


def add_months(start: dt.date, months: int) -> dt.date:
    """The day `months` months after `start`, clamped to the month's last day."""
    if months < 0:
        raise ValueError("months must not be negative")
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def period_last_day(decided_on: dt.date, months: int) -> dt.date:
    """Last day of a period of `months` months running from `decided_on`.

    Civil Code art. 201: the period starts on the day after the decision, so
    it ends on the corresponding day of the N-th month (art. 202, clamped).
    """
    return add_months(decided_on, months)


def repairable_from(decided_on: dt.date, minimum_months: int) -> dt.date:
    """First day on which repair may be applied for (NDRC Order 36).

    With no minimum period (minor dishonesty) repair is possible as soon as
    the obligations are met, i.e. from the decision date itself; otherwise
    from the day after the minimum period's last day.
    """
    if minimum_months == 0:
        return decided_on
    return period_last_day(decided_on, minimum_months) + dt.timedelta(days=1)
