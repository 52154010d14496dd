"""Template helpers for measures: status badges, digits as the language writes them, home list."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html

from ita.lib.thai import thai_digits
from measures.models import STATUS_LABELS, Measure
from measures.selectors import overdue_measures

register = template.Library()


@register.simple_tag
def status_badge(measure: Measure, today: dt.date | None = None) -> str:
    """The measure's status on ``today`` (default: today) as a badge, wherever a measure is
    listed or shown (a tag, not an included template: the report lists hundreds)."""
    code = measure.status_on(today or timezone.localdate())
    return format_html('<span class="status status-{}">{}</span>', code, STATUS_LABELS[code])


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
