import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ita.lib import thai


def test_thai_digits_both_ways() -> None:
    assert thai.thai_digits("ตง 78201/123") == "ตง ๗๘๒๐๑/๑๒๓"
    assert thai.arabic_digits("๙๓.๒๖") == "93.26"


def test_official_date_has_full_month_buddhist_year_and_thai_digits() -> None:
    day = dt.date(2021, 8, 25)
    assert thai.date_th(day) == "25 สิงหาคม 2564"
    assert thai.date_th(day, digits=True) == "๒๕ สิงหาคม ๒๕๖๔"
    assert thai.date_en(day) == "25 August 2564 BE"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2020, 9, 30), 2563),
        (dt.date(2020, 10, 1), 2564),
        (dt.date(2021, 8, 25), 2564),
        (dt.date(2021, 9, 30), 2564),
        (dt.date(2021, 10, 1), 2565),
    ],
)
def test_fiscal_year_starts_on_1_october(day: dt.date, year: int) -> None:
    assert thai.fiscal_year_be(day) == year


def test_short_month_as_in_measure_periods() -> None:
    assert thai.month_short_th(dt.date(2022, 1, 1)) == "ม.ค.๖๕"
    assert thai.month_short_th(dt.date(2022, 3, 31), digits=False) == "มี.ค.65"


def test_signed_change() -> None:
    assert thai.signed(Decimal("33.84")) == "+33.84"
    assert thai.signed(Decimal("-7.11")) == "-7.11"
    assert thai.signed(Decimal("0")) == "+0.00"
    assert thai.signed(None) == ""


def test_names_match_despite_spaces_and_sara_am_spelled_in_two_characters() -> None:
    typed = "องค์การบริหารส่วนตำบลสุโสะ"
    extracted = "องค์การบริหารส่วน ต\u0e4d\u0e32บล  สุโสะ\u200b"
    assert thai.name_key(typed) == thai.name_key(extracted)
    assert thai.clean_text("  เมือง   ตรัง ") == "เมือง ตรัง"


def test_template_filters_follow_the_language() -> None:
    template = Template("{{ d|be_date }}|{{ d|thai_date }}|{{ x|score }}|{{ c|signed }}")
    context = Context({"d": dt.date(2021, 8, 25), "x": Decimal("93.2558"), "c": Decimal("26.19")})
    with translation.override("th"):
        assert template.render(context) == "25 สิงหาคม 2564|๒๕ สิงหาคม ๒๕๖๔|93.26|+26.19"
    with translation.override("en"):
        assert template.render(context).startswith("25 August 2564 BE|")


def test_aware_datetimes_show_in_bangkok_time() -> None:
    moment = dt.datetime(2021, 8, 24, 18, 30, tzinfo=dt.UTC)  # 01:30 on the 25th in Bangkok
    with translation.override("th"):
        rendered = Template("{{ m|be_datetime }}").render(Context({"m": moment}))
    assert rendered == "25 สิงหาคม 2564 01:30"


def test_numbers_get_thai_digits_but_latin_identifiers_keep_theirs() -> None:
    # The regulation asks Thai digits for numbers and dates; an OIT item code, COVID-19 or a
    # URL is an identifier, printed (and searched for) as published.
    assert thai.thai_digits("O17 E-Service และ O30 ปี 2564") == "O17 E-Service และ O30 ปี ๒๕๖๔"
    assert thai.thai_digits("โรคติดเชื้อ COVID-19 ระลอกที่ 3") == "โรคติดเชื้อ COVID-19 ระลอกที่ ๓"
    assert thai.thai_digits("ดู https://www.suso.go.th/o17?id=12") == (
        "ดู https://www.suso.go.th/o17?id=12"
    )
    assert thai.thai_digits("admin1@suso.go.th โทร. 075-289689") == (
        "admin1@suso.go.th โทร. ๐๗๕-๒๘๙๖๘๙"
    )
    assert thai.thai_digits("พ.ศ.2564 เวลา 13.30 น. ข้อ 5/1") == "พ.ศ.๒๕๖๔ เวลา ๑๓.๓๐ น. ข้อ ๕/๑"
    assert thai.thai_digits(Decimal("-7.11")) == "-๗.๑๑"
