"""Form fields for dates and months as Thai users read and type them: Buddhist-era years.

Browsers' date and month pickers show the Christian-era year in the browser's own format
(08/25/2021, "January 2021"); these are plain text inputs that show 25/08/2564 and ม.ค. 2565
and accept what people write (Thai or Arabic digits, month names or numbers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ita.lib.thai import (
    YEAR_BE_MAX,
    YEAR_BE_MIN,
    BadDate,
    date_input_be,
    month_input_be,
    parse_date_be,
    parse_month_be,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class _BuddhistEraField(forms.Field):
    parse: Callable[[str], dt.date]
    show: Callable[[dt.date], str]
    placeholder: StrOrPromise

    def __init__(self, **kwargs: Any) -> None:  # forms.Field's own arguments
        attrs = {"placeholder": self.placeholder, "autocomplete": "off", "size": 14}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> object:
        # A date shows in its BE form; typed text that parses is shown the same way once
        # submitted, so the box confirms how it was read. Text that does not parse stays as typed.
        if isinstance(value, dt.date):
            return type(self).show(value)
        if isinstance(value, str) and value.strip():
            try:
                return type(self).show(type(self).parse(value))
            except BadDate:
                return value
        return value

    def to_python(self, value: object) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], params={"value": text[:40]})
        try:
            return type(self).parse(text)
        except BadDate as bad:
            raise forms.ValidationError(
                self.error_messages[bad.reason],
                code=bad.reason,
                params={"value": text, "year": bad.year, "low": YEAR_BE_MIN, "high": YEAR_BE_MAX},
            ) from None


class ThaiDateField(_BuddhistEraField):
    """A date typed as 25/8/2564, 25/08/2564, 2564-08-25, 25 ส.ค. 2564 or 25 สิงหาคม 2564."""

    parse = staticmethod(parse_date_be)
    show = staticmethod(date_input_be)
    placeholder = _("dd/mm/yyyy (BE), e.g. 25/08/2564")
    default_error_messages = {
        "invalid": _(
            "“%(value)s” is not a date: write day/month/Buddhist-era year, "
            "e.g. 25/08/2564 or 25 ส.ค. 2564."
        ),
        "format": _(
            "“%(value)s” is not a date: write day/month/Buddhist-era year, "
            "e.g. 25/08/2564 or 25 ส.ค. 2564."
        ),
        "year": _(
            "“%(value)s”: the year %(year)s is not a Buddhist-era year between %(low)s and "
            "%(high)s; write e.g. 2564, not 2021."
        ),
        "day": _(
            "“%(value)s” is not a day of the calendar: that month of %(year)s has no such day."
        ),
    }


class ThaiMonthField(_BuddhistEraField):
    """A month typed as ม.ค.65, ม.ค. 2565, มกราคม 2565, 01/2565 or 2565-01."""

    parse = staticmethod(parse_month_be)
    show = staticmethod(month_input_be)
    placeholder = _("month and BE year, e.g. ม.ค. 2565")
    default_error_messages = {
        "invalid": _("“%(value)s” is not a month: write e.g. ม.ค. 2565, ม.ค.65 or 01/2565."),
        "format": _("“%(value)s” is not a month: write e.g. ม.ค. 2565, ม.ค.65 or 01/2565."),
        "year": _(
            "“%(value)s”: the year %(year)s is not a Buddhist-era year between %(low)s and "
            "%(high)s; write e.g. 2565, not 2022."
        ),
    }
