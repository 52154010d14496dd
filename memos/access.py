"""Who may do what with a memo: the one place the services, views, templates and queries ask.

Two rules decide every action:

- **the author's**: a member of the memo's organisation who wrote it (edit, attach, send,
  withdraw);
- **the signer's**: the holder or acting holder of the step the memo is at, on the day
  (``memos.chain``), never its author (agree and forward, decide, return).

They are the ``permission=`` of the memo's transitions (``may_author``, ``may_sign``), so
django-fsm's ``has_transition_perm`` answers for state, condition and person at once; the
``can_*`` functions are what pages ask to draw their buttons, and ``*_refusal`` says why not.
Reading a memo needs membership only (``ita.organisations.membership``). Who holds a role on a
day (signers, administrators, the clerk who publishes) is ``ita.organisations.holders``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from ita.history.services import Actor, AnyUser
from ita.organisations import holders, membership
from ita.organisations.models import Organisation, Position
from memos import chain

if TYPE_CHECKING:
    from memos.models import Memo

T = TypeVar("T")

ADMINISTRATOR_ROLES = holders.ADMINISTRATOR_ROLES


def _day(memo: Memo) -> dt.date:
    return memo.signing_day or timezone.localdate()


def _cached(memo: Memo, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """One answer per memo instance, user, day and state: a page asks the same question for
    several buttons, and each answer costs queries. A memo loaded again asks again (services lock
    and reload the memo, views load it per request), so a change of positions is always seen."""
    cache: dict[tuple[object, ...], object] = memo.__dict__.setdefault("_access_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[return-value]


def _member(memo: Memo, user: Actor) -> bool:
    return _cached(
        memo,
        ("member", getattr(user, "pk", None)),
        lambda: membership.is_member(user, memo.organisation_id),
    )


def read_as_member(memo: Memo, user: Actor) -> None:
    """``memo`` was read through ``Memo.objects.for_member(user)`` (the membership rule, in the
    same query): its checks on this instance need not ask again whether ``user`` is a member."""
    memo.__dict__.setdefault("_access_cache", {})[("member", getattr(user, "pk", None))] = True


# --- the author's rule ------------------------------------------------------------------------


def author_refusal(memo: Memo, user: Actor) -> str | None:
    """Why ``user`` may not act as the memo's author, or None when they may."""
    if not _member(memo, user):
        return _("You are not a member of this organisation.")
    if memo.author_id != getattr(user, "pk", None):
        return _("Only the memo's author can do this.")
    return None


def may_author(memo: Memo, user: Actor) -> bool:
    """The permission of send and withdraw."""
    return author_refusal(memo, user) is None


# --- the signer's rule ------------------------------------------------------------------------


def signer(
    memo: Memo, user: Actor, route: dict[str, chain.Step] | None = None
) -> chain.Signer | None:
    """The user's signature at the memo's current step (holder or acting), or None.

    Never the author's: nobody signs their own memo.
    """
    if not memo.is_pending or memo.author_id == getattr(user, "pk", None):
        return None
    day = _day(memo)
    return _cached(
        memo,
        ("signer", getattr(user, "pk", None), day, memo.state),
        lambda: chain.signer_for(memo.organisation, memo.state, user, day, chain=route),
    )


def signer_refusal(memo: Memo, user: Actor) -> str | None:
    """Why ``user`` may not sign the memo's current step, or None when they may."""
    if not _member(memo, user):
        return _("You are not a member of this organisation.")
    if memo.author_id == getattr(user, "pk", None):
        return _("Nobody can sign off their own memo.")
    if memo.is_pending and signer(memo, user) is None:
        return _("Only the holder or acting holder of the current step can decide it.")
    return None


def may_sign(memo: Memo, user: Actor) -> bool:
    """The permission of forward, decide and return: the current step's signer, on the day."""
    return signer_refusal(memo, user) is None


def awaiting(user: Actor, day: dt.date, steps: Iterable[tuple[int, str]] | None = None) -> Q:
    """The memos ``user`` may sign on ``day`` (the inbox): at a step they sign, not their own.

    The user's steps are read first (``chain.signing_steps``, two small queries), so the memo
    query is a plain indexed lookup (organisation, state) whatever the number of memos: the
    same rule as a correlated EXISTS on every memo read each of an office's 10,000 memos
    (100 ms on every page of a member, bench/scale.py). ``steps``: the user's steps of the day
    when already read (the navigation keeps them, ``selectors.navigation``).
    """
    pairs = chain.signing_steps(user, day) if steps is None else steps
    if not pairs:
        return Q(pk__in=[])
    match = Q()
    for organisation_id, role in sorted(pairs):
        match |= Q(organisation_id=organisation_id, state=role)
    return match & ~Q(author_id=getattr(user, "pk", None))


# --- what pages ask to draw their buttons ------------------------------------------------------


def can_edit(user: Actor, memo: Memo) -> bool:
    """Edit the text or the attachments: the author, while the memo is with them."""
    return memo.is_editable and may_author(memo, user)


def can_send(user: AnyUser, memo: Memo) -> bool:
    return has_transition_perm(memo.send, user)


def can_act(user: AnyUser, memo: Memo) -> bool:
    """Sign the current step (agree, decide or return)."""
    return has_transition_perm(memo.return_to_author, user)


def can_withdraw(user: AnyUser, memo: Memo) -> bool:
    return has_transition_perm(memo.withdraw, user)


# --- the organisation's memo settings ----------------------------------------------------------


def administers(
    user: Actor,
    organisation: Organisation,
    day: dt.date | None = None,
    route: dict[str, chain.Step] | None = None,
) -> bool:
    """Whether the user administers the organisation on ``day`` (its people, positions, acting
    holders, memo chain, emblem, certificate): ``ita.organisations.holders.administers``, or
    read from ``route``, the organisation's steps of that day (``chain.steps``) when it has the
    administrators' roles: each step's signers are that role's holdings."""
    if route is not None and all(role in route for role in ADMINISTRATOR_ROLES):
        user_id = getattr(user, "pk", None)
        return any(s.user_id == user_id for r in ADMINISTRATOR_ROLES for s in route[r].signers)
    return holders.administers(user, organisation, day)


def administrator_refusal(user: Actor, organisation: Organisation) -> str | None:
    if not membership.is_member(user, organisation.pk):
        return _("You are not a member of this organisation.")
    if not administers(user, organisation):
        return _(
            "Only the clerk or the head of the clerk's office (or whoever acts for them) "
            "can change the emblem."
        )
    return None


# --- publishing the report a decided memo carries (measures.publishing) -----------------------

# The mayor's words that make a report public (Memo.Outcome values; not "not approved").
PUBLISHABLE_OUTCOMES = ("approved", "acknowledged")


def publish_refusal(user: Actor, memo: Memo) -> str | None:
    """Why ``user`` may not publish the report ``memo`` carries, or None when they may: the
    mayor approved or acknowledged the memo, which carries a report, and the user is its
    author or the clerk (or whoever acts for the clerk)."""
    if not _member(memo, user):
        return _("You are not a member of this organisation.")
    if memo.state != "decided" or memo.outcome not in PUBLISHABLE_OUTCOMES:
        return _("A report is published once the mayor has approved or acknowledged its memo")
    if memo.report_year_id is None or not memo.report_sent:
        return _("This memo carries no report")
    if memo.author_id == getattr(user, "pk", None):
        return None
    if holders.holds(user, memo.organisation_id, [Position.Role.CLERK], _day(memo)):
        return None
    return _("Only the memo's author or the clerk can publish its report")


def can_publish(user: Actor, memo: Memo) -> bool:
    return publish_refusal(user, memo) is None
