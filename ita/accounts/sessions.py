"""Sessions end after an idle time and after an absolute time (``SESSION_IDLE_SECONDS``,
``SESSION_ABSOLUTE_SECONDS``; OWASP ASVS level 2: 30 minutes idle, 12 hours in all).

The session holds when it was started (at login) and when it was last used; a request past
either limit is logged out first (a history row, ``account.session_expired``) and then goes on
as an anonymous one: a private page sends it to the login page, which says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

STARTED = "session_started"
LAST_SEEN = "session_last_seen"
# The last-seen time is written at most this often (a session write per page is a database write).
TOUCH_EVERY = 30


def start_session(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


def expired(request: HttpRequest, now: float) -> str:
    """ "idle", "absolute" or "" (still valid)."""
    session = request.session
    started = session.get(STARTED)
    last_seen = session.get(LAST_SEEN)
    if started is None or last_seen is None:
        return "absolute"  # a session from before the limits, or forged: log in again
    if now - started > settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - last_seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = expired(request, now)
            if reason:
                request.session_end_reason = reason  # type: ignore[attr-defined]
                logout(request)
                messages.info(
                    request,
                    _("Your session ended after %(minutes)s minutes without use; log in again")
                    % {"minutes": settings.SESSION_IDLE_SECONDS // 60}
                    if reason == "idle"
                    else _("Your session reached its %(hours)s-hour limit; log in again")
                    % {"hours": settings.SESSION_ABSOLUTE_SECONDS // 3600},
                )
            elif now - request.session[LAST_SEEN] >= TOUCH_EVERY:
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)
