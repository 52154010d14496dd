"""The version of the published data, and the public pages served from a cache keyed by it.

Everything the public pages show (results, the method, organisations and their spellings, the
findings on an organisation's page) changes only through a service that records a history row,
through the admin of those records, or through ``migrate``. Each of them calls ``bump()`` in its
own transaction (``event_record`` does it for the kinds in ``PUBLISHED_KINDS``), so the version
and the data commit together: a request that reads the new version reads the new data, on any
server. A public page is cached under (version, language, address), in a shared cache
(``settings.CACHES["default"]``: the database by default) behind a small per-process copy; an
old version's entries are never read again and expire. Nothing stale can be served.

Only anonymous requests are served from the cache: a logged-in user's page carries their name,
inbox count and tokens, so it is rendered for them and marked private.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from ita.history.models import EventKind, Publication

# The kinds of change that alter what a public page shows. Memos, measures, the OIT checklist
# and an import's preview stay inside the office or the import until applied.
PUBLISHED_KINDS = frozenset(
    {
        EventKind.ORGANISATION_CREATE,
        EventKind.ALIAS_ADD,
        EventKind.DISTRICT_ALIAS_ADD,
        EventKind.YEAR_CREATE,
        # A year's method (levels, whether confirmed) is on the API and beside its results.
        EventKind.YEAR_CONFIRM,
        EventKind.YEAR_SCHEME,
        EventKind.YEAR_UNCONFIRM,
        EventKind.YEAR_DELETE,
        EventKind.ASSESSMENT_SCORES,
        EventKind.IMPORT_CREATE_ORGANISATION,
        EventKind.IMPORT_APPLY,
        EventKind.IMPORT_REVERT,
        EventKind.FINDING_CREATE,
        EventKind.FINDING_UPDATE,
        EventKind.FINDING_DELETE,
        EventKind.REPORT_PUBLISH,  # the organisation's page lists its published reports
    }
)

ONE_ROW = 1


@dataclass(frozen=True)
class Stamp:
    version: int
    changed_at: dt.datetime

    @property
    def token(self) -> str:
        # The time too, to the microsecond: a database emptied and filled again (a flush, a
        # test) starts its counter anew.
        return f"{self.version}.{self.changed_at.isoformat()}"


def current() -> Stamp | None:
    """The published data's version (one small query), or None before the first migrate."""
    row = Publication.objects.filter(pk=ONE_ROW).values_list("version", "changed_at").first()
    return None if row is None else Stamp(*row)


def bump() -> Stamp:
    """A new version of the published data; call inside the transaction of the change.

    Each version starts a whole second of its own (Last-Modified has no finer unit), so a
    browser's If-Modified-Since never matches a later version."""
    with transaction.atomic():
        row = Publication.objects.select_for_update().filter(pk=ONE_ROW).first()
        now = timezone.now()
        if row is None:
            row = Publication.objects.create(pk=ONE_ROW, version=1, changed_at=now)
        else:
            row.version += 1
            row.changed_at = max(now, row.changed_at.replace(microsecond=0) + dt.timedelta(0, 1))
            row.save(update_fields=["version", "changed_at"])
    return Stamp(row.version, row.changed_at)


# A few recent pages per process in front of the shared cache: the key holds the version, so
# a copy here is exactly as fresh as the shared one.
LOCAL_BYTES = 32 * 1024 * 1024


class _Local:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    def put(self, key: str, item: tuple) -> None:
        size = len(item[1]) + len(item[3] or b"")
        if size > self.limit // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = item
            self.size += size
            while self.size > self.limit:
                _, old = self.items.popitem(last=False)
                self.size -= len(old[1]) + len(old[3] or b"")

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


local = _Local(LOCAL_BYTES)

# Headers a cached page keeps; the middleware adds the rest on the way out, per request.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


# django.contrib.messages' CookieStorage.cookie_name
MESSAGES_COOKIE = "messages"


def _anonymous(request: HttpRequest) -> bool:
    """No user and nothing addressed to this visitor (a message) on the page."""
    if MESSAGES_COOKIE in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True  # no session: nobody is logged in, and nothing is read from the database
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.get("_messages"))


def _key(request: HttpRequest, stamp: Stamp) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    release = getattr(settings, "RELEASE", "")
    parts = (release, stamp.token, language, request.scheme, request.get_host())
    raw = "\n".join(str(p) for p in (*parts, request.get_full_path())).encode()
    return "public:" + hashlib.sha256(raw).hexdigest()


def _cacheable(request: HttpRequest, response: HttpResponseBase) -> bool:
    control = response.get("Cache-Control", "")
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in control
        and "no-store" not in control
    )


# Pages compress to about a tenth; compressed once when cached, sent so to whoever accepts it.
GZIP_MIN_BYTES = 1024


def _freeze(response: HttpResponse) -> tuple:
    headers = tuple((h, response[h]) for h in KEPT_HEADERS if h in response)
    content = response.content
    packed = gzip.compress(content, 6, mtime=0) if len(content) >= GZIP_MIN_BYTES else None
    return (response.status_code, content, headers, packed)


def _thaw(item: tuple, packed: bool) -> HttpResponse:
    status, content, headers, compressed = item
    response = HttpResponse(compressed if packed else content, status=status)
    for name, value in headers:
        response[name] = value
    if packed:
        response["Content-Encoding"] = "gzip"
    return response


def _validators(response: HttpResponseBase, etag: str, stamp: Stamp) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp.changed_at.timestamp())
    # Any cache may keep it, and must ask again (a 304 is cheap) before each use.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))


def serve(request: HttpRequest, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """``render()``'s response, from the cache when the visitor is anonymous."""
    if request.method not in ("GET", "HEAD") or not _anonymous(request):
        response = render()
        if request.method in ("GET", "HEAD"):
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie",))
        return response
    stamp = current()
    if stamp is None:
        return render()
    key = _key(request, stamp)
    # Each representation its own validator (RFC 9110 8.8.3): the compressed one ends in -gz.
    packed = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
    etag = f'"{key[7:39]}{"-gz" if packed else ""}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(stamp.changed_at.timestamp())
    )
    if not_modified is not None:
        _validators(not_modified, etag, stamp)
        return not_modified
    item = local.get(key)
    if item is None:
        stored = caches["default"].get(key)
        if stored is not None:
            item = pickle.loads(stored)
            local.put(key, item)
    if item is None:
        response = render()
        if not _cacheable(request, response):
            return response
        assert isinstance(response, HttpResponse)
        item = _freeze(response)
        caches["default"].set(key, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        local.put(key, item)
    if packed and item[3] is None:
        etag = etag.replace("-gz", "")  # too small to compress: sent as it is
    response = _thaw(item, packed and item[3] is not None)
    _validators(response, etag, stamp)
    return response


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A public page's view, served through ``serve``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return serve(request, lambda: view(request, *args, **kwargs))

    return wrapped
