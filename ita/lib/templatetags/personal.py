"""``{% personal "template.html" %}``: a part of the page that is the member's own
(``ita.lib.personal``), rendered from its template with the page's context."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from ita.lib import personal as parts

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context: Context, name: str) -> SafeString:
    request = context.get("request")
    values: dict[str, object] = {str(k): v for k, v in context.flatten().items()}
    html = get_template(name).render(values, request)
    return mark_safe(parts.mark(name, html))
