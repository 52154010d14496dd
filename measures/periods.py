"""Measure periods are whole months (ม.ค.๖๕ – มี.ค.๖๕); a measure's status follows from them.

Pure functions, tested without a database. A period's month is stored as its first day.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Q, Value, When

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


# A measure's fields as the status rules read them: start_month, end_month, done_on.
Fields = dict[str, dt.date | None]


def status_rules(today: dt.date) -> list[tuple[str, dict[str, object]]]:
    """The one definition of a measure's status on ``today``: the first rule whose lookups all
    hold gives it, else it is planned. Done once marked done; otherwise overdue after the
    period's last month, in progress from its first month on. A measure without a period cannot
    be late: it stays planned (the report checks flag it).

    The lookups are Django's, so the same rules filter and annotate in SQL (``status_q``,
    ``status_case``) and decide in Python (``status_on``)."""
    this_month = first_of_month(today)
    return [
        (Status.DONE, {"done_on__isnull": False}),
        (Status.OVERDUE, {"end_month__lt": this_month}),
        (Status.IN_PROGRESS, {"start_month__lt": add_months(this_month, 1)}),
    ]


def _holds(fields: Fields, lookups: dict[str, object]) -> bool:
    """A rule's lookups on a measure's values, as the database reads them (NULL is never less
    than anything)."""
    for lookup, wanted in lookups.items():
        name, op = lookup.rsplit("__", 1)
        value = fields[name]
        if op == "isnull":
            if (value is None) != wanted:
                return False
        elif op == "lt":
            if value is None or not (isinstance(wanted, dt.date) and value < wanted):
                return False
        else:
            raise ValueError(f"no such lookup in the status rules: {lookup}")
    return True


def status_on(
    start: dt.date | None, end: dt.date | None, done_on: dt.date | None, today: dt.date
) -> str:
    fields: Fields = {"start_month": start, "end_month": end, "done_on": done_on}
    for status, lookups in status_rules(today):
        if _holds(fields, lookups):
            return status
    return Status.PLANNED


def status_q(status: str, today: dt.date) -> Q:
    """The measures whose status on ``today`` is ``status``, as a filter: its rule holds and no
    earlier one does."""
    q = Q()
    for name, lookups in status_rules(today):
        if name == status:
            return q & Q(**lookups)
        q &= ~Q(**lookups)
    return q  # planned: no rule holds


def status_case(today: dt.date) -> Case:
    """Each measure's status on ``today`` as an SQL expression (``MeasureQuerySet.with_status``)."""
    return Case(
        *(When(Q(**lookups), then=Value(name)) for name, lookups in status_rules(today)),
        default=Value(Status.PLANNED),
        output_field=CharField(),
    )


def period_th(start: dt.date | None, end: dt.date | None) -> str:
    """ม.ค.๖๕ – มี.ค.๖๕, as the report prints it; one month alone when start and end agree."""
    if start is None or end is None:
        return ""
    if first_of_month(start) == first_of_month(end):
        return month_short_th(start)
    return f"{month_short_th(start)} – {month_short_th(end)}"
