"""Numbers and words of published tables: scores in Thai or Arabic digits, signs, ผ่าน/ไม่ผ่าน.

Part of reading a table (``ita.imports.parsing`` imports these under its own name).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ita.lib.thai import arabic_digits, clean_text

_INTEGER = re.compile(r"^\d{1,6}\.?$")
_DECIMAL = re.compile(r"^[+-]?\d{1,6}(\.\d+)?$")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-", "—": "-", "＋": "+"})


_PLAIN_DECIMAL = re.compile(r"[+-]?\d{1,6}(?:\.\d+)?")
# Any decimal digit (Thai ones too): a text without one is no number, and neither is one with a
# Thai consonant or a Latin letter, which nothing below removes (the names of a row, asked whether
# they are numbers while the line is read).
_ANY_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[ก-ฮA-Za-z]")


def parse_decimal(text: str) -> Decimal:
    """96.76, ๙๖.๗๖, "+33.84", "−7.11", "96,76" → Decimal; ValueError for anything else."""
    if _PLAIN_DECIMAL.fullmatch(text):
        # The common case, without the normalisation below (a nationwide table has 100,000 cells).
        return Decimal(text)
    if not _ANY_DIGIT.search(text) or _LETTER.search(text):
        raise ValueError(text)
    value = re.sub(r"\s+", "", arabic_digits(clean_text(text))).translate(_MINUS_SIGNS)
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")
    if not _DECIMAL.match(value):
        raise ValueError(text)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None


def parse_passed(text: str) -> bool:
    """ผ่าน / ไม่ผ่าน (and English or yes/no forms) → bool; ValueError otherwise."""
    key = clean_text(text).replace(" ", "").casefold()
    if key in {"ผ่าน", "ผ่านเกณฑ์", "pass", "passed", "yes", "y", "true", "1", "✓"}:
        return True
    if key in {"ไม่ผ่าน", "ไม่ผ่านเกณฑ์", "fail", "failed", "no", "n", "false", "0", "✗"}:
        return False
    raise ValueError(text)


_PLACES: dict[str, Decimal] = {}


def quantize(value: Decimal, places: str) -> Decimal:
    step = _PLACES.get(places)
    if step is None:
        step = _PLACES[places] = Decimal(places)
    return value.quantize(step, rounding=ROUND_HALF_UP)


def looks_numeric(text: str) -> bool:
    try:
        parse_decimal(text)
    except ValueError:
        return False
    return True


def looks_integer(text: str) -> bool:
    return bool(_INTEGER.match(arabic_digits(text.strip())))
