"""The accounts' history: logins, failures, lockouts, logouts, passwords, the second factor.

Each function writes one history row (``ita.history``) in its own transaction; the signal
receivers (``ita.accounts.signals``) and the account pages call them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts import tasks
from ita.accounts.addresses import client_ip
from ita.accounts.models import RecoveryCode
from ita.history.models import Event, EventKind
from ita.history.services import Actor, event_record
from ita.lib.tasks import enqueue_on_commit
from ita.organisations.people import person_name

USER_TYPE = "auth.user"


def _request_data(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
    }


@transaction.atomic
def account_event(
    *,
    action: EventKind,
    user: Actor,
    request: HttpRequest | None = None,
    username: str = "",
    **data: Any,
) -> Event:
    """One account event; ``user`` is who it concerns (None for an unknown name typed)."""
    known = user is not None and user.is_authenticated
    return event_record(
        actor=user if known else None,
        action=action,
        organisation_id=None,
        object_type=USER_TYPE,
        object_id=str(user.pk) if known and user is not None else "",
        comment=username or (user.get_username() if known and user is not None else ""),
        data={**_request_data(request), **data},
    )


def login_failed(*, username: str, request: HttpRequest | None) -> Event:
    """A wrong password or a locked account: the name typed, and the user it names if any."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    return account_event(
        action=EventKind.LOGIN_FAILED, user=user, request=request, username=username[:150]
    )


def locked_out(*, username: str, request: HttpRequest | None) -> Event:
    """The account or address is locked after too many failures (django-axes says which)."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    return account_event(
        action=EventKind.LOCKOUT, user=user, request=request, username=username[:150]
    )


@transaction.atomic
def second_factor_confirm(*, device: TOTPDevice, token: str, actor: Actor) -> bool:
    """Confirm a new TOTP device with a first code from it; a wrong code changes nothing."""
    if not device.verify_token(token):
        event_record(
            actor=actor,
            action=EventKind.SECOND_FACTOR_FAILED,
            organisation_id=None,
            obj=device,
            data={"enrolling": True},
        )
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_record(
        actor=actor,
        action=EventKind.SECOND_FACTOR_ENROL,
        organisation_id=None,
        obj=device,
    )
    return True


def factor_change_notice(
    *, person: User, change: str, actor: Actor, request: HttpRequest | None = None
) -> None:
    """Queue the e-mail that tells ``person`` their second factor changed (``change``: one of
    ``tasks.FACTOR_CHANGES``), once the transaction commits. ``actor`` other than the person is
    named in it (an administrator's reset)."""
    assert change in tasks.FACTOR_CHANGES, change
    by = ""
    if actor is not None and actor.is_authenticated and actor.pk != person.pk:
        by = person_name(actor)
    enqueue_on_commit(
        tasks.factor_change_notify,
        person.pk,
        change,
        by,
        client_ip(request) if request is not None else "",
        timezone.now().isoformat(),
    )


@transaction.atomic
def second_factor_reset(*, person: User, actor: Actor, organisation_id: int | None = None) -> bool:
    """An administrator's reset of ``person``'s second factor: every device and recovery code
    goes, the person sets up a new app at the next signing. Recorded (who, whose, how many
    devices; under ``organisation_id`` when the reset is made for an organisation) and mailed to
    the person. Who may reset whom is the caller's rule. False when there was nothing to reset.
    """
    devices = TOTPDevice.objects.filter(user=person)
    confirmed = devices.filter(confirmed=True).count()
    codes = RecoveryCode.objects.filter(user=person)
    if confirmed == 0 and not codes.exists():
        devices.delete()  # a set-up begun and never confirmed: nothing the person relies on
        return False
    devices.delete()
    codes.delete()
    event_record(
        actor=actor,
        action=EventKind.SECOND_FACTOR_RESET,
        organisation_id=organisation_id,
        object_type=USER_TYPE,
        object_id=str(person.pk),
        comment=person.get_username(),
        data={"devices": confirmed},
    )
    factor_change_notice(person=person, change="reset", actor=actor)
    return True
