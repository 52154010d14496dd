"""The outgoing register (ทะเบียนหนังสือส่ง): how a memo's number is written, and in which year.

The numbers themselves are given by ``memos.services`` from ``OutgoingRegister`` (one sequence
per organisation and fiscal year, under a row lock).
"""

from __future__ import annotations

import datetime as dt

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
