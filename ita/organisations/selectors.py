"""Reads of organisations for other apps: the emblem as the documents print it."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ita.documents.data import Emblem
from ita.documents.emblem import check_emblem
from ita.organisations.models import Organisation


def emblem_of(organisation: Organisation) -> Emblem | None:
    """The organisation's uploaded emblem (checked again: files can change under us)."""
    if not organisation.emblem:
        return None
    try:
        with organisation.emblem.open("rb") as file:
            checked = check_emblem(file.read(), organisation.emblem.name)
    except (OSError, ValidationError):
        return None
    return Emblem(checked.data, checked.mime_type)
