"""A member's private page kept whole and served again, with this request's own CSRF token.

A page kept for a person (the inbox, a memo's page: ``memos.views.lists.inbox``,
``memos.views.memo.memo_detail``) is rendered with a marker in place of the CSRF token
(``csrf_marker``, a context processor that follows Django's own): a random string made for that
render, kept with the page. Each time the page is served, the marker
is replaced by the token of the request being answered (``fill``), so a page kept during one of
a person's sessions never carries that session's token into another (their phone's, another
browser's). A marker is 32 random hexadecimal digits made after the text it is put in was
written, so nothing a user typed can be one.

A page is kept only when nothing in it belongs to one request alone: no message waiting to be
shown (``messages_waiting``), nothing kept in the session for the page to take once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token

# The marker of the render under way, in the request's META (a plain dict: no new attribute).
MARKER_KEY = "ita.kept.csrf_marker"
MARKER_PREFIX = "kept-csrf-"
# django.contrib.messages' CookieStorage.cookie_name (the fallback storage's first).
MESSAGES_COOKIE = "messages"


def messages_waiting(request: HttpRequest) -> bool:
    """A message addressed to this visitor or member is shown on the page they get next."""
    if MESSAGES_COOKIE in request.COOKIES:
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session: nothing is read from the database
    session = getattr(request, "session", None)
    return bool(session is not None and session.get("_messages"))


def csrf_marker(request: HttpRequest) -> dict[str, str]:
    """Context processor: the marker in place of the CSRF token while a kept page renders
    (listed after Django's own ``csrf``, which it then overrides); nothing otherwise."""
    marker = request.META.get(MARKER_KEY)
    return {"csrf_token": marker} if isinstance(marker, str) else {}


@contextmanager
def marked(request: HttpRequest) -> Iterator[str]:
    """Within the block, every template rendered for ``request`` (the page's own parts too)
    writes the marker it yields where the CSRF token goes."""
    marker = MARKER_PREFIX + secrets.token_hex(16)
    request.META[MARKER_KEY] = marker
    try:
        yield marker
    finally:
        del request.META[MARKER_KEY]


def fill(request: HttpRequest, html: str, marker: str) -> str:
    """The kept page with the marker replaced by this request's CSRF token."""
    if marker not in html:
        return html
    return html.replace(marker, get_token(request))
