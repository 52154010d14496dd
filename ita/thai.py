"""Thai text, numbers and dates: the one place for digits, Buddhist-era years and name matching."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

BE_OFFSET = 543

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

MONTHS = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
MONTHS_SHORT = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# A run of Latin letters, digits and the punctuation that joins them in codes, URLs and e-mail
# addresses (O17, COVID-19, www.example.go.th/o17, a1@example.org).
_LATIN_RUN = re.compile(r"[A-Za-z0-9._\-/:@?=&%+#~]+")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _run_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    return run if _LATIN_LETTER.search(run) else run.translate(_TO_THAI)


def thai_digits(value: object) -> str:
    """Numbers and dates in Thai digits, as the correspondence regulation asks.

    Digits written together with Latin letters belong to an identifier, not a number: an OIT
    item code (O17), COVID-19, a URL or an e-mail address keeps its Arabic digits, so it reads
    (and can be typed or searched for) as published. Every other digit becomes a Thai digit.
    """
    return _LATIN_RUN.sub(_run_digits, str(value))


def arabic_digits(value: str) -> str:
    return value.translate(_TO_ARABIC)


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


def fiscal_year_be(day: dt.date) -> int:
    """Thai fiscal year N runs 1 October (N-1) to 30 September N, in the Buddhist Era."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    year = ce_year(year_be)
    return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)


def date_th(day: dt.date | dt.datetime, *, digits: bool = False) -> str:
    """25 สิงหาคม 2564 (with Thai digits when ``digits``)."""
    text = f"{day.day} {MONTHS[day.month - 1]} {be_year(day.year)}"
    return thai_digits(text) if digits else text


def date_en(day: dt.date | dt.datetime) -> str:
    """25 August 2564 BE (2021): the Buddhist year first, as Thai readers expect."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {be_year(day.year)} BE"


def month_short_th(day: dt.date, *, digits: bool = True) -> str:
    """ม.ค.๖๕: the month abbreviation and the Buddhist year's last two digits."""
    text = f"{MONTHS_SHORT[day.month - 1]}{be_year(day.year) % 100:02d}"
    return thai_digits(text) if digits else text


def signed(value: Decimal | float | None, places: int = 2) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):+.{places}f}"


_SPACES = re.compile(r"\s+")
# Characters that text recognition and copy-paste scatter inside Thai names.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


def clean_text(value: str) -> str:
    """Collapse whitespace, drop invisible characters, normalise Unicode (NFC)."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    # NIKHAHIT + SARA AA, as typed or extracted from PDFs, is SARA AM.
    value = value.replace("\u0e4d\u0e32", "\u0e33")
    return _SPACES.sub(" ", value).strip()


def name_key(value: str) -> str:
    """A matching key for organisation and district names: no spaces, no case."""
    return clean_text(value).replace(" ", "").casefold()
