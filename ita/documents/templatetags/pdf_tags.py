"""Filters for the official documents: every number in Thai digits."""

from decimal import Decimal, InvalidOperation

from django import template

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
