"""Filters for the official documents: every number in Thai digits."""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ita.lib import thai

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def thai_score(value: object) -> str:
    """๑๐๐ for 100, ๙๙.๔๘ for 99.48 (as the seed report prints scores)."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number:.0f}" if number == number.to_integral_value() else f"{number:.2f}"
    return thai.thai_digits(text)


@register.filter
def thai_published(value: object) -> str:
    """๘๙.๐๐ for 89.00: a score as the NACC publishes it, always with its two decimals."""
    number = _decimal(value)
    return "" if number is None else thai.thai_digits(f"{number:.2f}")


@register.filter
def thai_signed(value: object) -> str:
    """+๒๖.๑๙ / -๗.๑๑: the change against last year."""
    number = _decimal(value)
    return "" if number is None else thai.thai_digits(thai.signed(number))


@lru_cache(maxsize=256)
def _phrases(names: tuple[str, ...]) -> re.Pattern[str] | None:
    escaped = {
        conditional_escape(thai.thai_digits(n)) for n in (*names, *thai.UNBREAKABLE) if n.strip()
    }
    if not escaped:
        return None
    return re.compile("|".join(re.escape(p) for p in sorted(escaped, key=len, reverse=True)))


@register.filter
def unbroken(value: str, names: Iterable[str] = ()) -> SafeString:
    """``value`` escaped, each of ``names`` (and the words of ``thai.UNBREAKABLE``) in it kept on
    one line: Pango breaks Thai where its dictionary finds a word, and a name it does not know
    (สุโสะ) it breaks inside (สุ/โสะ)."""
    text = conditional_escape(value)
    pattern = _phrases(tuple(names or ()))
    if pattern is None:
        return text
    return mark_safe(pattern.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', text))
