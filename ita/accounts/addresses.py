"""The address a request came from, as the lockout counts it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind ``PROXY_COUNT`` proxies the address the first of them saw.

    Each proxy appends the address it received from to X-Forwarded-For, so the trusted entry is
    the PROXY_COUNT-th from the right; anything left of it may be forged by the client.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or ""
