"""The site's own address, for links that leave the browser: e-mails, published addresses."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

_origin: ContextVar[str | None] = ContextVar("ita_request_origin", default=None)


def site_url() -> str:
    """``SITE_URL`` when it is set; else the address of the request being served (the one its
    user reached the site at: an e-mail a click sends points where that click came from); else
    ``SITE_URL``'s default, the address ``make run`` serves (its HOST and PORT)."""
    if settings.SITE_URL_SET:
        return settings.SITE_URL
    return _origin.get() or settings.SITE_URL


def absolute(path: str) -> str:
    return site_url() + path


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
        token = _origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
