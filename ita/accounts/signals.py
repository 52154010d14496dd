"""Every login, failed login, lockout and logout goes to the history (``ita.accounts.services``);
failed and successful logins are counted for the lockout (``ita.accounts.lockout``)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from ita.accounts import lockout, services
from ita.accounts.sessions import start_session
from ita.history import payloads
from ita.history.models import EventKind


@receiver(user_logged_in, dispatch_uid="ita.accounts.logged_in")
def _logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None:
        start_session(request)
        lockout.success_record(request, user)
    services.account_event(action=EventKind.LOGIN, user=user, data=services.seen(request))


@receiver(user_login_failed, dispatch_uid="ita.accounts.login_failed")
def _login_failed(
    sender: object,
    credentials: dict[str, object],
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    username = str(credentials.get("username") or "")
    refused = getattr(request, "login_locked", "") if request is not None else ""
    if refused:  # refused before the password was looked at: not counted again
        services.login_failed(username=username, request=request, locked=refused)
        return
    services.login_failed(username=username, request=request)
    if request is None or not username:
        return
    reason = lockout.failure_record(request, username)
    if reason:
        request.login_locked = reason  # type: ignore[attr-defined]
        services.locked_out(username=username, request=request, reason=reason)


@receiver(user_logged_out, dispatch_uid="ita.accounts.logged_out")
def _logged_out(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: object
) -> None:
    if user is None:
        return
    reason = getattr(request, "session_end_reason", "") if request is not None else ""
    if reason:
        services.account_event(
            action=EventKind.SESSION_EXPIRED,
            user=user,
            data=payloads.SessionEnded(**services.seen(request), reason=reason),
        )
    else:
        services.account_event(action=EventKind.LOGOUT, user=user, data=services.seen(request))
