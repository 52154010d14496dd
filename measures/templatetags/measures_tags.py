"""Template helpers for measures: status badges, digits as the language writes them, home list."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from ita.lib.thai import thai_digits
from measures.models import STATUS_LABELS, Measure
from measures.selectors import overdue_measures

register = template.Library()


@register.simple_tag
def measure_status(measure: Measure, today: dt.date | None = None) -> dict:
    code = measure.status_on(today or timezone.localdate())
    return {"code": code, "label": STATUS_LABELS[code]}


@register.filter
def digits(value: object) -> str:
    """Thai digits in the Thai interface (as the printed report), Arabic in English."""
    text = "" if value is None else str(value)
    return text if translation.get_language() == "en" else thai_digits(text)


@register.inclusion_tag("measures/_overdue.html", takes_context=True)
def overdue_measures_list(context: template.Context) -> dict:
    """The home page's list of the user's organisations' overdue measures (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    today = timezone.localdate()
    items = overdue_measures(user, today) if user is not None else []
    return {"measures": items, "today": today}
