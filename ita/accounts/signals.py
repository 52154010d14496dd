"""Every login, failed login, lockout and logout goes to the history (``ita.accounts.services``)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from ita.accounts import services
from ita.accounts.sessions import start_session
from ita.history.models import EventKind


@receiver(user_logged_in, dispatch_uid="ita.accounts.logged_in")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        start_session(request)
    services.account_event(action=EventKind.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="ita.accounts.login_failed")
def _login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    services.login_failed(username=str(credentials.get("username") or ""), request=request)


@receiver(user_logged_out, dispatch_uid="ita.accounts.logged_out")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "session_end_reason", "") if request is not None else ""
    services.account_event(
        action=EventKind.SESSION_EXPIRED if reason else EventKind.LOGOUT,
        user=user,
        request=request,
        **({"reason": reason} if reason else {}),
    )


@receiver(user_locked_out, dispatch_uid="ita.accounts.locked_out")
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    services.locked_out(username=username or "", request=request)
