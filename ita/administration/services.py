"""Writes of an organisation's own administration: each asks first whether the actor administers
the organisation (``ita.organisations.holders.administers``, the one rule), then calls the
service that owns the row (positions and acting holders: ``ita.organisations.services``; people,
invitations and the second factor: ``ita.accounts``; the memo chain: ``memos.services``), which
writes it with its history row, in one transaction.

An administrator cannot take their own administration away by mistake (vacate, re-role or remove
the position they administer by, or end the appointment they act by): such a change is refused
and nothing changes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.accounts import invitations, people
from ita.accounts import services as account_services
from ita.accounts.models import Invitation
from ita.history.services import Actor, AnyUser
from ita.organisations import holders, membership
from ita.organisations import services as organisation_services
from ita.organisations.models import ActingAppointment, Organisation, Position
from ita.organisations.people import person_name
from memos import settings_services
from memos.models import MemoSettings


def require_administrator(actor: Actor, organisation: Organisation) -> None:
    if not holders.administers(actor, organisation):
        raise PermissionDenied(
            _(
                "Only the clerk or the head of the clerk's office (or whoever acts for them) "
                "administers the organisation."
            )
        )


def _require_member(organisation: Organisation, person: User) -> None:
    if not membership.is_member(person, organisation.pk):
        raise PermissionDenied(_("This person is not a member of the organisation."))


def _keeps_administering(actor: Actor, organisation: Organisation) -> None:
    """Checked after a change, inside its transaction: raising undoes it."""
    if actor is not None and not holders.administers(actor, organisation):
        raise ValidationError(
            _(
                "This would take away your own administration of the organisation: ask another "
                "administrator to make this change"
            )
        )


# --- people and invitations -------------------------------------------------------------------


@transaction.atomic(durable=True)
def person_invite(
    *,
    organisation: Organisation,
    email: str,
    actor: AnyUser,
    position: Position | None = None,
    new_title: str = "",
    new_role: str = Position.Role.STAFF,
    new_unit: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Invite a person by e-mail to a position of the organisation (an existing one, or a new
    one made now); the mail is queued as the invitation commits."""
    require_administrator(actor, organisation)
    if position is None:
        if not new_title.strip():
            raise ValidationError(_("Choose a position, or give the new position's title"))
        position = organisation_services.position_save(
            position=Position(
                organisation=organisation,
                title=new_title.strip(),
                role=new_role,
                unit=new_unit.strip(),
            ),
            actor=actor,
        )
    invitation, _created = invitations.invitation_create(
        organisation=organisation,
        position=position,
        email=email,
        first_name=first_name,
        last_name=last_name,
        actor=actor,
    )
    return invitation


@transaction.atomic(durable=True)
def invitation_renew(*, invitation: Invitation, actor: AnyUser) -> Invitation:
    """Send an invitation again with a new link and expiry (the old link stops working)."""
    require_administrator(actor, invitation.organisation)
    if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.CANCELLED):
        raise ValidationError(_("This invitation was accepted or cancelled: invite again instead"))
    renewed, _created = invitations.invitation_create(
        organisation=invitation.organisation,
        position=invitation.position,
        email=invitation.email,
        actor=actor,
    )
    return renewed


@transaction.atomic(durable=True)
def invitation_withdraw(*, invitation: Invitation, actor: AnyUser) -> Invitation:
    require_administrator(actor, invitation.organisation)
    return invitations.invitation_cancel(invitation=invitation, actor=actor)


@transaction.atomic(durable=True)
def person_change(
    *,
    organisation: Organisation,
    person: User,
    first_name: str,
    last_name: str,
    email: str,
    actor: AnyUser,
) -> User:
    require_administrator(actor, organisation)
    _require_member(organisation, person)
    return people.person_update(
        organisation=organisation,
        person=person,
        first_name=first_name,
        last_name=last_name,
        email=email,
        actor=actor,
    )


@transaction.atomic(durable=True)
def person_leave(*, organisation: Organisation, person: User, actor: AnyUser) -> User:
    """The person left the organisation: deactivated, not deleted."""
    require_administrator(actor, organisation)
    _require_member(organisation, person)
    return people.person_deactivate(organisation=organisation, person=person, actor=actor)


@transaction.atomic(durable=True)
def person_return(*, organisation: Organisation, person: User, actor: AnyUser) -> User:
    require_administrator(actor, organisation)
    _require_member(organisation, person)
    return people.person_reactivate(organisation=organisation, person=person, actor=actor)


