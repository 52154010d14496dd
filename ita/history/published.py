"""The version of the published data, and the public pages served from a cache keyed by it.

Everything the public pages show (results, the method, organisations and their spellings, the
findings on an organisation's page) changes only through a service that records a history row,
through the admin of those records, or through ``migrate``. Each of them calls ``bump()`` in its
own transaction (``event_record`` does it for the kinds in ``PUBLISHED_KINDS``), so the version
and the data commit together: a request that reads the new version reads the new data, on any
server. A public page is cached under (version, language, address), in a shared cache
(``settings.CACHES["default"]``: the database by default) behind a small per-process copy; an
old version's entries are never read again and expire. Nothing stale can be served.

A member's page of public data is the visitor's cached page with its personal parts (the
navigation's links, counts, name and tokens; the member's own organisations) rendered again for
them (``ita.lib.personal``), marked private, never a fresh render of the whole page. Compressed,
the public parts are the cached deflate pieces and the personal ones are sent as stored
(uncompressed) blocks: nothing secret is ever compressed with anything a request can choose
(BREACH).

A page caches only the query parameters its view declares (``public_page(params=…)``), in the
order of their names: any other parameter is dropped before the view sees it, so made-up
parameters cannot fill the cache with copies of a page.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import overload

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from ita.history.models import EventKind, Publication
from ita.lib import kept, personal

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


def _size(item: tuple) -> int:
    return len(item[1]) + len(item[3] or b"") + sum(len(p[2]) for p in item[4] if type(p) is tuple)


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
        size = _size(item)
        if size > self.limit // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = item
            self.size += size
            while self.size > self.limit:
                _, old = self.items.popitem(last=False)
                self.size -= _size(old)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


local = _Local(LOCAL_BYTES)

# Headers a cached page keeps; the middleware adds the rest on the way out, per request.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _logged_in(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session: nobody is logged in, and nothing is read from the database
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def canonical_query(request: HttpRequest, params: Iterable[str]) -> None:
    """Keep only the query parameters the page uses, in the order of their names (each name's
    values in the order given): the view, the cache key and every link the page writes see the
    same query, whatever else or in whatever order a client sent."""
    names = set(params)
    pairs = [(k, v) for k in sorted(request.GET) if k in names for v in request.GET.getlist(k)]
    query = QueryDict(mutable=True)
    for name, value in pairs:
        query.appendlist(name, value)
    text = query.urlencode()
    if text != request.META.get("QUERY_STRING", ""):
        query._mutable = False
        request.GET = query  # type: ignore[assignment]  # made immutable just above
        request.META["QUERY_STRING"] = text


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


# A gzip member in pieces (RFC 1951/1952): the header, raw deflate pieces each ending on a byte
# boundary (a sync flush), an empty final block, then the CRC-32 and the length of the whole.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_last = zlib.compressobj(6, zlib.DEFLATED, -15)
FINAL_BLOCK = _last.flush(zlib.Z_FINISH)


def _deflated(data: bytes, level: int) -> bytes:
    """``data`` as raw deflate blocks that a later piece may follow (not final)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def _pieces(content: bytes) -> tuple:
    """The page cut at its personal parts: (public bytes' span, their deflate piece) and the
    names of the parts between them."""
    out: list[tuple[int, int, bytes] | str] = []
    at = 0
    for start, end, name in personal.split(content):
        out.append((at, start, _deflated(content[at:start], 6)))
        out.append(name)
        at = end
    out.append((at, len(content), _deflated(content[at:], 6)))
    return tuple(out)


def _freeze(response: HttpResponse) -> tuple:
    headers = tuple((h, response[h]) for h in KEPT_HEADERS if h in response)
    content = response.content
    packed = gzip.compress(content, 6, mtime=0) if len(content) >= GZIP_MIN_BYTES else None
    return (response.status_code, content, headers, packed, _pieces(content))


def _thaw(item: tuple, packed: bool) -> HttpResponse:
    status, content, headers, compressed, _pieces = item
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


