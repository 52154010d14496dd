import datetime as dt

import pytest

from measures.periods import Status, add_months, last_day, period_th, status_on, status_q

D = dt.date
JAN, MAR = D(2022, 1, 1), D(2022, 3, 1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2021, 12, 31), Status.PLANNED),
        (D(2022, 1, 1), Status.IN_PROGRESS),
        (D(2022, 3, 31), Status.IN_PROGRESS),
        (D(2022, 4, 1), Status.OVERDUE),
    ],
)
def test_status_turns_at_the_month_edges(today: dt.date, expected: str) -> None:
    assert status_on(JAN, MAR, None, today) == expected


def test_a_period_ending_in_february_is_overdue_after_the_leap_day() -> None:
    feb = D(2024, 2, 1)
    assert status_on(feb, feb, None, D(2024, 2, 29)) == Status.IN_PROGRESS
    assert status_on(feb, feb, None, D(2024, 3, 1)) == Status.OVERDUE
    assert status_on(D(2023, 2, 1), D(2023, 2, 1), None, D(2023, 3, 1)) == Status.OVERDUE


def test_a_done_measure_is_done_whatever_the_date() -> None:
    assert status_on(JAN, MAR, D(2022, 5, 1), D(2030, 1, 1)) == Status.DONE


def test_a_measure_without_period_stays_planned() -> None:
    assert status_on(None, None, None, D(2030, 1, 1)) == Status.PLANNED


def test_last_day_and_add_months_cross_years() -> None:
    assert last_day(D(2021, 12, 1)) == D(2021, 12, 31)
    assert last_day(D(2024, 2, 1)) == D(2024, 2, 29)
    assert add_months(D(2021, 11, 1), 3) == D(2022, 2, 1)


def test_period_prints_as_the_seed_does() -> None:
    assert period_th(JAN, MAR) == "ม.ค.๖๕ – มี.ค.๖๕"
    assert period_th(D(2021, 1, 1), D(2021, 3, 1)) == "ม.ค.๖๔ – มี.ค.๖๔"
    assert period_th(JAN, JAN) == "ม.ค.๖๕"
    assert period_th(None, None) == ""


@pytest.mark.django_db
def test_the_database_and_python_give_every_measure_the_same_status() -> None:
    """``Measure.status_on`` and the SQL of the same rules (``with_status``, ``status_q``) agree
    on every kind of measure on every kind of day: before, inside, at the edges and after its
    period, done or not, with a period or without."""
    from measures.models import Measure
    from tests.factories import make_assessment
    from tests.measures.helpers import make_measure

    assessment = make_assessment()
    periods = [(None, None), (JAN, MAR), (MAR, MAR), (D(2024, 2, 1), D(2024, 2, 1))]
    for start, end in periods:
        for done in (None, D(2022, 2, 10)):
            measure = make_measure(assessment, start=start, end=end)
            Measure.objects.filter(pk=measure.pk).update(done_on=done)
    days = [
        D(2021, 12, 31),
        JAN,
        D(2022, 2, 28),
        D(2022, 3, 31),
        D(2022, 4, 1),
        D(2024, 2, 29),
        D(2024, 3, 1),
    ]
    statuses = [Status.PLANNED, Status.IN_PROGRESS, Status.DONE, Status.OVERDUE]
    seen = set()
    for today in days:
        measures = Measure.objects.with_status(today)
        for m in measures:
            assert m.status_code == m.status_on(today), (m.start_month, m.done_on, today)
            seen.add(m.status_code)
        for status in statuses:
            chosen = {m.pk for m in measures if m.status_on(today) == status}
            assert (
                set(Measure.objects.filter(status_q(status, today)).values_list("pk", flat=True))
                == chosen
            )
    assert seen == set(statuses)
