"""Invitations: an administrator invites a person by e-mail to a position; the person opens the
one-time link, chooses their own login name and password, and holds the position.

The link is ``/accounts/invitation/<id>/<token>/``, where the token is an HMAC of the row's id,
its nonce and its address under the site's secret key: never stored, so the database alone
cannot forge one, and renewing an invitation (a new nonce) ends every older link. The mail is a
task (``ita.accounts.tasks.invitation_mail``), queued once the invitation commits and retried
until the mail server takes it. Each write records a history row of the organisation.

Who may invite is the caller's business (``ita.administration.services`` asks
``ita.organisations.holders.administers``; an operator's onboarding has its named permission).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ita.accounts import tasks
from ita.accounts.models import Invitation, new_nonce
from ita.accounts.tokens import token
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.urls import site_url
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name
from ita.organisations.services import position_save


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def active_account(email: str) -> User | None:
    """The active account with this address (the first made, if several), or None."""
    return (
        get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    )


def mail_later(sent: list[Invitation]) -> None:
    """Queue the invitations' mails once the transaction commits (one task each, all queued in
    one transaction: a province's hundred invitations are one write, not a hundred)."""
    site = site_url()  # the request's own address, read now: the worker that sends has none
    jobs = [(invitation.pk, invitation.nonce) for invitation in sent]

    def enqueue() -> None:
        with transaction.atomic():
            for pk, nonce in jobs:
                tasks.invitation_mail.enqueue(pk, nonce, site)

    if jobs:
        transaction.on_commit(enqueue)


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    position: Position,
    email: str,
    actor: Actor,
    first_name: str = "",
    last_name: str = "",
    mail: bool = True,
) -> tuple[Invitation, bool]:
    """Invite ``email`` to ``position`` and queue the mail; (the invitation, whether it is new).

    An open invitation of the same address to the same position is renewed instead (a new link
    and expiry; the old link stops working). Someone who already holds the position is refused.
    ``mail=False``: the caller queues the mail with ``mail_later`` (many at once).
    """
    try:
        email = normalise_email(email)
    except ValidationError as exc:
        raise ValidationError(
            _("“%(email)s” is not an e-mail address") % {"email": email.strip()}
        ) from exc
    if position.organisation_id != organisation.pk:
        raise ValidationError(_("This position belongs to another organisation"))
    holder = position.holder
    if holder is not None and holder.is_active and holder.email.lower() == email:
        raise ValidationError(
            _("%(name)s (%(email)s) already holds %(position)s")
            % {"name": person_name(holder), "email": email, "position": position.title}
        )
    invitation = (
        Invitation.objects.select_for_update().open().filter(position=position, email=email).first()
    )
    created = invitation is None
    if invitation is None:
        invitation = Invitation(organisation=organisation, position=position, email=email)
    else:
        invitation.nonce = new_nonce()
        invitation.sent_at = None
    invitation.first_name = first_name.strip()[:150] or invitation.first_name
    invitation.last_name = last_name.strip()[:150] or invitation.last_name
    invitation.invited_by = actor if actor is not None and actor.is_authenticated else None
    invitation.expires_at = _expiry()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:  # the same invitation made at the same moment elsewhere
        raise ValidationError(
            _("%(email)s is already invited to %(position)s")
            % {"email": email, "position": position.title}
        ) from exc
    event_record(
        actor=actor,
        action=EventKind.INVITATION_CREATE if created else EventKind.INVITATION_RENEW,
        organisation_id=organisation.pk,
        obj=invitation,
        comment=f"{email} → {position.title}",
        data={
            "email": email,
            "position": position.pk,
            "position_title": position.title,
            "expires": invitation.expires_at.isoformat(),
        },
    )
    if mail:
        mail_later([invitation])
    return invitation, created


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: Actor, reason: str = "") -> Invitation:
    """Withdraw an invitation not yet accepted: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        return invitation
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    event_record(
        actor=actor,
        action=EventKind.INVITATION_CANCEL,
        organisation_id=invitation.organisation_id,
        obj=invitation,
        comment=invitation.email,
        data={"reason": reason} if reason else {},
    )
    return invitation


# --- opening the link --------------------------------------------------------------------------


class InvitationRefused(Exception):
    """The link does not lead to an invitation that can be accepted: ``reason`` says why
    (``unknown``: no such invitation or a forged token; ``used``, ``expired``, ``cancelled``)."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def open_invitation(pk: int, secret: str, *, lock: bool = False) -> Invitation:
    """The invitation the link names, when its token is right and it may still be accepted."""
    rows = Invitation.objects.select_related("organisation", "position", "invited_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(pk=pk).first()
    if invitation is None or not constant_time_compare(token(invitation), secret or ""):
        raise InvitationRefused("unknown")
    if invitation.state != Invitation.State.PENDING:
        raise InvitationRefused(invitation.state, invitation)
    return invitation


@dataclass(frozen=True)
class NewAccount:
    username: str
    first_name: str
    last_name: str
    password: str


def _accept(invitation: Invitation, user: User, *, account_created: bool) -> None:
    position = Position.objects.select_for_update().get(pk=invitation.position_id)
    before = position.holder_id
    position.holder = user
    position_save(position=position, actor=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    event_record(
        actor=user,
        action=EventKind.INVITATION_ACCEPT,
        organisation_id=invitation.organisation_id,
        obj=invitation,
        comment=f"{invitation.email} → {position.title}",
        data={
            "position": position.pk,
            "holder_before": before,
            "holder_after": user.pk,
            "account_created": account_created,
            "username": user.get_username(),
        },
    )
    # The position is taken: other invitations to it would only take it away again.
    for other in Invitation.objects.open().filter(position=position).exclude(pk=invitation.pk):
        invitation_cancel(invitation=other, actor=None, reason="position_taken")


@transaction.atomic(durable=True)
def invitation_accept(*, pk: int, secret: str, account: NewAccount) -> User:
    """Make the invited person's account (their own login name and password) and give them the
    position. Refused (``InvitationRefused``) when the link is wrong, used, expired or
    cancelled, or when an active account of the address exists (``account``: log in instead)."""
    invitation = open_invitation(pk, secret, lock=True)
    if active_account(invitation.email) is not None:
        raise InvitationRefused("account", invitation)
    User = get_user_model()
    if User.objects.filter(username__iexact=account.username).exists():
        raise ValidationError(
            {"username": _("The login name “%(name)s” is taken") % {"name": account.username}}
        )
    user = User.objects.create_user(
        account.username,
        invitation.email,
        account.password,
        first_name=account.first_name,
        last_name=account.last_name,
    )
    _accept(invitation, user, account_created=True)
    return user


@transaction.atomic(durable=True)
def invitation_accept_as(*, pk: int, secret: str, user: User) -> User:
    """Give the position to the logged-in ``user``, whose account has the invited address."""
    invitation = open_invitation(pk, secret, lock=True)
    if not user.is_active or user.email.lower() != invitation.email:
        raise InvitationRefused("other_account", invitation)
    _accept(invitation, user, account_created=False)
    return user
