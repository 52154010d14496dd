"""Who signs each step of an organisation's chain, and which step comes next: the one place.

The chain is the organisation's configuration (``Organisation.memo_chain``). A configured step is
skipped when nobody can sign it on the day (position missing or vacant, no acting holder) or when
its only signer is the memo's author (nobody approves their own memo). The last step, the mayor's
decision, is never skipped: sending fails while nobody can take it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ita.models import EXECUTIVE_ROLES, ActingAppointment, Organisation, Position


@dataclass(frozen=True)
class Signer:
    user_id: int
    name: str
    position: str  # the signer's own position title
    acting_for: str = ""  # the title of the position acted for, when acting


@dataclass
class Step:
    role: str
    position: Position | None
    signers: list[Signer] = field(default_factory=list)


@dataclass(frozen=True)
class Skip:
    role: str
    reason: str  # "vacant" or "author"


class ChainError(Exception):
    """The memo cannot move: nobody can take a step that may not be skipped."""


def _full_name(user: object) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def steps(
    organisation: Organisation, day: dt.date, roles: list[str] | None = None
) -> dict[str, Step]:
    """Each configured role's position and who may sign it on ``day`` (three queries)."""
    roles = roles if roles is not None else organisation.chain_roles
    positions = list(
        Position.objects.filter(organisation=organisation, role__in=roles)
        .select_related("holder")
        .order_by("pk")
    )
    own_titles: dict[int, str] = {
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
        position = next((p for p in positions if p.role == role), None)
        step = Step(role=role, position=position)
        if position is not None:
            if position.holder is not None:
                step.signers.append(
                    Signer(position.holder_id, _full_name(position.holder), position.title)
                )
            for a in acting:
                if a.position_id == position.pk and a.user_id != position.holder_id:
                    step.signers.append(
                        Signer(
                            a.user_id,
                            _full_name(a.user),
                            own_titles.get(a.user_id, ""),
                            acting_for=position.title,
                        )
                    )
        result[role] = step
    return result


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
    roles = set(organisation.chain_roles) | {current}
    return [r for r in EXECUTIVE_ROLES if r in roles]


def signer_for(
    organisation: Organisation,
    role: str,
    user: object,
    day: dt.date,
    chain: dict[str, Step] | None = None,
) -> Signer | None:
    """The user's signature at ``role`` on ``day``, as holder or acting holder, or None."""
    if chain is None or role not in chain:
        chain = steps(organisation, day, roles=[role])
    return next((s for s in chain[role].signers if s.user_id == user.pk), None)
