"""The reading's shortcuts give what the long way gives, for any text: a cell asked whether it is
a number (a name has a letter, so it is not) and a text cleaned (invisible characters looked for
before they are removed)."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from hypothesis import given, settings
from hypothesis import strategies as st

from ita.imports.numbers import parse_decimal
from ita.lib.thai import arabic_digits, clean_text

CELL = st.text(
    alphabet="0123456789๐๑๒๙.,+-−–—＋ \t\u200b\u00adกขฮาำ\u0e4d\u0e32aZe٣",
    max_size=12,
)


def _number_the_long_way(text: str) -> Decimal:
    value = re.sub(r"\s+", "", arabic_digits(clean_text(text)))
    value = value.translate(str.maketrans({"−": "-", "–": "-", "—": "-", "＋": "+"}))
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")
    if not re.match(r"^[+-]?\d{1,6}(\.\d+)?$", value):
        raise ValueError(text)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None


def _outcome(read, text: str) -> object:
    try:
        return read(text)
    except ValueError:
        return ValueError


@settings(max_examples=400, deadline=None)
@given(CELL)
def test_a_cell_reads_as_the_long_way_reads_it(text: str) -> None:
    assert _outcome(parse_decimal, text) == _outcome(_number_the_long_way, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ก า\u0e4d\u0e32\u200b\u200c\u200d\ufeff\u00ad\te\u0301 ", max_size=12))
def test_a_text_is_cleaned_as_the_long_way_cleans_it(text: str) -> None:
    invisible = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
    value = unicodedata.normalize("NFC", text).translate(invisible)
    value = re.sub(r"\s+", " ", value.replace("\u0e4d\u0e32", "\u0e33")).strip()
    assert clean_text(text) == value
