"""Reads for memo pages: each a fixed number of queries, whatever the number of memos."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ita.history.models import Event, EventKind
from ita.history.services import AnyUser
from ita.organisations.models import Organisation, Position
from memos.models import Attachment, Memo, SignOff, State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

INBOX_PAGE_SIZE = 50
# Lists never show the body; it is the bulk of a memo's row.
LIST_DEFERRED = ("body",)

TIMELINE_LABELS: dict[str, StrOrPromise] = {
    EventKind.MEMO_CREATE: _("created the draft"),
    EventKind.MEMO_UPDATE: _("edited the text"),
    EventKind.MEMO_SEND: _("sent the memo"),
    EventKind.MEMO_FORWARD: _("agreed and sent it on"),
    EventKind.MEMO_DECIDE: pgettext_lazy("timeline: the mayor", "decided"),
    EventKind.MEMO_RETURN: _("returned it to the author"),
    EventKind.MEMO_WITHDRAW: _("withdrew the memo"),
    EventKind.MEMO_ATTACH: _("attached a file"),
    EventKind.MEMO_DETACH: _("removed a file"),
    EventKind.MEMO_ARCHIVE: _("stored the decided PDF"),
}
FIELD_NAMES = {f.name for f in Memo._meta.get_fields()}
SKIP_REASONS = {"vacant": _("vacant"), "author": _("held by the author")}


def visible_memos(user: AnyUser) -> QuerySet[Memo]:
    """The memos the user may read: their organisations' (``memos.access.can_view``)."""
    return Memo.objects.for_member(user)


def inbox(user: AnyUser) -> QuerySet[Memo]:
    """Memos waiting for the user's decision, oldest sent first."""
    if not user.is_authenticated:
        return Memo.objects.none()
    return (
        Memo.objects.awaiting(user)
        .select_related("organisation", "author")
        .defer(*LIST_DEFERRED)
        .order_by("sent_at", "pk")
    )


def inbox_count(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return Memo.objects.awaiting(user).count()


def authored(user: AnyUser) -> QuerySet[Memo]:
    return (
        Memo.objects.filter(author=user)
        .select_related("organisation")
        .defer(*LIST_DEFERRED)
        .order_by("-updated_at", "-pk")
    )


def organisation_memos(organisation: Organisation) -> QuerySet[Memo]:
    return (
        Memo.objects.filter(organisation=organisation)
        .exclude(state="draft")
        .select_related("author")
        .defer(*LIST_DEFERRED)
        .order_by("-sent_at", "-pk")
    )


@dataclass
class MemoPage:
    memo: Memo
    attachments: list[Attachment]
    signoffs: list[SignOff]
    timeline: list[Event]
    current: list[SignOff] = field(default_factory=list)  # this round's blocks, as printed

    @property
    def earlier(self) -> list[SignOff]:
        return [s for s in self.signoffs if s.round != self.memo.round]


def memo_page(memo: Memo) -> MemoPage:
    """Everything the memo's page shows: three queries.

    The sign-offs are prefetched onto the memo, so the withdraw transition's condition (no
    sign-off yet) reads them without another query.
    """
    attachments = list(memo.attachments.all())
    prefetch_related_objects(
        [memo], Prefetch("signoffs", queryset=SignOff.objects.order_by("round", "signed_at", "pk"))
    )
    signoffs = list(memo.signoffs.all())
    for s in signoffs:
        s.memo = memo  # the printed heading needs the organisation, already loaded
    timeline = list(
        Event.objects.filter(object_type=memo._meta.label_lower, object_id=str(memo.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
    states = dict(State.choices)
    roles = dict(Position.Role.choices)
    decisions = dict(SignOff.Decision.choices)
    # What the timeline shows, set on each event for the template (attributes Event lacks).
    for e in timeline:
        e.label = TIMELINE_LABELS.get(e.action, e.action)  # type: ignore[attr-defined]
        e.to_label = states.get(e.to_state, "") if e.from_state != e.to_state else ""  # type: ignore[attr-defined]
        # Forwarding and returning say their decision in the verb already; only the mayor's
        # outcome (approved, not approved, acknowledged) adds to it.
        e.decision_label = (  # type: ignore[attr-defined]
            decisions.get(e.data.get("decision", ""), "")
            if e.action == EventKind.MEMO_DECIDE
            else ""
        )
        e.fields = [  # type: ignore[attr-defined]
            str(Memo._meta.get_field(f).verbose_name)
            for f in e.data.get("fields", [])
            if f in FIELD_NAMES
        ]
        e.skipped = [  # type: ignore[attr-defined]
            f"{roles.get(s['role'], s['role'])} ({SKIP_REASONS.get(s['reason'], s['reason'])})"
            for s in e.data.get("skipped", [])
        ]
    return MemoPage(
        memo=memo,
        attachments=attachments,
        signoffs=signoffs,
        timeline=timeline,
        current=[s for s in signoffs if s.round == memo.round],
    )
