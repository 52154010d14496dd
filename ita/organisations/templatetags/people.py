"""``{{ user|person_name }}``: a person's name in a page, as everywhere else
(``ita.organisations.people.person_name``). A builtin of every template (settings.TEMPLATES)."""

from __future__ import annotations

from django import template

from ita.organisations.people import person_name as _person_name

register = template.Library()
register.filter("person_name", _person_name)
