"""Deployment checks of this project's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _on_this_machine(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Signed documents print SITE_URL for good: one that only this machine can reach, or that
    browsers will not trust, is a mistake to stop before the first document is signed."""
    site = urlsplit(settings.SITE_URL)
    host = site.hostname or ""
    if _on_this_machine(host):
        return [
            checks.Error(
                f"SITE_URL is {settings.SITE_URL}, an address of this machine: signed documents "
                "and e-mails would point readers at their own computer.",
                hint="Set SITE_URL to the address people reach the site at, "
                "e.g. https://ita.example.go.th.",
                id="ita.E001",
            )
        ]
    if site.scheme != "https":
        return [
            checks.Warning(
                f"SITE_URL is {settings.SITE_URL}: links and printed verification addresses "
                "would not use https.",
                hint="Serve the site over https and give SITE_URL as https://….",
                id="ita.W001",
            )
        ]
    return []
