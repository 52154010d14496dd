"""Measure periods are whole months (ม.ค.๖๕ – มี.ค.๖๕); a measure's status follows from them.

Pure functions, tested without a database. A period's month is stored as its first day.
"""

from __future__ import annotations

import datetime as dt

from ita.lib.thai import month_short_th


class Status:
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_day(month: dt.date) -> dt.date:
    """The last day of the month that ``month`` falls in."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def status_on(
    start: dt.date | None, end: dt.date | None, done_on: dt.date | None, today: dt.date
) -> str:
    """Done once marked done; otherwise planned before the first month, overdue after the last.

    A measure without a period cannot be late: it stays planned (the report checks flag it).
    """
    if done_on is not None:
        return Status.DONE
    if end is not None and today > last_day(end):
        return Status.OVERDUE
    if start is not None and today >= first_of_month(start):
        return Status.IN_PROGRESS
    return Status.PLANNED


def period_th(start: dt.date | None, end: dt.date | None) -> str:
    """ม.ค.๖๕ – มี.ค.๖๕, as the report prints it; one month alone when start and end agree."""
    if start is None or end is None:
        return ""
    if first_of_month(start) == first_of_month(end):
        return month_short_th(start)
    return f"{month_short_th(start)} – {month_short_th(end)}"
