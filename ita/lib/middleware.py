"""Thai first (the interface is Thai unless the user chose English), the security headers, and
a Thai answer when the storage is full, and private pages compressed with care for their
secrets; a page whose asker has gone is not made."""

import errno
import logging
import socket
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)


# nginx's code for a request whose client closed the connection first (logged, never seen).
CLIENT_GONE = 499


def client_gone(request: HttpRequest) -> bool:
    """Whether the connection the request came on is closed by the other side (nginx closes it
    when the browser gave up), as far as the server tells (gunicorn's sync workers give the
    socket: ``gunicorn.socket``); False when it cannot tell."""
    sock = request.META.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return False
    try:
        # A GET's request is read whole: anything still to read would be the peer's; b"" is
        # its end (FIN), as a peek that takes nothing and never waits.
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False  # open, nothing more sent: the asker waits
    except OSError:
        return True  # reset


class AbandonedRequestMiddleware:
    """A GET or HEAD whose asker has gone is answered 499 without being made.

    After a burst, an app server's queue (the listen backlog) holds requests whose browsers, or
    nginx for them, gave up long ago: each used to be made in full for nobody, and the site took
    seconds to answer the people asking now. A write (POST …) is always carried out: who sent it
    expects it done, whether or not they see the answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and client_gone(request):
            return HttpResponse(status=CLIENT_GONE)
        return self.get_response(request)


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


# A write the storage could not take: no room, over a quota or a file-size limit, read-only.
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def storage_full(error: BaseException | None) -> bool:
    """``error`` (or one it was raised from) is the storage refusing a write."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in STORAGE_FULL_ERRNOS:
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class StorageFullMiddleware:
    """No 500 on a full disk, wherever a file is written: a Thai page (503) that says so.

    Files are written whole or not at all (``ita.lib.storage``) and each request's writes roll
    back with the exception, so nothing is half-written; a view that can say more (which file,
    keep the typed text) catches the error itself first. An upload too large to stay in memory
    is written to a temporary file while the form is read: where the CSRF check reads the form
    (before any view), it is read here first, so that a full disk there is answered the same
    way. Placed before ``CsrfViewMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponseBase], *args: object
    ) -> HttpResponse | None:
        # Only where the CSRF check reads the form next anyway: elsewhere the view reads it, and
        # says what it wants of a form too large (process_exception answers a full disk there).
        exempt = getattr(view, "csrf_exempt", False)
        if exempt or getattr(request, "_dont_enforce_csrf_checks", False):
            return None
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 (reads the form and its files)
            except OSError as error:
                if storage_full(error):
                    return _full_page(request, error)
                raise
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if storage_full(exception):
            return _full_page(request, exception)
        return None


def _full_page(request: HttpRequest, error: BaseException) -> HttpResponse:
    logger.error("storage full or read-only: %s %s: %s", request.method, request.path, error)
    return render(request, "storage_full.html", status=503)


# Sec-Fetch-Site values of a request the user's own browsing made (not another site's page).
OWN_REQUEST = frozenset({"same-origin", "none"})


class PrivateCompressionMiddleware(GZipMiddleware):
    """Pages rendered for one person (the inbox, a memo, the forms) sent gzip, with care for
    their secrets (BREACH: an attacker who makes the victim's browser ask for a page with a
    guess in it, and watches the compressed size, learns a secret byte by byte).

    Only a request that the browser marks as the user's own (``Sec-Fetch-Site: same-origin``
    or ``none``: typed, bookmarked, or a link of this site) is answered compressed: the one
    kind of request another site can cause, a cross-site one, always gets the plain page. The
    CSRF token is masked anew in every response, and Django pads each compressed response with
    random bytes ("Heal the BREACH") besides. Responses already compressed (the public pages'
    cache, ``ita.history.published``) and files streamed (PDFs, attachments) are left alone.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        public = "public" in response.get("Cache-Control", "")
        if response.streaming or response.has_header("Content-Encoding") or public:
            return response
        patch_vary_headers(response, ("Accept-Encoding", "Sec-Fetch-Site"))
        if request.META.get("HTTP_SEC_FETCH_SITE") not in OWN_REQUEST:
            return response
        return super().process_response(request, response)
