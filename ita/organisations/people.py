"""How people's names are written: Thai names carry their title in the first name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def person_name(user: User | None) -> str:
    """นายณัชพล รังสิปการ; the login name when no name is recorded."""
    if user is None:
        return ""
    first = getattr(user, "first_name", "") or ""
    last = getattr(user, "last_name", "") or ""
    return f"{first} {last}".strip() or str(getattr(user, "username", ""))
