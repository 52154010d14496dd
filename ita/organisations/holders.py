"""Who holds a role of an organisation on a day: the one place that says so.

A person holds a role (head of the clerk's office, clerk, mayor …) of an organisation on a day
when they hold one of its positions with that role, or act for one of them that day
(``ActingAppointment``) while still a member, and their account is active: a deactivated person (a leaver) signs and
administers nothing, though their position, signatures and history stay.

``holdings`` is the rule. The memo chain (who signs a step, which steps a user signs:
``memos.chain``), access (who administers an organisation, who publishes its report:
``memos.access``) and the organisation's own administration all ask it, from either side:
the organisation's (``organisation=``) or the person's (``user=``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ita.history.services import Actor
from ita.organisations.models import ActingAppointment, Organisation, Position

# Who administers an organisation (its people, positions, acting holders, memo chain, emblem,
# certificate): the clerk (ปลัด), who heads the permanent staff, and the head of the clerk's
# office (หัวหน้าสำนักปลัด), whose office keeps the organisation's correspondence (งานสารบรรณ);
# holders or acting holders.
ADMINISTRATOR_ROLES: tuple[str, ...] = (Position.Role.CLERK, Position.Role.HEAD_OF_OFFICE)


@dataclass(frozen=True)
class Holding:
    """One person holding one role of one organisation on the day."""

    user_id: int
    organisation_id: int
    role: str
    position: Position  # the position held, or acted for (``holder``/``user`` selected)
    acting: bool  # True: by an acting appointment (``appointment``)
    appointment: ActingAppointment | None = None

    @property
    def user(self) -> User:
        person = self.appointment.user if self.appointment is not None else self.position.holder
        assert person is not None  # holdings are of positions with a holder
        return person


def holdings(
    *,
    day: dt.date,
    organisation: Organisation | int | None = None,
    roles: Iterable[str] | None = None,
    user: Actor = None,
    organisations: Iterable[int] | None = None,
) -> list[Holding]:
    """Who holds which role on ``day``: holders first (by position), then acting holders (by the
    start of their appointment). Narrowed to an organisation (or several), some roles, a user
    (at least one of them). Two queries, whatever the number of people or organisations."""
    if organisation is None and organisations is None and user is None:
        raise ValueError("holdings needs an organisation or a user")
    positions = Position.objects.all()
    acting = ActingAppointment.objects.in_effect(day)
    if organisation is not None:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        positions = positions.filter(organisation_id=org_id)
        acting = acting.filter(position__organisation_id=org_id)
    if organisations is not None:
        ids = list(organisations)
        positions = positions.filter(organisation_id__in=ids)
        acting = acting.filter(position__organisation_id__in=ids)
    if roles is not None:
        roles = list(roles)
        positions = positions.filter(role__in=roles)
        acting = acting.filter(position__role__in=roles)
    if user is not None:
        if not user.is_authenticated or not user.is_active:
            return []
        positions = positions.filter(holder_id=user.pk)
        acting = acting.filter(user_id=user.pk)
    held = [
        Holding(p.holder_id, p.organisation_id, p.role, p, acting=False)
        for p in positions.filter(holder__isnull=False, holder__is_active=True)
        .select_related("holder")
        .order_by("pk")
        if p.holder_id is not None
    ]
    # The acting holder must still be a member (hold a position of the organisation): one who
    # has since left it acts for nobody, whatever their appointment says.
    member = Position.objects.filter(
        holder_id=OuterRef("user_id"), organisation_id=OuterRef("position__organisation_id")
    )
    acted = [
        Holding(a.user_id, a.position.organisation_id, a.position.role, a.position, True, a)
        for a in acting.filter(Exists(member), user__is_active=True)
        .select_related("user", "position")
        .order_by("starts", "pk")
    ]
    return held + acted


def roles_held(
    user: Actor, day: dt.date, roles: Iterable[str] | None = None
) -> set[tuple[int, str]]:
    """The (organisation id, role) pairs ``user`` holds on ``day``."""
    if user is None or not user.is_authenticated:
        return set()
    return {(h.organisation_id, h.role) for h in holdings(day=day, roles=roles, user=user)}


def holds(
    user: Actor,
    organisation: Organisation | int,
    roles: Iterable[str],
    day: dt.date | None = None,
) -> bool:
    """Whether ``user`` holds one of ``roles`` of the organisation on ``day`` (today)."""
    if user is None or not user.is_authenticated:
        return False
    day = day or timezone.localdate()
    return bool(holdings(day=day, organisation=organisation, roles=roles, user=user))


def administers(user: Actor, organisation: Organisation | int, day: dt.date | None = None) -> bool:
    """Whether the user administers the organisation on ``day`` (today): its people, positions,
    acting holders, memo chain, emblem and certificate."""
    return holds(user, organisation, ADMINISTRATOR_ROLES, day)
