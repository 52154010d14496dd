"""The site's own address, for links that leave the browser: e-mails, published addresses."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse

_origin: ContextVar[str | None] = ContextVar("ita_request_origin", default=None)


def site_url() -> str:
    """``SITE_URL`` when it is set; else the address of the request being served (the one its
    user reached the site at: an e-mail a click sends points where that click came from); else
    ``SITE_URL``'s default, the address ``make run`` serves (its HOST and PORT). A site served
    under a path (https://www.suso.go.th/ita) has it in its address, with no slash at the end."""
    if settings.SITE_URL_SET:
        return settings.SITE_URL
    return _origin.get() or settings.SITE_URL


def absolute(path: str, site: str | None = None) -> str:
    """``path`` (as ``reverse`` gives it) at the site's address (``site``: one taken from a
    request earlier, for a task). Inside a request served under a path (the server's
    SCRIPT_NAME, /ita), ``reverse`` starts with it and the site's address ends with it: it is
    said once, as the worker, which has no request, says it too."""
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return (site if site is not None else site_url()).rstrip("/") + path


def reverser(viewname: str) -> Callable[[int], str]:
    """``reverse(viewname, args=[pk])`` for the many rows of one page at the cost of a single
    ``reverse``: the URL is resolved once around a marker and then filled in."""
    marker = "918273645"
    head, tail = reverse(viewname, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


class RequestOriginMiddleware:
    """Keeps the request's origin (scheme and host, checked against ALLOWED_HOSTS) for
    ``site_url`` while the request is served, mail sent on commit included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        script = get_script_prefix().rstrip("/")
        token = _origin.set(f"{request.scheme}://{request.get_host()}{script}")
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
