"""The inbox and a memo's page kept whole for the person who opened them, beside their
navigation (``selectors.navigation_with``: the page and the navigation in one cache read).

A kept page is served while nothing it shows has changed: it is kept under the navigation's
version, which every write to a memo renews (its row, a transition, a comment or signature, a
file, its history), and every change of who holds which position or acts for whom, of a
person's permissions, of an organisation (its name, emblem, memo chain, certificate) or of a
published report (``memos.signals``); under the day (an acting appointment ends); under the
viewer (their id, name and flags: their own rights, and what the navigation prints of them),
the address asked and the site's address. A page is kept for one person only: another member,
with other rights, has their own, and an outsider's 404 is never kept. The CSRF token is put in
at each serving (``ita.lib.kept``): a page kept during one session never carries its token into
another.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from ita.lib import kept
from memos import selectors

# The shape of a kept page in the cache: a new one when it changes.
FORMAT = "kept-page-1"


@dataclass(frozen=True)
class KeptPage:
    """A page as rendered for ``viewer``, with ``marker`` where the CSRF token goes."""

    viewer: tuple[object, ...]
    html: str
    marker: str


@dataclass(frozen=True)
class Keeping:
    """Where a page is kept: beside ``nav`` (the navigation read for this request), under
    ``name``."""

    nav: selectors.Navigation
    name: str


def _viewer(request: HttpRequest) -> tuple[object, ...]:
    user = request.user
    return (
        getattr(settings, "RELEASE", ""),
        user.pk,
        user.get_username(),
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        user.is_staff,
        user.is_active,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    )


def _read(value: object) -> KeptPage | None:
    """A kept page as stored: a tuple of plain values (a server of another release reads it or
    finds it is not one, and never fails to unpickle a class it lacks)."""
    if not (isinstance(value, tuple) and len(value) == 4 and value[0] == FORMAT):
        return None
    _format, viewer, html, marker = value
    if isinstance(viewer, tuple) and isinstance(html, str) and isinstance(marker, str):
        return KeptPage(viewer, html, marker)
    return None


def find(request: HttpRequest, name: str) -> tuple[Keeping | None, HttpResponse | None]:
    """The page kept for this person under ``name``, served with this request's token; or where
    to keep the page about to be rendered (None when it must not be kept: a message waiting,
    nothing kept at all)."""
    if settings.NAV_COUNTS_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return None, None
    if kept.messages_waiting(request):
        return None, None  # the page shows it once: rendered for this request alone
    name = f"page:{name}"  # never a name kept by a release before (the inbox's cards)
    nav, found = selectors.navigation_with(request.user, name)
    page = _read(found)
    if page is not None and page.viewer == _viewer(request):
        return None, HttpResponse(kept.fill(request, page.html, page.marker))
    return (Keeping(nav, name) if nav.stamp else None), None


def render(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    keeping: Keeping | None,
    status: int = 200,
) -> HttpResponse:
    """The page rendered for this request, and kept at ``keeping`` when given."""
    with kept.marked(request) as marker:
        html = render_to_string(template, context, request)
    if keeping is not None and status == 200:
        page = (FORMAT, _viewer(request), html, marker)
        selectors.keep_with_navigation(request.user, keeping.nav, keeping.name, page)
    return HttpResponse(kept.fill(request, html, marker), status=status)
