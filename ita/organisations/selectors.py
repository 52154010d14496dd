"""Reads of organisations for other apps: the emblem as the documents print it."""

from __future__ import annotations

import logging

from ita.documents.data import Emblem
from ita.documents.emblem import stored_emblem
from ita.organisations.models import Organisation

logger = logging.getLogger(__name__)


def emblem_of(organisation: Organisation) -> Emblem | None:
    """The organisation's emblem as it was made at upload: read, never drawn or decoded again
    (``ita.documents.emblem.stored_emblem``: a file changed since is not printed)."""
    if not organisation.emblem:
        return None
    try:
        with organisation.emblem.open("rb") as file:
            data = file.read()
    except OSError:
        logger.warning("emblem of organisation %s cannot be read", organisation.pk)
        return None
    emblem = stored_emblem(data, organisation.emblem.name or "")
    if emblem is None:
        logger.warning("emblem of organisation %s is not the file made at upload", organisation.pk)
        return None
    return Emblem(emblem.data, emblem.mime_type)
