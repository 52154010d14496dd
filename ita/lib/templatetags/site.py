"""``{{ path|absolute }}``: a path as ``{% url %}`` gives it, at the site's one address
(``ita.lib.urls.absolute``), for what leaves the browser (e-mails)."""

from __future__ import annotations

from django import template

from ita.lib.urls import absolute as _absolute

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    return _absolute(str(path))
