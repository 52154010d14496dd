"""The accounts' history: logins, failures, lockouts, logouts, passwords, the second factor.

Each function writes one history row (``ita.history``) in its own transaction; the signal
receivers (``ita.accounts.signals``) and the account pages call them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts.addresses import client_ip
from ita.history.models import Event, EventKind
from ita.history.services import Actor, event_record

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
