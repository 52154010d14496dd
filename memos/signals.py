"""The navigation's kept counts, steps and operators' links (``selectors.navigation``) are read
again after any change to what they show: a memo (its state, author, organisation), a
position's holder, an acting appointment, an organisation's name (the inbox's cards kept
beside it, ``memos.views.lists.inbox``), a person's or a group's permissions or groups,
written by a service, the admin or anything else that saves the row. The pages kept beside it
(``memos.kept_pages``: the inbox, a memo's page) add what a memo's page shows: its sign-offs,
files and history rows, its organisation's memo chain, certificate and stored PDFs, the
published reports, the years, and a person's name (not their last login). The version
is replaced at once (a page of this request reads the new counts) and again when the
transaction commits (a page that read the rows before the commit kept them under the version
replaced then): once per transaction block, however many rows it saves."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from ita.history.models import Event
from ita.organisations.models import ActingAppointment, Organisation, Position
from ita.results.models import AssessmentYear
from measures.models import PublishedImplementation, PublishedReport
from memos import selectors
from memos.models import Attachment, Memo, MemoArchive, MemoSettings, SigningCertificate, SignOff

# What a memo's page shows besides the memo's row and the navigation's own.
PAGE_MODELS = (
    Attachment,
    SignOff,
    MemoSettings,
    MemoArchive,
    SigningCertificate,
    PublishedReport,
    PublishedImplementation,
    AssessmentYear,
)
MEMO_LABEL = Memo._meta.label_lower


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


def _event_saved(instance: Event, **kwargs: object) -> None:
    if instance.object_type == MEMO_LABEL:  # a memo's history: its page's timeline
        _changed(**kwargs)


def _user_saved(update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    if update_fields is not None and update_fields <= {"last_login"}:
        return  # a login: nothing a page shows of a person
    _changed(**kwargs)


def _m2m_changed(action: str = "", **kwargs: object) -> None:
    if action.startswith("post_"):  # written: "pre_" would read the rows before the change
        _changed(**kwargs)


def connect() -> None:
    # An organisation's name too: the inbox's cards kept beside the navigation show it.
    for model in (Memo, Position, ActingAppointment, Organisation, *PAGE_MODELS):
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"memos.nav.saved.{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"memos.nav.gone.{name}")
    # The operators' links: a person's groups and permissions, a group's permissions.
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"memos.nav.m2m.{through}")
    post_delete.connect(_changed, sender=Group, dispatch_uid="memos.nav.gone.Group")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="memos.nav.saved.Event")
    # A person's name on the pages (the timeline, the paper's signers, the navigation).
    post_save.connect(_user_saved, sender=User, dispatch_uid="memos.nav.saved.User")
