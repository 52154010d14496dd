"""Reads for memo pages: each a fixed number of queries, whatever the number of memos."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ita.history.models import Event, EventKind
from ita.history.services import AnyUser
from ita.lib.thai import arabic_digits
from ita.organisations import membership
from ita.organisations.models import Notice, Organisation, Position
from ita.results.models import Assessment
from memos import access, chain
from memos.models import Attachment, Memo, OutgoingRegister, SignOff, State, Urgency

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
    """The memos the user may read: their organisations'."""
    return Memo.objects.for_member(user)


# ชั้นความเร็ว: the more urgent, the sooner it is handled (ด่วนที่สุด first).
URGENCY_RANK = Case(
    When(urgency=Urgency.MOST_URGENT, then=Value(0)),
    When(urgency=Urgency.VERY_URGENT, then=Value(1)),
    When(urgency=Urgency.URGENT, then=Value(2)),
    default=Value(3),
)


def awaiting(user: AnyUser, nav: Navigation | None = None) -> Q:
    """Which memos await the user today (``access.awaiting``: a condition), on the steps of the
    user's navigation (``nav``, or kept: no query) when the navigation is kept."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if nav is None and settings.NAV_COUNTS_SECONDS > 0:
        nav = navigation(user)
    return access.awaiting(user, timezone.localdate(), steps=nav.steps if nav else None)


def inbox(user: AnyUser, waiting: Q | None = None) -> QuerySet[Memo]:
    """Memos waiting for the user's decision: the most urgent first, then the oldest sent."""
    if not user.is_authenticated:
        return Memo.objects.none()
    return (
        Memo.objects.filter(awaiting(user) if waiting is None else waiting)
        .select_related("organisation", "author")
        .defer(*LIST_DEFERRED)
        .order_by(URGENCY_RANK, "sent_at", "pk")
    )


def inbox_count(user: AnyUser, waiting: Q | None = None) -> int:
    if not user.is_authenticated:
        return 0
    return Memo.objects.filter(awaiting(user) if waiting is None else waiting).count()


