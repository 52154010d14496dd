"""The navigation's kept counts (``selectors.nav_counts``) are read again after any change to
what they count: a memo (its state, author, organisation), a position's holder or an acting
appointment, written by a service, the admin or anything else that saves the row. The version
is replaced at once (a page of this request reads the new counts) and again when the
transaction commits (a page that read the rows before the commit kept them under the version
replaced then): once per transaction block, however many rows it saves."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from ita.organisations.models import ActingAppointment, Position
from memos import selectors
from memos.models import Memo


def _changed(**_kwargs: object) -> None:
    if settings.NAV_COUNTS_SECONDS <= 0:
        return  # nothing is kept
    connection = transaction.get_connection()
    block = connection.atomic_blocks[-1] if connection.in_atomic_block else None
    if block is not None and getattr(connection, "nav_counts_block", None) is block:
        return  # replaced already in this block, and again when it commits
    connection.nav_counts_block = block
    selectors.nav_counts_changed()
    transaction.on_commit(selectors.nav_counts_changed)


def connect() -> None:
    for model in (Memo, Position, ActingAppointment):
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"memos.nav.saved.{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"memos.nav.gone.{name}")
