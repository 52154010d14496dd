"""Thai first (the interface is Thai unless the user chose English), and the security headers."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class ThaiFirstMiddleware:
    """Ignore the browser's Accept-Language, so LocaleMiddleware falls back to Thai.

    An office computer set up in English still gets the Thai interface; the language switch
    (a cookie) is the one way to English. Must come before LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and ``no-store`` on every private one.

    The policy (``settings.CONTENT_SECURITY_POLICY``) allows scripts and styles from this site
    only: no inline script or style, no ``eval``. A view that sets its own policy keeps it (the
    emblem's SVG). A response to a logged-in user, or one the view marked private or
    ``never_cache`` (the login and admin pages), is never stored by a browser or a proxy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # (Django's technical 404 and 500 pages of development style themselves inline.)
        technical = settings.DEBUG and response.status_code in (404, 500)
        if "Content-Security-Policy" not in response and not technical:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        user = getattr(request, "user", None)
        cache = response.get("Cache-Control", "")
        if (user is not None and user.is_authenticated) or "private" in cache:
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
