"""Memos by the handful: the list with search, filters and pages, the inbox, my desk, and the
outgoing register of a year."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ita.lib import tables
from ita.lib.thai import fiscal_year_be
from ita.organisations import holders, membership
from ita.organisations.models import Organisation
from memos import access, documents, kept_pages, register_files, selectors
from memos.models import State, Urgency


def _organisation(request: HttpRequest) -> Organisation | None:
    positions = list(membership.positions_of(request.user))
    return positions[0].organisation if positions else None


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
@require_safe
def memo_list(request: HttpRequest) -> HttpResponse:
    """The organisation's memos (sent ones, and the user's drafts), newest first, 50 a page:
    search by subject, text, author or number; filter by register year, state, urgency."""
    organisation = _organisation(request)
    get = request.GET
    states = dict(State.choices)
    urgencies = {k: v for k, v in Urgency.choices if k}
    f = selectors.MemoFilter(
        q=(get.get("q") or "").strip()[:200],
        year=_int(get.get("year")),
        state=get.get("state", "") if get.get("state") in states else "",
        urgency=get.get("urgency", "") if get.get("urgency") in urgencies else "",
        mine=get.get("mine") == "1",
    )
    context: dict[str, object] = {
        "organisation": organisation,
        "filter": f,
        "states": State.choices,
        "urgencies": list(urgencies.items()),
        "can_write": organisation is not None,
    }
    if organisation is not None:
        paginator = Paginator(selectors.memo_search(request.user, organisation, f), 50)
        page = paginator.get_page(get.get("page"))
        query = get.copy()
        query.pop("page", None)
        context |= {
            "page_obj": page,
            "memos": list(page.object_list),
            "query": query.urlencode(),
            "years": selectors.register_years(organisation),
            "filtered": bool(f.q or f.year or f.state or f.urgency or f.mine),
            "can_set_emblem": access.administers(request.user, organisation),
        }
    return render(request, "memos/list.html", context)


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """The most urgent first, then the oldest, a page at a time: an executive back from leave
    may find hundreds. Counted and found on the navigation's counts and steps; the whole page
    is kept for the person beside their navigation (``memos.kept_pages``: one cache read for
    both) until a memo, a position or an acting appointment changes, so a member opening the
    inbox again renders nothing."""
    try:
        asked = int(request.GET.get("page") or 1)
    except ValueError:
        asked = 1
    keeping, found = kept_pages.find(request, f"inbox:{asked}:{translation.get_language()}")
    if found is not None:
        return found
    nav = keeping.nav if keeping is not None else selectors.navigation(request.user)
    count = nav.inbox
    pages = max(1, -(-count // selectors.INBOX_PAGE_SIZE))
    page = min(max(1, asked), pages)
    start = (page - 1) * selectors.INBOX_PAGE_SIZE
    waiting = selectors.awaiting(request.user, nav)
    end = start + selectors.INBOX_PAGE_SIZE
    memos = list(selectors.inbox(request.user, waiting)[start:end])
    context = {
        "nav": nav,
        "memos": memos,
        "memo_inbox_count": count,
        "memo_returned_count": nav.returned,
        "page": page,
        "pages": pages,
        "first": start + 1,
        "last": start + len(memos),
    }
    return kept_pages.render(request, "memos/inbox.html", context, keeping)


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    """Returned memos with the reason, memos to sign, my drafts, and the latest moves of my memos
    by others (from the history, the same rows as each memo's timeline)."""
    administered = holders.roles_held(
        request.user, timezone.localdate(), roles=holders.ADMINISTRATOR_ROLES
    )
    return render(
        request,
        "memos/desk.html",
        {
            "desk": selectors.desk(request.user),
            # The organisations the user administers today (their administration's pages).
            "administered": list(
                Organisation.objects.filter(pk__in={org_id for org_id, _role in administered})
            )
            if administered
            else [],
        },
    )


def _register_organisation(request: HttpRequest) -> Organisation:
    organisation = _organisation(request)
    if organisation is None:
        raise Http404(_("Only members of an organisation have an outgoing register."))
    return organisation


@login_required
@require_safe
def outgoing_register(request: HttpRequest) -> HttpResponse:
    """ทะเบียนหนังสือส่ง of a fiscal year (this year's unless ``year``), on screen, a page of
    ``REGISTER_PAGE_SIZE`` numbers at a time (the last page unless ``page``: the newest)."""
    organisation = _register_organisation(request)
    current = fiscal_year_be(timezone.localdate())
    year = _int(request.GET.get("year")) or current
    years = sorted({current, year, *selectors.register_years(organisation)}, reverse=True)
    last = selectors.register_last(organisation, year)
    size = selectors.REGISTER_PAGE_SIZE
    pages = max(1, -(-last // size))
    page = min(max(1, _int(request.GET.get("page")) or pages), pages)
    first = (page - 1) * size + 1
    doc = documents.register_doc(organisation, year, first, min(first + size - 1, last))
    return render(
        request,
        "memos/register.html",
        {
            "organisation": organisation,
            "register": doc,
            "year": year,
            "years": years,
            "page": page,
            "pages": pages,
            "page_links": _page_links(page, pages),
            "last_number": last,
        },
    )


def _page_links(page: int, pages: int) -> list[int | None]:
    """The pages to link: the first, the last, and two each side of this one (None: a gap)."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[int | None] = []
    for n in shown:
        if links and n - (links[-1] or 0) > 1:
            links.append(None)
        links.append(n)
    return links


@login_required
@require_safe
def outgoing_register_file(request: HttpRequest, year: int, fmt: str) -> HttpResponseBase:
    """The register as PDF or XLSX: the stored file of its current version at once, or a page
    that waits while the task worker builds it (``memos.register_files``)."""
    organisation = _register_organisation(request)
    if fmt not in register_files.FORMATS:
        raise Http404(_("No such format."))
    got = register_files.request_file(organisation, year, fmt)
    if isinstance(got, register_files.Building):
        retry = max(1, min(got.seconds, settings.PDF_RENDER_RETRY_SECONDS))
        busy = render(
            request,
            "memos/busy.html",
            {
                "retry_after": retry,
                "queued": got,
                "back": reverse("memos:register") + f"?year={year}",
            },
            status=202,
        )
        busy["Retry-After"] = str(retry)
        busy["Cache-Control"] = "no-store"
        return busy
    response = FileResponse(
        default_storage.open(got.name, "rb"),
        as_attachment=True,
        filename=f"outgoing-register-{year}.{fmt}",
        content_type="application/pdf" if fmt == "pdf" else tables.XLSX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
