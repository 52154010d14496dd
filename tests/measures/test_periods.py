import datetime as dt

import pytest

from measures.periods import Status, add_months, last_day, period_th, status_on

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