@transaction.atomic(durable=True)
def person_second_factor_reset(*, organisation: Organisation, person: User, actor: AnyUser) -> bool:
    """Remove a member's second factor (a lost phone): ``ita.accounts.services``, recorded in the
    organisation's history and mailed to them. Not one's own: someone holding only a password
    could otherwise replace the factor that guards it. False when there was nothing to reset."""
    require_administrator(actor, organisation)
    _require_member(organisation, person)
    if person.pk == actor.pk:
        raise ValidationError(
            _("You cannot reset your own second factor: ask another administrator")
        )
    return account_services.second_factor_reset(
        person=person, actor=actor, organisation_id=organisation.pk
    )


# --- positions and acting holders ---------------------------------------------------------------


def _require_own(organisation: Organisation, position: Position) -> None:
    if position.organisation_id != organisation.pk:
        raise PermissionDenied(_("This position belongs to another organisation."))


@transaction.atomic(durable=True)
def position_add(
    *, organisation: Organisation, title: str, role: str, unit: str, actor: AnyUser
) -> Position:
    require_administrator(actor, organisation)
    return organisation_services.position_save(
        position=Position(
            organisation=organisation, title=title.strip(), role=role, unit=unit.strip()
        ),
        actor=actor,
    )


@transaction.atomic(durable=True)
def position_change(
    *,
    organisation: Organisation,
    position: Position,
    title: str,
    role: str,
    unit: str,
    holder: User | None,
    actor: AnyUser,
) -> Position:
    """Rename, re-role or re-unit a position, or give it to another member (None: vacant).

    The holder must be an active member already: a newcomer is invited."""
    require_administrator(actor, organisation)
    _require_own(organisation, position)
    if holder is not None and holder.pk != position.holder_id:
        if not holder.is_active:
            raise ValidationError(
                {"holder": _("%(name)s is deactivated") % {"name": person_name(holder)}}
            )
        _require_member(organisation, holder)
    position = Position.objects.select_for_update().get(pk=position.pk)
    position.title, position.role, position.unit = title.strip(), role, unit.strip()
    position.holder = holder
    organisation_services.position_save(position=position, actor=actor)
    _keeps_administering(actor, organisation)
    return position


@transaction.atomic(durable=True)
def position_remove(*, organisation: Organisation, position: Position, actor: AnyUser) -> None:
    """Remove a vacant position, with its acting appointments and open invitations (each
    recorded). A held position is freed first: its holder's signatures stay either way."""
    require_administrator(actor, organisation)
    _require_own(organisation, position)
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.holder_id is not None:
        raise ValidationError(
            _("%(position)s is held: free it first (choose “vacant” as its holder)")
            % {"position": position.title}
        )
    for appointment in position.acting_appointments.select_related("position"):
        organisation_services.acting_delete(appointment=appointment, actor=actor)
    for invitation in Invitation.objects.open().filter(position=position):
        invitations.invitation_cancel(invitation=invitation, actor=actor, reason="position_removed")
    organisation_services.position_delete(position=position, actor=actor)
    _keeps_administering(actor, organisation)


@transaction.atomic(durable=True)
def acting_appoint(
    *,
    organisation: Organisation,
    position: Position,
    user: User,
    starts: dt.date,
    ends: dt.date,
    note: str,
    actor: AnyUser,
) -> ActingAppointment:
    """Someone acts for a position from ``starts`` to ``ends`` (inclusive): an active member of
    the organisation (``ActingAppointment.clean``)."""
    require_administrator(actor, organisation)
    _require_own(organisation, position)
    return organisation_services.acting_save(
        appointment=ActingAppointment(
            position=position, user=user, starts=starts, ends=ends, note=note.strip()
        ),
        actor=actor,
    )


@transaction.atomic(durable=True)
def acting_remove(
    *, organisation: Organisation, appointment: ActingAppointment, actor: AnyUser
) -> None:
    require_administrator(actor, organisation)
    _require_own(organisation, appointment.position)
    organisation_services.acting_delete(appointment=appointment, actor=actor)
    _keeps_administering(actor, organisation)


# --- the memo chain and the signers' second factor ----------------------------------------------


@transaction.atomic(durable=True)
def chain_set(*, organisation: Organisation, roles: list[str], actor: AnyUser) -> MemoSettings:
    require_administrator(actor, organisation)
    return settings_services.memo_chain_set(
        organisation=organisation, memo_chain=roles, actor=actor
    )


@transaction.atomic(durable=True)
def second_factor_require(
    *, organisation: Organisation, required: bool, actor: AnyUser
) -> Organisation:
    require_administrator(actor, organisation)
    if organisation.signers_need_second_factor == required:
        return organisation
    return organisation_services.organisation_set_second_factor(
        organisation=organisation, required=required, actor=actor
    )
