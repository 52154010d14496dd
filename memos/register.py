"""The outgoing register (ทะเบียนหนังสือส่ง): how a memo's number is written, and in which year.

The numbers themselves are given by ``memos.services`` from ``OutgoingRegister`` (one sequence
per organisation and fiscal year, under a row lock).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ita.lib.thai import fiscal_year_be


def number_text(letter_code: str, register_number: int | str | None, *, pending: str = "") -> str:
    """ที่: the letter code, "/", the register number: "ตง 78201/123" (Arabic digits, as stored).

    Before the register gives a number, ``pending`` stands in its place: "" means no number yet
    (the whole text is empty); on paper "-", where the number is written in by hand
    (ตง 78201/-, as the seed's draft prints it).
    """
    if register_number in (None, ""):
        return f"{letter_code}/{pending}" if pending else ""
    return f"{letter_code}/{register_number}"


def register_year(day: dt.date) -> int:
    """The register a memo sent on ``day`` takes its number from: the fiscal year (BE)."""
    return fiscal_year_be(day)


def register_choices(memo_date: dt.date | None, today: dt.date) -> tuple[int, ...]:
    """The registers a first send may take its number from: this fiscal year's and, for a memo
    dated in another fiscal year (back-dated, or written ahead), that year's too. With two, the
    author chooses when sending (the regulation keeps one register per year; which one a
    back-dated memo belongs to is the clerk's call, not the software's)."""
    current = register_year(today)
    dated = register_year(memo_date) if memo_date else current
    return (current,) if dated == current else (current, dated)


def chosen_year(memo_date: dt.date | None, today: dt.date, chosen: int | None) -> int:
    """The register a first send numbers the memo from: ``chosen`` (checked), or this year's."""
    choices = register_choices(memo_date, today)
    if chosen is None:
        return choices[0]
    if chosen not in choices:
        raise ValidationError(
            _("The register of fiscal year %(year)s cannot number this memo: choose %(ok)s.")
            % {"year": chosen, "ok": _(" or ").join(map(str, choices))}
        )
    return chosen
