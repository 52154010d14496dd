"""Deployment checks of this project's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from ita.documents import engine

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
    app_configs: Sequence[AppConfig] | None, **kwargs: object
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


@checks.register()
def check_font_subsetter(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[checks.CheckMessage]:
    """The document of record renders to the same bytes every time, or its render cannot be
    trusted to be the one that was signed; a machine without HarfBuzz's subsetter breaks that."""
    if engine.fonts_subset_without_a_clock():
        return []
    return [
        checks.Warning(
            "HarfBuzz's font subsetter (libharfbuzz-subset.so.0) is missing: WeasyPrint falls "
            "back to fontTools, which writes the time into every PDF's fonts, so the same memo "
            "renders to different bytes.",
            hint="apt-get install libharfbuzz-subset0 (make install does it as root).",
            id="ita.W002",
        )
    ]
