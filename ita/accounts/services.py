"""The accounts' history: logins, failures, lockouts, logouts, passwords, the second factor.

Each function writes one history row (``ita.history``) in its own transaction; the signal
receivers (``ita.accounts.signals``) and the account pages call them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.accounts import factor, lockout, recovery, tasks
from ita.accounts.addresses import client_ip
from ita.accounts.models import RecoveryCode
from ita.history import payloads
from ita.history.models import Event, EventKind
from ita.history.services import Actor, event_record
from ita.lib.tasks import enqueue_on_commit
from ita.organisations.people import person_name

USER_TYPE = "auth.user"


def seen(request: HttpRequest | None) -> payloads.Seen:
    """Where a request came from, as an account event's details hold it (nothing without one)."""
    if request is None:
        return payloads.Seen()
    return payloads.Seen(
        ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200]
    )


AccountDetails = (
    payloads.Seen
    | payloads.LoginFailed
    | payloads.LockedOut
    | payloads.SessionEnded
    | payloads.Held
    | payloads.CodeRefused
    | payloads.RecoveryCodeUsed
)


@transaction.atomic
def account_event(
    *, action: EventKind, user: Actor, data: AccountDetails, username: str = ""
) -> Event:
    """One account event; ``user`` is who it concerns (None for an unknown name typed); ``data``
    where its request came from (``seen``) and the kind's own details."""
    known = user is not None and user.is_authenticated
    return event_record(
        actor=user if known else None,
        action=action,
        organisation_id=None,
        object_type=USER_TYPE,
        object_id=str(user.pk) if known and user is not None else "",
        comment=username or (user.get_username() if known and user is not None else ""),
        data=data,
    )


def login_failed(*, username: str, request: HttpRequest | None, locked: str = "") -> Event:
    """A wrong password, or a login refused while locked (``locked``: which limit): the name
    typed, and the user it names if any."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    data = payloads.LoginFailed(**seen(request))
    if locked:
        data["locked"] = locked
    return account_event(
        action=EventKind.LOGIN_FAILED, user=user, data=data, username=username[:150]
    )


def locked_out(*, username: str, request: HttpRequest | None, reason: str) -> Event:
    """This failure reached a limit (``ita.accounts.lockout``: per account and address, per
    account, per address)."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    return account_event(
        action=EventKind.LOCKOUT,
        user=user,
        data=payloads.LockedOut(**seen(request), limit=reason),
        username=username[:150],
    )


@transaction.atomic(durable=True)
def code_refused(*, user: User, request: HttpRequest) -> None:
    """A wrong code given to verify a session: counted against the session and the address that
    sent it (never the device), and recorded."""
    factor.count_refused(request, user)
    account_event(action=EventKind.SECOND_FACTOR_FAILED, user=user, data=seen(request))


@transaction.atomic(durable=True)
def second_factor_prove(*, user: User, proof: str, request: HttpRequest) -> str:
    """Check a proof of ownership typed in this session (``ita.accounts.factor``): a code of the
    confirmed device, or an unused recovery code, which is then used up (recorded, mailed). What
    it was (``factor.DEVICE``, ``factor.RECOVERY``), or "" for a wrong one, which is counted
    against the session and address and recorded."""
    kind, code = factor.proof_kind(user, proof)
    if not kind:
        factor.count_refused(request, user)
        account_event(
            action=EventKind.SECOND_FACTOR_FAILED,
            user=user,
            data=payloads.CodeRefused(**seen(request), proving=True),
        )
        return ""
    if code is not None:
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        account_event(
            action=EventKind.RECOVERY_CODE_USED,
            user=user,
            data=payloads.RecoveryCodeUsed(**seen(request), left=left),
        )
        factor_change_notice(person=user, change="recovery_code", actor=user, request=request)
    factor.mark_proven(request, user)
    return kind


def recovery_codes_issue(*, user: User, actor: Actor, request: HttpRequest | None) -> list[str]:
    """A new set of one-time recovery codes for ``user`` (the old ones stop working): returned
    once, to be shown once; stored as digests."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [recovery.new_code() for _ in range(recovery.COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=recovery.digest(c)) for c in codes]
    )
    event_record(
        actor=actor,
        action=EventKind.RECOVERY_CODES_ISSUED,
        organisation_id=None,
        object_type=USER_TYPE,
        object_id=str(user.pk),
        comment=user.get_username(),
        data=payloads.RecoveryCodesIssued(**seen(request), count=len(codes)),
    )
    return codes


@transaction.atomic(durable=True)
def second_factor_confirm(
    *, device: TOTPDevice, token: str, actor: Actor, request: HttpRequest
) -> list[str] | None:
    """Confirm a new TOTP device with a first code from it; a wrong code changes nothing (None).

    A person's first device may be set up by any session of theirs; one that replaces a
    confirmed device only by a session that proved it holds the old one or a recovery code
    (``ita.accounts.factor.proven``). Recorded, mailed to the person; returns the new recovery
    codes, to be shown once.
    """
    user = device.user
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
    if replacing.exists() and not factor.proven(request, user):
        raise PermissionDenied(_("Give a code from your current app or a recovery code first"))
    if not device.verify_token(token):
        factor.count_refused(request, user)
        event_record(
            actor=actor,
            action=EventKind.SECOND_FACTOR_FAILED,
            organisation_id=None,
            obj=device,
            data=payloads.CodeRefused(enrolling=True),
        )
        return None
    replaced = replacing.exists()
    replacing.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_record(
        actor=actor,
        action=EventKind.SECOND_FACTOR_REPLACE if replaced else EventKind.SECOND_FACTOR_ENROL,
        organisation_id=None,
        obj=device,
        data=seen(request),
    )
    codes = recovery_codes_issue(user=user, actor=actor, request=request)
    factor_change_notice(
        person=user, change="replace" if replaced else "enrol", actor=actor, request=request
    )
    factor.forget_proof(request)
    return codes


@transaction.atomic(durable=True)
def second_factor_remove(*, user: User, actor: Actor, request: HttpRequest) -> None:
    """Remove ``user``'s second factor (devices and recovery codes), by a session that proved
    it holds it; recorded and mailed."""
    if not factor.proven(request, user):
        raise PermissionDenied(_("Give a code from your current app or a recovery code first"))
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    event_record(
        actor=actor,
        action=EventKind.SECOND_FACTOR_REMOVE,
        organisation_id=None,
        object_type=USER_TYPE,
        object_id=str(user.pk),
        comment=user.get_username(),
        data=seen(request),
    )
    factor_change_notice(person=user, change="remove", actor=actor, request=request)
    factor.forget_proof(request)


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
        data=payloads.FactorReset(devices=confirmed),
    )
    factor_change_notice(person=person, change="reset", actor=actor)
    return True


@transaction.atomic(durable=True)
def unlock_browser(*, user: User, request: HttpRequest) -> None:
    """The e-mailed unlock link, opened: this browser gets the account's device cookie."""
    lockout.remember_device(request, user.pk)
    account_event(action=EventKind.LOGIN_UNLOCK, user=user, data=seen(request))
