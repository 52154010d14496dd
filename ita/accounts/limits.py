"""How many times something was tried, and whether that is too many (``Attempt`` rows).

Every limit counts rows of one kind in a window that slides with the clock: a hold ends by
itself once the oldest counted rows leave the window. Who is counted is the rule of each caller:
``ita.accounts.lockout`` (logins), ``ita.accounts.factor`` (codes), the password reset and the
unlock link (``ita.accounts.requests``).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from ita.accounts.models import Attempt

KEEP = dt.timedelta(days=1)


def count(kind: str, minutes: int, **match: str) -> int:
    """Rows of ``kind`` in the last ``minutes`` whose fields equal ``match``."""
    since = timezone.now() - dt.timedelta(minutes=minutes)
    return Attempt.objects.filter(kind=kind, at__gte=since, **match).count()


def record(kind: str, **fields: str) -> None:
    now = timezone.now()
    Attempt.objects.filter(at__lt=now - KEEP).delete()
    Attempt.objects.create(kind=kind, at=now, **fields)


def forget(kind: str, **match: str) -> None:
    """Drop what was counted (a login that succeeded clears its own failures)."""
    Attempt.objects.filter(kind=kind, **match).delete()


def session_digest(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:64] if session_key else ""
