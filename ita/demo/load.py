"""Load the whole demo into an empty database, part by part (``manage.py load_demo``)."""

from __future__ import annotations

from django.db import transaction

from ita.demo import measures, memos, seed
from ita.history import published


@transaction.atomic
def load_all() -> dict[str, int]:
    """The results and people, the report's findings, the memo, then the rest of the report;
    then the memo decided as it went in 2564, beside a fresh draft."""
    counts = seed.load()
    measures.load_findings()
    counts.update(memos.load())
    counts.update(measures.load())
    counts.update(memos.decide())
    published.bump()  # written around the services: the public pages' cache moves on by hand
    return counts
