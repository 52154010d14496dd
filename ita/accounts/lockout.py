"""Login lockout that cannot be turned against an account's owner.

Failed logins are counted (``Attempt`` rows, kind ``login``) three ways:

- per account and address together: ``LOGIN_FAILURE_LIMIT`` (5) in ``LOGIN_LOCKOUT_MINUTES``
  (15) locks that account from that address only;
- per account, across addresses: ``LOGIN_ACCOUNT_FAILURE_LIMIT`` (20) in
  ``LOGIN_ACCOUNT_WINDOW_MINUTES`` (60): the slower limit that guesses spread over many addresses
  reach;
- per address, across names: ``LOGIN_ADDRESS_FAILURE_LIMIT`` (20) in ``LOGIN_LOCKOUT_MINUTES``
  (one address trying many accounts).

A browser that has logged in to the account before carries a device cookie (signed, naming the
account; OWASP, "Slow down online guessing attacks with device cookies"): none of those limits
applies to it, only ``LOGIN_FAILURE_LIMIT`` failures made with that very cookie, which lock
that browser until they leave the window. So someone else's guesses never lock the owner
out of a browser he has used; a new browser can be trusted through a link e-mailed to the
account's address (``ita.accounts.unlock``). Attempts refused while locked are not counted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ita.accounts import limits
from ita.accounts.addresses import client_ip
from ita.accounts.models import Attempt
from ita.lib.jsonvalue import JSONValue

COOKIE = "ita_device"
SALT = "ita.accounts.device"
# The accounts one browser remembers (a shared office computer).
MAX_ACCOUNTS = 5
LOGIN = Attempt.Kind.LOGIN

# Why a login is refused (the locked page says it), or "" to go on.
PAIR, ACCOUNT, ADDRESS = "address", "account", "many"


def _cookie_entries(request: HttpRequest) -> list[list[JSONValue]]:
    """The signed cookie's [user id, device id] pairs (any other JSON in it is left out)."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=SALT, max_age=settings.LOGIN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, list) and len(e) == 2]


def trusted_device(request: HttpRequest, username: str) -> str:
    """The id of the device cookie this browser holds for the account ``username``, or ""."""
    entries = _cookie_entries(request)
    if not entries or not username:
        return ""
    user_id = (
        get_user_model()
        .objects.filter(**{get_user_model().USERNAME_FIELD: username})
        .values_list("pk", flat=True)
        .first()
    )
    return next((str(d) for u, d in entries if u == user_id), "")


def remember_device(request: HttpRequest, user_id: int) -> None:
    """Give this browser a device cookie for ``user_id`` (kept, with the others it holds, by
    ``LockoutMiddleware`` on the response)."""
    entries = [e for e in _cookie_entries(request) if e[0] != user_id]
    mine: list[JSONValue] = [user_id, secrets.token_hex(16)]
    entries = [mine, *entries][:MAX_ACCOUNTS]
    request.device_cookie = signing.dumps(entries, salt=SALT)  # type: ignore[attr-defined]


def refusal(request: HttpRequest, username: str) -> str:
    """Why a login to ``username`` from this request is refused now, or ""."""
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    device = trusted_device(request, username)
    if device:
        if limits.count(LOGIN, minutes, account=username, device=device) < (
            settings.LOGIN_FAILURE_LIMIT
        ):
            return ""
        return PAIR  # guesses made with the cookie itself lock this browser for a while
    address = client_ip(request)
    if limits.count(LOGIN, minutes, account=username, address=address, device="") >= (
        settings.LOGIN_FAILURE_LIMIT
    ):
        return PAIR
    if limits.count(LOGIN, settings.LOGIN_ACCOUNT_WINDOW_MINUTES, account=username, device="") >= (
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    ):
        return ACCOUNT
    if limits.count(LOGIN, minutes, address=address, device="") >= (
        settings.LOGIN_ADDRESS_FAILURE_LIMIT
    ):
        return ADDRESS
    return ""


def failure_record(request: HttpRequest, username: str) -> str:
    """Count a failed login; why the next one is refused, if it now is."""
    device = trusted_device(request, username)
    limits.record(LOGIN, account=username[:254], address=client_ip(request), device=device)
    return refusal(request, username)


def success_record(request: HttpRequest, user: AbstractBaseUser) -> None:
    """A login that succeeded: its own failures are forgotten (those of this browser, or of this
    address with no cookie), and the browser is remembered for the account."""
    username = user.get_username()
    device = trusted_device(request, username)
    if device:
        limits.forget(LOGIN, account=username, device=device)
    else:
        limits.forget(LOGIN, account=username, address=client_ip(request), device="")
    remember_device(request, user.pk)


def locked_page(request: HttpRequest, reason: str) -> HttpResponse:
    """The page a refused login gets: which limit, for how long, and the unlock link."""
    username = request.POST.get(get_user_model().USERNAME_FIELD) or request.POST.get("username", "")
    return render(
        request,
        "registration/locked.html",
        {
            "reason": reason,
            "failure_limit": settings.LOGIN_FAILURE_LIMIT,
            "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            "account_minutes": settings.LOGIN_ACCOUNT_WINDOW_MINUTES,
            "username": username[:150],
        },
        status=429,
    )


class LockoutBackend:
    """First of ``AUTHENTICATION_BACKENDS``: a locked login stops here (``PermissionDenied``
    ends ``authenticate``, which then sends ``user_login_failed``), before any password is
    checked; the reason waits on the request for ``LockoutMiddleware``. It authenticates no one
    and loads no user (no ``get_user``: Django's test client picks the first backend that has
    one for ``force_login``)."""

    def authenticate(self, request: HttpRequest | None, **credentials: object) -> None:
        username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
        if request is None or not username:
            return None
        reason = refusal(request, str(username))
        if reason:
            request.login_locked = reason  # type: ignore[attr-defined]
            raise PermissionDenied(reason)
        return None


class LockoutMiddleware:
    """Answers a refused login with the locked page (429), whichever login form it came from
    (the site's, the admin's), and sets the device cookie a login earned."""

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponse],
    ) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        reason = getattr(request, "login_locked", "")
        if reason:
            response = locked_page(request, reason)
        cookie = getattr(request, "device_cookie", None)
        if cookie:
            response.set_cookie(
                COOKIE,
                cookie,
                max_age=settings.LOGIN_DEVICE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
