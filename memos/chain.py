"""Who signs each step of an organisation's chain, and which step comes next: the one place.

The signers of a step (an executive role of an organisation) on a day are whoever holds that
role that day: ``ita.organisations.holders.holdings``, the one rule (holders and acting holders,
active accounts only). ``steps`` reads it from the step's side (who signs this step),
``signing_steps`` from the user's side (which steps this user signs); ``memos.access`` builds
every permission on them.

The chain is the organisation's configuration (``MemoSettings.memo_chain``). A configured step is
skipped when nobody can sign it on the day (position missing or vacant, no acting holder) or when
its only signer is the memo's author (nobody approves their own memo). The last step, the mayor's
decision, is never skipped: sending fails while nobody can take it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _

from ita.history.services import Actor
from ita.organisations import holders
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name
from memos.roles import EXECUTIVE_ROLES, chain_error, default_chain


@dataclass(frozen=True)
class Signer:
    user_id: int
    name: str
    position: str  # the signer's own position title
    acting_for: str = ""  # the title of the position acted for, when acting


@dataclass
class Step:
    role: str
    position: Position | None  # the first position with the role: its title prints
    signers: list[Signer] = field(default_factory=list)


@dataclass(frozen=True)
class Skip:
    role: str
    reason: str  # "vacant" or "author"


class ChainError(Exception):
    """The memo cannot move: nobody can take a step that may not be skipped."""


def configured_roles(organisation: Organisation) -> list[str]:
    """The organisation's chain (its ``MemoSettings``), or the full one when none is usable.

    Reads ``organisation.memo_settings``: select it with the organisation to save the query.
    """
    try:
        chain = organisation.memo_settings.memo_chain
    except ObjectDoesNotExist:
        return default_chain()
    return default_chain() if chain_error(chain) else list(chain)


def steps(
    organisation: Organisation, day: dt.date, roles: list[str] | None = None
) -> dict[str, Step]:
    """Each role's position and who may sign it on ``day`` (``holders.holdings``; three
    queries)."""
    roles = roles if roles is not None else configured_roles(organisation)
    # The steps' positions (vacant too: their titles print) and each holder's own first title
    # (an acting holder signs under it), in one query.
    positions = list(
        Position.objects.filter(organisation=organisation)
        .filter(Q(role__in=roles) | Q(holder__isnull=False))
        .select_related("holder")  # the printed block names the holder of each step
        .order_by("pk")
    )
    own_titles: dict[int | None, str] = {}
    for p in positions:
        own_titles.setdefault(p.holder_id, p.title)
    held = holders.holdings(day=day, organisation=organisation, roles=roles)
    result: dict[str, Step] = {}
    for role in roles:
        first = next((p for p in positions if p.role == role), None)  # vacant or held
        step = Step(role=role, position=first)
        seen: set[int] = set()
        for h in held:
            if h.role != role or h.user_id in seen:
                continue
            seen.add(h.user_id)
            if h.acting:
                step.signers.append(
                    Signer(
                        h.user_id,
                        person_name(h.user),
                        own_titles.get(h.user_id, ""),
                        acting_for=h.position.title,
                    )
                )
            else:
                step.signers.append(Signer(h.user_id, person_name(h.user), h.position.title))
        result[role] = step
    return result


def signing_steps(user: Actor, day: dt.date) -> set[tuple[int, str]]:
    """The (organisation id, role) steps ``user`` signs on ``day``: the rule of ``steps``, read
    from the user's side (``holders.roles_held``, two small queries)."""
    return holders.roles_held(user, day, roles=EXECUTIVE_ROLES)


def next_step(
    organisation: Organisation,
    *,
    after: str | None,
    author_id: int,
    day: dt.date,
    chain: dict[str, Step] | None = None,
) -> tuple[Step, list[Skip]]:
    """The first step after ``after`` (None: from the start) that someone other than the author
    can sign, and the steps skipped on the way."""
    chain = chain if chain is not None else steps(organisation, day)
    roles = list(chain)
    # The deciding step must be takeable before anything moves, not only when it is reached.
    last = chain[roles[-1]]
    if not [s for s in last.signers if s.user_id != author_id]:
        if last.signers:
            raise ChainError(_("The author cannot decide their own memo."))
        raise ChainError(
            _(
                "Nobody holds the position that decides (%(role)s): "
                "appoint a holder or an acting holder first."
            )
            % {"role": dict(Position.Role.choices)[last.role]}
        )
    start = roles.index(after) + 1 if after in roles else 0
    skipped: list[Skip] = []
    for role in roles[start:]:
        step = chain[role]
        if [s for s in step.signers if s.user_id != author_id]:
            return step, skipped
        skipped.append(Skip(role, "author" if step.signers else "vacant"))
    raise ChainError(_("The sign-off chain has no step after this one."))


def roles_from(organisation: Organisation, current: str) -> list[str]:
    """The configured chain plus the step a memo is at, in chain order.

    A memo already at a step the configuration has since dropped can still be signed there and
    moves on to the configured steps above it.
    """
    roles = set(configured_roles(organisation)) | {current}
    return [r for r in EXECUTIVE_ROLES if r in roles]


def signer_for(
    organisation: Organisation,
    role: str,
    user: Actor,
    day: dt.date,
    chain: dict[str, Step] | None = None,
) -> Signer | None:
    """The user's signature at ``role`` on ``day``, as holder or acting holder, or None."""
    if chain is None or role not in chain:
        chain = steps(organisation, day, roles=[role])
    user_id = getattr(user, "pk", None)
    return next((s for s in chain[role].signers if s.user_id == user_id), None)