def authored(user: AnyUser) -> QuerySet[Memo]:
    return (
        Memo.objects.filter(author=user)
        .select_related("organisation")
        .defer(*LIST_DEFERRED)
        .order_by("-updated_at", "-pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a memo's timeline as its page shows it, made from a history row."""

    at: dt.datetime
    actor: User | None
    action: str
    comment: str
    label: StrOrPromise
    # The state it moved to, when it moved; the mayor's outcome (forwarding and returning say
    # their decision in the verb already).
    to_label: StrOrPromise
    decision_label: StrOrPromise
    number: str  # the number a send gave
    acting_for: str
    fields: list[str]  # the edited fields' names
    skipped: list[str]  # the steps a send or a forward skipped, each with why
    # The attached report's checks as they stood at a send (None: not a send with a report).
    checks: list[str] | None


@dataclass
class MemoPage:
    memo: Memo
    attachments: list[Attachment]
    signoffs: list[SignOff]
    timeline: list[TimelineEntry]
    current: list[SignOff] = field(default_factory=list)  # this round's blocks, as printed

    @property
    def earlier(self) -> list[SignOff]:
        return [s for s in self.signoffs if s.round != self.memo.round]


def _text(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _timeline_entry(e: Event) -> TimelineEntry:
    states = dict(State.choices)
    roles = dict(Position.Role.choices)
    data: dict[str, object] = e.data if isinstance(e.data, dict) else {}
    fields = data.get("fields")
    skipped = data.get("skipped")
    checks = data.get("checks")
    return TimelineEntry(
        at=e.at,
        actor=e.actor,
        action=e.action,
        comment=e.comment,
        label=TIMELINE_LABELS.get(e.action, e.action),
        to_label=states.get(e.to_state, "") if e.from_state != e.to_state else "",
        decision_label=(
            dict(SignOff.Decision.choices).get(_text(data, "decision"), "")
            if e.action == EventKind.MEMO_DECIDE
            else ""
        ),
        number=_text(data, "number") if e.action == EventKind.MEMO_SEND else "",
        acting_for=_text(data, "acting_for"),
        fields=[
            str(Memo._meta.get_field(f).verbose_name)
            for f in (fields if isinstance(fields, list) else [])
            if f in FIELD_NAMES
        ],
        skipped=[
            f"{roles.get(s['role'], s['role'])} ({SKIP_REASONS.get(s['reason'], s['reason'])})"
            for s in (skipped if isinstance(skipped, list) else [])
            if isinstance(s, dict)
        ],
        checks=(
            [str(c["message"]) for c in checks if isinstance(c, dict)]
            if e.action == EventKind.MEMO_SEND and isinstance(checks, list)
            else None
        ),
    )


def memo_page(memo: Memo) -> MemoPage:
    """Everything the memo's page shows: three queries (the attachments and sign-offs kept on the
    memo), the timeline as typed rows.

    The sign-offs are prefetched onto the memo, so the withdraw transition's condition (no
    sign-off yet) reads them without another query.
    """
    # Prefetched onto the memo: the paper, its content hash and the record read them too.
    prefetch_related_objects(
        [memo],
        "attachments",
        Prefetch("signoffs", queryset=SignOff.objects.order_by("round", "signed_at", "pk")),
    )
    attachments = list(memo.attachments.all())
    signoffs = list(memo.signoffs.all())
    for s in signoffs:
        s.memo = memo  # the printed heading needs the organisation, already loaded
    events = (
        Event.objects.filter(object_type=memo._meta.label_lower, object_id=str(memo.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
    return MemoPage(
        memo=memo,
        attachments=attachments,
        signoffs=signoffs,
        timeline=[_timeline_entry(e) for e in events],
        current=[s for s in signoffs if s.round == memo.round],
    )


# --- the navigation's counts, the memo list, the register, the desk ---------------------------

LIST_PAGE_SIZE = 50
_NUMBER = re.compile(r"^(?:(?P<code>.*?)\s*/)?\s*(?P<number>\d{1,9})$")


# What the navigation shows a member is kept per user in the shared cache beside a version that
# every change to a memo, a position, an acting appointment or a permission replaces
# (memos.signals): a member's page reads it in one cache read instead of six queries
# (bench/scale.py, bench/load.py).
NAV_VERSION_KEY = "nav-counts:version"
# The operators' pages the navigation links (the pages check the permission themselves).
NAV_PERMISSIONS = (
    "imports.add_importbatch",
    "django_tasks_database.view_dbtaskresult",
    "accounts.onboard_administrators",
)


@dataclass(frozen=True)
class Navigation:
    """What the navigation shows the user today: memos awaiting them, their own returned, the
    steps they sign (``chain.signing_steps``: the inbox's query is built on them) and which of
    the operators' pages they may open."""

    inbox: int = 0
    returned: int = 0
    steps: frozenset[tuple[int, str]] = frozenset()
    permissions: frozenset[str] = frozenset()
    # The version, day and superuser's flag it was kept under; empty when not kept.
    stamp: tuple = field(default=(), compare=False)

    @property
    def counts(self) -> dict[str, int]:
        return {"inbox": self.inbox, "returned": self.returned}


def _nav_key(user: AnyUser) -> str:
    return f"nav:{user.pk}"


def nav_counts_changed() -> None:
    """Every user's navigation is read again: a new version (random, so that an evicted version
    never brings back what was kept under it)."""
    cache.set(NAV_VERSION_KEY, uuid.uuid4().hex, None)


def _navigation(user: AnyUser, day: dt.date) -> Navigation:
    steps = frozenset(chain.signing_steps(user, day))
    return Navigation(
        inbox=Memo.objects.filter(access.awaiting(user, day, steps=steps)).count(),
        returned=Memo.objects.filter(author=user, state=State.RETURNED).count(),
        steps=steps,
        permissions=frozenset(p for p in NAV_PERMISSIONS if user.has_perm(p)),
    )


def navigation(user: AnyUser) -> Navigation:
    """What waits for the user (memos to sign, own memos returned to them), the steps they sign
    and the operators' pages they may open. The counts each on its index ((organisation, state)
    and (author, state)): one query with both conditions joined by OR reads every memo of the
    office instead. Kept in the cache until a memo, a position, an acting appointment or a
    permission changes, or the day does (an acting appointment ends); ``NAV_COUNTS_SECONDS=0``
    reads it on every call."""
    return navigation_with(user)[0]


def _kept_key(user: AnyUser, name: str) -> str:
    return f"nav:{user.pk}:{name}"


def navigation_with(user: AnyUser, name: str = "") -> tuple[Navigation, Any]:
    """The user's navigation and, read in the same cache read, what was kept beside it under
    ``name`` (``keep_with_navigation``) while nothing it shows changed; None when nothing is."""
    if not user.is_authenticated:
        return Navigation(), None
    day = timezone.localdate()
    seconds = settings.NAV_COUNTS_SECONDS
    if seconds <= 0:
        return _navigation(user, day), None
    key = _nav_key(user)
    keys = [NAV_VERSION_KEY, key, *([_kept_key(user, name)] if name else [])]
    found = cache.get_many(keys)
    version = found.get(NAV_VERSION_KEY)
    kept = found.get(key)
    # The superuser's flag too: it grants every permission, and a user's own row sends no signal.
    stamp = (version, day.isoformat(), user.is_superuser)
    if version is not None and isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
        beside = found.get(keys[-1]) if name else None
        value = beside[1] if isinstance(beside, tuple) and beside[0] == stamp else None
        inbox, returned, steps, permissions = kept[1]
        return Navigation(inbox, returned, steps, permissions, stamp=stamp), value
    if version is None:
        cache.add(NAV_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(NAV_VERSION_KEY)
        stamp = (version, day.isoformat(), user.is_superuser)
    found_now = _navigation(user, day)
    value = (found_now.inbox, found_now.returned, found_now.steps, found_now.permissions)
    cache.set(key, (stamp, value), seconds)
    return replace(found_now, stamp=stamp), None


def keep_with_navigation(user: AnyUser, nav: Navigation, name: str, value: Any) -> None:
    """Keep ``value`` (made from what the navigation's version covers: memos, positions, acting
    appointments, permissions) beside the user's navigation ``nav`` until it changes."""
    if nav.stamp and settings.NAV_COUNTS_SECONDS > 0:
        cache.set(_kept_key(user, name), (nav.stamp, value), settings.NAV_COUNTS_SECONDS)


def nav_counts(user: AnyUser) -> dict[str, int]:
    """What waits for the user: memos to sign, own memos returned to them (``navigation``)."""
    return navigation(user).counts


@dataclass(frozen=True)
class MemoFilter:
    """What the memo list is asked for; every part optional."""

    q: str = ""
    year: int | None = None
    state: str = ""
    urgency: str = ""
    mine: bool = False


def memo_search(user: AnyUser, organisation: Organisation, f: MemoFilter) -> QuerySet[Memo]:
    """The organisation's memos the list shows: sent ones and the user's own drafts.

    ``q`` finds the subject, the body, the author's name, or the number (ที่): "12",
    "ตง 78201/12", Thai digits too.
    """
    memos = Memo.objects.filter(organisation=organisation).filter(
        ~Q(state=State.DRAFT) | Q(author=user)
    )
    text = " ".join(arabic_digits(f.q).split())
    if text:
        match = (
            Q(subject__icontains=text) | Q(body__icontains=text) | Q(signature_name__icontains=text)
        )
        number = _NUMBER.match(text)
        if number:
            by_number = Q(register_number=int(number["number"]))
            if number["code"]:
                by_number &= Q(letter_code__icontains=number["code"])
            match |= by_number
        memos = memos.filter(match)
    if f.year:
        memos = memos.filter(register_year=f.year)
    if f.state:
        memos = memos.filter(state=f.state)
    if f.urgency:
        memos = memos.filter(urgency=f.urgency)
    if f.mine:
        memos = memos.filter(author=user)
    return (
        memos.select_related("author")
        .defer(*LIST_DEFERRED)
        .order_by(F("sent_at").desc(nulls_first=True), "-pk")
    )


def register_years(organisation: Organisation) -> list[int]:
    """The fiscal years whose outgoing register has given a number, newest first."""
    return list(
        OutgoingRegister.objects.filter(organisation=organisation, last_number__gt=0)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
    )


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the outgoing register: a number given, and the memo that holds it (or None
    when no memo holds it: a number the register gave that no memo keeps, which never happens
    unless a memo was deleted from the database)."""

    number: int
    memo: Memo | None


REGISTER_PAGE_SIZE = 100


def register_last(organisation: Organisation, year: int) -> int:
    """The last number the register of ``year`` gave (one query)."""
    found = Memo.objects.filter(
        organisation=organisation, register_year=year, register_number__isnull=False
    ).aggregate(last=Max("register_number"))["last"]
    counter = (
        OutgoingRegister.objects.filter(organisation=organisation, fiscal_year=year)
        .values_list("last_number", flat=True)
        .first()
    )
    return max(found or 0, counter or 0)


def register_entries(
    organisation: Organisation, year: int, first: int = 1, last: int | None = None
) -> list[RegisterEntry]:
    """The numbers ``first`` to ``last`` (default: the register's last) of the register of
    ``year``, each with its memo: a page or a chunk of the register, whatever its size."""
    if last is None:
        last = register_last(organisation, year)
    memos = {
        m.register_number: m
        for m in Memo.objects.filter(
            organisation=organisation,
            register_year=year,
            register_number__gte=first,
            register_number__lte=last,
        ).defer(*LIST_DEFERRED)
    }
    return [RegisterEntry(n, memos.get(n)) for n in range(first, last + 1)]


def register_version(organisation: Organisation, year: int) -> str:
    """What the register of ``year`` holds, as a short digest (one query): it changes when a
    number is given or a memo in it changes (its state, its text)."""
    found = Memo.objects.filter(
        organisation=organisation, register_year=year, register_number__isnull=False
    ).aggregate(n=Count("pk"), last=Max("register_number"), changed=Max("updated_at"))
    counter = OutgoingRegister.objects.filter(organisation=organisation, fiscal_year=year).values(
        "last_number"
    )
    raw = (
        f"{organisation.pk}:{year}:{found['n']}:{found['last']}:{found['changed']}:{list(counter)}"
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DeskEvent:
    """One line of "what happened to my memos" on the desk, made from a history row."""

    at: dt.datetime
    actor: User | None
    action: str
    comment: str
    label: StrOrPromise
    to_label: StrOrPromise  # the state it moved to, when it moved
    memo_id: int
    subject: str


@dataclass
class Desk:
    """What waits for the user and what happened to their memos."""

    to_sign: list[Memo]
    returned: list[Memo]  # each with ``return_signoff``: who returned it, and why
    drafts: list[Memo]
    events: list[DeskEvent]
    notices: list[Notice] = field(default_factory=list)  # news for the user: unread first
    reports: list[Assessment] = field(default_factory=list)  # their latest reports
    more_returned: bool = False  # more than DESK_SIZE: the page links the memo list
    more_drafts: bool = False


DESK_SIZE = 20
DESK_REPORTS = 3


def desk(user: AnyUser) -> Desk:
    """The user's desk, in a fixed number of queries and at most ``DESK_SIZE`` memos a section,
    whatever the number of memos (the rest are a link away: the inbox, the memo list)."""
    if not user.is_authenticated:
        return Desk(to_sign=[], returned=[], drafts=[], events=[])
    notices = list(
        Notice.objects.filter(recipient=user)
        .select_related("organisation")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")[:DESK_SIZE]
    )
    returned = list(
        Memo.objects.filter(author=user, state=State.RETURNED)
        .defer(*LIST_DEFERRED)
        .order_by("-updated_at", "-pk")[: DESK_SIZE + 1]
        .prefetch_related(
            Prefetch(
                "signoffs",
                queryset=SignOff.objects.filter(decision=SignOff.Decision.RETURN).order_by(
                    "-round", "-signed_at"
                ),
                to_attr="returns",
            )
        )
    )
    for memo in returned:
        memo.return_signoff = memo.returns[0] if memo.returns else None
    mine = Memo.objects.filter(author=user).annotate(key=Cast("pk", CharField())).values("key")
    rows = list(
        Event.objects.filter(object_type=Memo._meta.label_lower, object_id__in=mine)
        .exclude(actor=user)
        .select_related("actor")
        .order_by("-at", "-pk")[:DESK_SIZE]
    )
    subjects = dict(
        Memo.objects.filter(pk__in=[int(e.object_id) for e in rows]).values_list("pk", "subject")
    )
    states = dict(State.choices)
    events = [
        DeskEvent(
            at=e.at,
            actor=e.actor,
            action=e.action,
            comment=e.comment,
            label=TIMELINE_LABELS.get(e.action, e.action),
            to_label=states.get(e.to_state, "") if e.from_state != e.to_state else "",
            memo_id=int(e.object_id),
            subject=subjects.get(int(e.object_id), ""),
        )
        for e in rows
    ]
    drafts = list(authored(user).filter(state=State.DRAFT)[: DESK_SIZE + 1])
    return Desk(
        to_sign=list(inbox(user)[:DESK_SIZE]),
        returned=returned[:DESK_SIZE],
        drafts=drafts[:DESK_SIZE],
        events=events,
        notices=notices,
        reports=list(
            Assessment.objects.filter(organisation_id__in=membership.organisation_ids(user))
            .select_related("organisation", "year", "implementation")
            .annotate(kept=Count("measures", filter=Q(measures__draft=False)))
            .order_by("-year__year", "organisation__name")[:DESK_REPORTS]
        ),
        more_returned=len(returned) > DESK_SIZE,
        more_drafts=len(drafts) > DESK_SIZE,
    )
