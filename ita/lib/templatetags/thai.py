"""Template filters for Thai numbers and Buddhist-era dates (built in to every template)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import overload

from django import template
from django.utils import timezone, translation

from ita.lib import thai

register = template.Library()


@overload
def _as_date(value: dt.datetime) -> dt.datetime: ...
@overload
def _as_date(value: dt.date) -> dt.date: ...
def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def be_date(value: dt.date | dt.datetime | None) -> str:
    """25 สิงหาคม 2564 in Thai, 25 August 2564 BE in English."""
    if not value:
        return ""
    value = _as_date(value)
    if translation.get_language() == "en":
        return thai.date_en(value)
    return thai.date_th(value)


@register.filter
def be_datetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    value = _as_date(value)
    return f"{be_date(value)} {value:%H:%M}"


@register.filter
def thai_date(value: dt.date | dt.datetime | None) -> str:
    """The official form with Thai digits: ๒๕ สิงหาคม ๒๕๖๔."""
    return thai.date_th(_as_date(value), digits=True) if value else ""


@register.filter
def thai_digits(value: object) -> str:
    return "" if value is None else thai.thai_digits(value)


@register.filter
def arabic_digits(value: object) -> str:
    """A value from an official document (a memo's number) on a line of the interface, which is
    written in Arabic digits: never two kinds of digits in one line (docs/development.md)."""
    return "" if value is None else thai.arabic_digits(str(value))


# What the number filters take: a number, or its text.
Number = Decimal | float | str


def _decimal(value: Number | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def score(value: Number | None, places: int = 2) -> str:
    number = _decimal(value)
    return "" if number is None else f"{number:.{int(places)}f}"


@register.filter
def signed(value: Number | None) -> str:
    number = _decimal(value)
    return "" if number is None else thai.signed(number)
