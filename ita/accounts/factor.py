"""The second factor belongs to its owner.

A session with only the password may set up a first device, never replace or remove a confirmed
one: that needs a proof of ownership in this session (``prove``): a code from the device, or one
of the one-time recovery codes issued with it (``ita.accounts.recovery``), good for
``PROOF_SECONDS``. Wrong codes, here and when a session is verified, hold back the session and
the client address that sent them (``held``); the device itself is never throttled (django-otp's
own throttle is off: ``OTP_TOTP_THROTTLE_FACTOR = 0``), so its owner's right code is always
taken from her own session.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest

from ita.accounts import limits, recovery
from ita.accounts.addresses import client_ip
from ita.accounts.models import Attempt, RecoveryCode
from ita.accounts.second_factor import confirmed_device

CODE = Attempt.Kind.CODE
PROVEN = "second_factor_proven"
PROOF_SECONDS = 600
DEVICE, RECOVERY = "device", "recovery"


def held(request: HttpRequest) -> bool:
    """Too many wrong codes from this session, or from this address, of late."""
    minutes = settings.SECOND_FACTOR_HOLD_MINUTES
    session = limits.session_digest(request.session.session_key)
    if session and limits.count(CODE, minutes, session=session) >= (
        settings.SECOND_FACTOR_SESSION_LIMIT
    ):
        return True
    return limits.count(CODE, minutes, address=client_ip(request)) >= (
        settings.SECOND_FACTOR_ADDRESS_LIMIT
    )


def count_refused(request: HttpRequest, user: User) -> None:
    """A wrong code (or one sent while held back): counted against this session and address."""
    limits.record(
        CODE,
        account=user.get_username(),
        address=client_ip(request),
        session=limits.session_digest(request.session.session_key),
    )


def matching_recovery_code(user: User, typed: str) -> RecoveryCode | None:
    if not recovery.looks_like_code(typed):
        return None
    codes = RecoveryCode.objects.filter(user=user, used_at__isnull=True)
    return next((c for c in codes if recovery.matches(typed, c.digest)), None)


def proof_kind(user: User, typed: str) -> tuple[str, RecoveryCode | None]:
    """What ``typed`` proves: a code of the confirmed device, an unused recovery code, or
    nothing (``""``). Checks only; the caller records."""
    text = typed.strip()
    device = confirmed_device(user)
    if device is not None and text.isdigit() and len(text) == 6 and device.verify_token(text):
        return DEVICE, None
    code = matching_recovery_code(user, text)
    return (RECOVERY, code) if code is not None else ("", None)


def mark_proven(request: HttpRequest, user: User) -> None:
    device = confirmed_device(user)
    request.session[PROVEN] = {"device": device.pk if device else None, "at": int(time.time())}


def proven(request: HttpRequest, user: User) -> bool:
    """This session proved, a short while ago, that it holds the current device's owner's
    proof (and the device is still the one it was proved for)."""
    mark = request.session.get(PROVEN)
    device = confirmed_device(user)
    if not isinstance(mark, dict) or device is None:
        return False
    return mark.get("device") == device.pk and time.time() - mark.get("at", 0) < PROOF_SECONDS


def forget_proof(request: HttpRequest) -> None:
    request.session.pop(PROVEN, None)
