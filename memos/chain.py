"""Who signs each step of an organisation's chain, and which step comes next: the one place.

The signers of a step (an executive role of an organisation) on a day are the holders of the
organisation's positions with that role and whoever acts for one of them that day
(``ActingAppointment``). ``steps`` reads that rule from the step's side (who signs this step),
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
from django.utils.translation import gettext as _

from ita.history.services import Actor
from ita.organisations.models import ActingAppointment, Organisation, Position
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
    """Each role's position and who may sign it on ``day`` (three queries)."""
    roles = roles if roles is not None else configured_roles(organisation)
    positions = list(
        Position.objects.filter(organisation=organisation, role__in=roles)
        .select_related("holder")
        .order_by("pk")
    )
    own_titles: dict[int | None, str] = {
        p.holder_id: p.title
        for p in Position.objects.filter(organisation=organisation, holder__isnull=False).order_by(
            "-pk"
        )
    }
    acting = list(
        ActingAppointment.objects.in_effect(day)
        .filter(position__in=positions)
        .select_related("user")
        .order_by("starts", "pk")
    )
    result: dict[str, Step] = {}
    for role in roles:
        held = [p for p in positions if p.role == role]
        step = Step(role=role, position=held[0] if held else None)
        seen: set[int] = set()
        for position in held:
            if position.holder is not None and position.holder_id not in seen:
                seen.add(position.holder.pk)
                step.signers.append(
                    Signer(position.holder.pk, person_name(position.holder), position.title)
                )
        for a in acting:
            acted = next((p for p in held if p.pk == a.position_id), None)
            if acted is not None and a.user_id not in seen:
                seen.add(a.user_id)
                step.signers.append(
                    Signer(
                        a.user_id,
                        person_name(a.user),
                        own_titles.get(a.user_id, ""),
                        acting_for=acted.title,
                    )
                )
        result[role] = step
    return result


def signing_steps(user: Actor, day: dt.date) -> set[tuple[int, str]]:
    """The (organisation id, role) steps ``user`` signs on ``day``: the rule of ``steps``, read
    from the user's side (two small queries)."""
    if user is None or not user.is_authenticated:
        return set()
    held = set(
        Position.objects.held_by(user)
        .filter(role__in=EXECUTIVE_ROLES)
        .values_list("organisation_id", "role")
    )
    acting = set(
        ActingAppointment.objects.in_effect(day)
        .filter(user=user, position__role__in=EXECUTIVE_ROLES)
        .values_list("position__organisation_id", "position__role")
    )
    return held | acting


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
