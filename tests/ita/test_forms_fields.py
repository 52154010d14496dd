"""Dates and months typed with Buddhist-era years: what is accepted, what is refused and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from ita.lib import thai
from ita.lib.fields import ThaiDateField, ThaiMonthField

AUG_25 = dt.date(2021, 8, 25)


@pytest.mark.parametrize(
    "text",
    [
        "25/8/2564",
        "25/08/2564",
        "2564-08-25",
        "25 ส.ค. 2564",
        "25 สค 2564",
        "25ส.ค.64",
        "25 สิงหาคม 2564",
        "25 สิงหาคม พ.ศ. 2564",
        "๒๕/๐๘/๒๕๖๔",
        "๒๕ ส.ค. ๒๕๖๔",
        " 25 / 8 / 2564 ",
        "25-8-2564",
        "25.8.2564",
        "2021-08-25",  # ISO with the CE year, as old links and machines write it
    ],
)
def test_a_date_is_read_in_every_usual_thai_form(text: str) -> None:
    assert thai.parse_date_be(text) == AUG_25


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29/2/2567", dt.date(2024, 2, 29)),  # 2567 = 2024, a leap year
        ("29 ก.พ. 2563", dt.date(2020, 2, 29)),
        ("1/1/2500", dt.date(1957, 1, 1)),
        ("31/12/2700", dt.date(2157, 12, 31)),
        ("31/1/2565", dt.date(2022, 1, 31)),
    ],
)
def test_dates_at_the_edges_are_accepted(text: str, expected: dt.date) -> None:
    assert thai.parse_date_be(text) == expected


@pytest.mark.parametrize(
    ("text", "reason", "year"),
    [
        ("29/2/2566", "day", 2566),  # 2566 = 2023, not a leap year
        ("29/02/2568", "day", 2568),
        ("31/4/2564", "day", 2564),
        ("0/1/2564", "day", 2564),
        ("25/8/2021", "year", 2021),  # a CE year typed by hand
        ("31/12/2499", "year", 2499),
        ("1/1/2701", "year", 2701),
        ("2701-01-01", "year", 2701),
        ("25/13/2564", "format", None),
        ("25 ส.ย. 2564", "format", None),
        ("25/8", "format", None),
        ("yesterday", "format", None),
    ],
)
def test_a_date_that_is_not_one_says_why(text: str, reason: str, year: int | None) -> None:
    with pytest.raises(thai.BadDate) as error:
        thai.parse_date_be(text)
    assert (error.value.reason, error.value.year) == (reason, year)


@pytest.mark.parametrize(
    "text",
    ["ม.ค.65", "ม.ค. 2565", "มกราคม 2565", "01/2565", "1/2565", "2565-01", "๐๑/๒๕๖๕", "2022-01"],
)
def test_a_month_is_read_in_every_usual_thai_form(text: str) -> None:
    assert thai.parse_month_be(text) == dt.date(2022, 1, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("13/2565", "format"), ("ม.ค. 2022", "year"), ("ธ.ค. 2701", "year"), ("ม.ค.", "format")],
)
def test_a_month_that_is_not_one_says_why(text: str, reason: str) -> None:
    with pytest.raises(thai.BadDate) as error:
        thai.parse_month_be(text)
    assert error.value.reason == reason


class _Form(forms.Form):
    day = ThaiDateField(required=False)
    month = ThaiMonthField(required=False)


def test_the_fields_show_buddhist_era_dates_and_no_browser_picker() -> None:
    html = str(_Form(initial={"day": AUG_25, "month": dt.date(2022, 1, 1)}))
    assert 'value="25/08/2564"' in html and 'value="ม.ค. 2565"' in html
    assert 'type="text"' in html and 'type="date"' not in html and 'type="month"' not in html
    assert "placeholder=" in html


def test_typed_text_is_shown_back_as_it_was_read() -> None:
    form = _Form({"day": "๒๕ ส.ค. ๖๔", "month": "1/2565"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": AUG_25, "month": dt.date(2022, 1, 1)}
    assert 'value="25/08/2564"' in str(form["day"]) and 'value="ม.ค. 2565"' in str(form["month"])


def test_empty_is_none_and_required_is_enforced() -> None:
    form = _Form({"day": " ", "month": ""})
    assert form.is_valid() and form.cleaned_data == {"day": None, "month": None}
    assert ThaiDateField().clean("1/1/2564") == dt.date(2021, 1, 1)
    with pytest.raises(forms.ValidationError):
        ThaiDateField().clean("")


def test_errors_name_the_value_in_thai() -> None:
    with translation.override("th"):
        form = _Form({"day": "29/2/2566", "month": "ม.ค. 2022"})
        assert not form.is_valid()
        assert "29/2/2566" in form.errors["day"][0] and "2566" in form.errors["day"][0]
        assert "ม.ค. 2022" in form.errors["month"][0] and "พ.ศ." in form.errors["month"][0]
        form = _Form({"day": "25/8/2021"})
        assert not form.is_valid()
        assert "25/8/2021" in form.errors["day"][0] and "พ.ศ." in form.errors["day"][0]
        form = _Form({"day": "x" * 60})
        assert not form.is_valid() and "x" * 40 in form.errors["day"][0]
