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


def score_as_published(value: Decimal) -> str:
    """A score with the two places the published tables give it, or more where it has them:
    93.5500 is 93.55, 96 is 96.00, 93.5512 stays."""
    places = max(2, -int(value.normalize().as_tuple().exponent))
    return f"{value:.{places}f}"


# Words the documents print that Thai line breaking (libthai's dictionary, through Pango) breaks
# inside (ประ/สิทธิภาพ): printed on one line (ita.documents' ``unbroken`` filter).
UNBREAKABLE = ("ประสิทธิภาพ", "ประสิทธิผล")

_SPACES = re.compile(r"\s+")
# Characters that text recognition and copy-paste scatter inside Thai names.
_INVISIBLE = "\u200b\u200c\u200d\ufeff\u00ad"


def clean_text(value: str) -> str:
    """Collapse whitespace, drop invisible characters, normalise Unicode (NFC)."""
    value = unicodedata.normalize("NFC", value)
    for invisible in _INVISIBLE:
        # Looked for first: most texts have none, and a search is cheaper than a rewrite.
        if invisible in value:
            value = value.replace(invisible, "")
    # NIKHAHIT + SARA AA, as typed or extracted from PDFs, is SARA AM.
    value = value.replace("\u0e4d\u0e32", "\u0e33")
    return _SPACES.sub(" ", value).strip()


def name_key(value: str) -> str:
    """A matching key for organisation and district names: no spaces, no case."""
    return clean_text(value).replace(" ", "").casefold()


# Dates typed into forms: Buddhist-era years, Thai or Arabic digits, numbers or month names.
YEAR_BE_MIN, YEAR_BE_MAX = 2500, 2700


class BadDate(ValueError):
    """Why a typed date or month was refused: ``format``, ``year`` (with the year) or ``day``."""

    def __init__(self, reason: str, year: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.year = year


def _month_key(text: str) -> str:
    return text.replace(".", "").replace(" ", "").casefold()


_MONTH_KEYS = {
    _month_key(name): i + 1
    for names in (MONTHS, MONTHS_SHORT, MONTHS_EN, [m[:3] for m in MONTHS_EN])
    for i, name in enumerate(names)
}
# "พ.ศ." before a year is decoration; "25 สิงหาคม พ.ศ. 2564" is the official way to write a date.
_BE_MARK = re.compile(r"พ\.?\s*ศ\.?")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_TEXT_DATE = re.compile(r"^(\d{1,2})\s*([^\d]+?)\s*(\d{2}|\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_TEXT_MONTH = re.compile(r"^([^\d]+?)\s*(\d{2}|\d{4})$")


def _ce_from_typed(text: str, *, iso: bool) -> int:
    """The Christian-era year of a typed year: BE 2500–2700, or two digits meaning 25xx.

    A four-digit CE year is accepted only in the ISO form (2021-08-25), as machines and old
    links write it; typed by hand in a Thai form, 2021 is almost always a slip for 2564.
    """
    year = int(text)
    if len(text) == 2:
        year += 2500
    elif iso and ce_year(YEAR_BE_MIN) <= year <= ce_year(YEAR_BE_MAX):
        return year
    if not YEAR_BE_MIN <= year <= YEAR_BE_MAX:
        raise BadDate("year", year)
    return ce_year(year)


def _month_number(text: str) -> int:
    month = _MONTH_KEYS.get(_month_key(text))
    if month is None:
        raise BadDate("format")
    return month


def _normalised(text: str) -> str:
    return _BE_MARK.sub(" ", clean_text(arabic_digits(text))).strip()


def parse_date_be(text: str) -> dt.date:
    """25/8/2564, 25/08/2564, 2564-08-25, 25 ส.ค. 2564, 25 สิงหาคม พ.ศ. ๒๕๖๔ → 2021-08-25.

    Raises BadDate saying why: not a date's shape, a year outside BE 2500–2700, or a day the
    month does not have (29 February outside leap years).
    """
    value = _normalised(text)
    if m := _ISO_DATE.match(value):
        year_text, month, day = m.group(1), int(m.group(2)), int(m.group(3))
        year = _ce_from_typed(year_text, iso=True)
    elif m := _NUMERIC_DATE.match(value):
        day, month = int(m.group(1)), int(m.group(2))
        year = _ce_from_typed(m.group(3), iso=False)
    elif m := _TEXT_DATE.match(value):
        day, month = int(m.group(1)), _month_number(m.group(2))
        year = _ce_from_typed(m.group(3), iso=False)
    else:
        raise BadDate("format")
    if not 1 <= month <= 12:
        raise BadDate("format")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadDate("day", be_year(year)) from None


def parse_month_be(text: str) -> dt.date:
    """ม.ค.65, ม.ค. 2565, มกราคม 2565, 01/2565, 2565-01 → 2022-01-01 (a month is its first day)."""
    value = _normalised(text)
    if m := _ISO_MONTH.match(value):
        month = int(m.group(2))
        year = _ce_from_typed(m.group(1), iso=True)
    elif m := _NUMERIC_MONTH.match(value):
        month = int(m.group(1))
        year = _ce_from_typed(m.group(2), iso=False)
    elif m := _TEXT_MONTH.match(value):
        month = _month_number(m.group(1))
        year = _ce_from_typed(m.group(2), iso=False)
    else:
        raise BadDate("format")
    if not 1 <= month <= 12:
        raise BadDate("format")
    return dt.date(year, month, 1)


def date_input_be(day: dt.date) -> str:
    """25/08/2564: how a date field shows a date, ready to be edited."""
    return f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}"


def month_input_be(day: dt.date) -> str:
    """ม.ค. 2565: how a month field shows a month."""
    return f"{MONTHS_SHORT[day.month - 1]} {be_year(day.year)}"