def _private(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def _as_visitor(request: HttpRequest, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """The page as a visitor sees it, rendered during a member's request."""
    user = request.user
    request.user = AnonymousUser()
    try:
        return render()
    finally:
        request.user = user


def _personalised(request: HttpRequest, item: tuple, packed: bool) -> HttpResponse:
    """The cached page with its personal parts rendered for this member."""
    status, content, headers, _whole, pieces = item
    parts: list[tuple[bytes, bytes | None]] = []  # (bytes, their deflate piece if public)
    for piece in pieces:
        if isinstance(piece, str):
            parts.append((render_to_string(piece, request=request).encode(), None))
        else:
            start, end, deflated = piece
            parts.append((content[start:end], deflated))
    if packed:
        crc, size, out = 0, 0, [GZIP_HEADER]
        for data, deflated in parts:
            # The member's own part is stored, not compressed (level 0): its secrets never
            # share a compression context with anything else.
            out.append(deflated if deflated is not None else _deflated(data, 0))
            crc, size = zlib.crc32(data, crc), size + len(data)
        out += [FINAL_BLOCK, struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)]
        body = b"".join(out)
    else:
        body = b"".join(data for data, _deflated_piece in parts)
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    if packed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    _private(response)
    return response


def _shared(
    request: HttpRequest, key: str, render: Callable[[], HttpResponseBase]
) -> tuple[tuple | None, HttpResponseBase | None]:
    """The page's cached item, rendered (as a visitor sees it) and stored when missing; or,
    when the page may not be shared (a cookie, a private answer), None and that response."""
    item = local.get(key)
    if item is None:
        stored = caches["default"].get(key)
        if stored is not None:
            item = pickle.loads(stored)
            if len(item) < 5:  # kept by a release before the personal parts
                item = None
            else:
                local.put(key, item)
    if item is None:
        response = _as_visitor(request, render) if _logged_in(request) else render()
        if not _cacheable(request, response):
            return None, response
        assert isinstance(response, HttpResponse)
        item = _freeze(response)
        caches["default"].set(key, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        local.put(key, item)
    return item, None


def serve(
    request: HttpRequest,
    render: Callable[[], HttpResponseBase],
    params: Iterable[str] | None = None,
) -> HttpResponseBase:
    """``render()``'s response, from the cache: whole for a visitor, with the personal parts
    rendered again for a member. ``params``: the query parameters the page uses (None: the
    caller checked them, as the API does)."""
    if params is not None:
        canonical_query(request, params)
    if request.method not in ("GET", "HEAD"):
        return render()
    if kept.messages_waiting(request):
        return _private(render())
    packed = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
    if _logged_in(request):
        stamp = current()
        if stamp is None:
            return _private(render())
        item, _visitors = _shared(request, _key(request, stamp), render)
        if item is None:
            return _private(render())  # rendered for the member, as they see it
        return _personalised(request, item, packed and item[3] is not None)
    stamp = current()
    if stamp is None:
        return render()
    key = _key(request, stamp)
    # Each representation its own validator (RFC 9110 8.8.3): the compressed one ends in -gz.
    etag = f'"{key[7:39]}{"-gz" if packed else ""}"'
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(stamp.changed_at.timestamp())
    )
    if not_modified is not None:
        _validators(not_modified, etag, stamp)
        return not_modified
    item, response = _shared(request, key, render)
    if item is None:
        assert response is not None
        return response
    if packed and item[3] is None:
        etag = etag.replace("-gz", "")  # too small to compress: sent as it is
    response = _thaw(item, packed and item[3] is not None)
    _validators(response, etag, stamp)
    return response


PageView = Callable[..., HttpResponseBase]


@overload
def public_page(view: PageView, *, params: Iterable[str] = ()) -> PageView: ...


@overload
def public_page(
    view: None = None, *, params: Iterable[str] = ()
) -> Callable[[PageView], PageView]: ...


def public_page(
    view: PageView | None = None, *, params: Iterable[str] = ()
) -> PageView | Callable[[PageView], PageView]:
    """A public page's view, served through ``serve``; ``params`` names every query parameter
    the view reads (the others are dropped before it runs).

        @public_page                                  # reads no query parameter
        @public_page(params=(*SomeForm.base_fields, "format"))
    """
    names = tuple(params)

    def decorate(view: PageView) -> PageView:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            return serve(request, lambda: view(request, *args, **kwargs), names)

        return wrapped

    return decorate(view) if view is not None else decorate
