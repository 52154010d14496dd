"""Thai first: the interface is Thai unless the user chose English with the language switch."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
