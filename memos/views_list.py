"""Finding memos: the list with search, filters and pages; the outgoing register of a year."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ita.documents.render import register_pdf
from ita.lib import tables
from ita.lib.thai import fiscal_year_be
from ita.organisations import membership
from ita.organisations.models import Organisation
from memos import access, documents, selectors
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


def _register_organisation(request: HttpRequest) -> Organisation:
    organisation = _organisation(request)
    if organisation is None:
        raise Http404(_("Only members of an organisation have an outgoing register."))
    return organisation


def register_table(organisation: Organisation, year: int) -> tables.Table:
    """The register as a table (page and XLSX alike, through ``ita.lib.tables``)."""
    doc = documents.register_doc(organisation, year)
    return tables.Table(
        key="register",
        title=f"ทะเบียนหนังสือส่ง {year}",
        columns=[
            tables.Column("number", "เลขทะเบียนส่ง", "int"),
            tables.Column("reference", "ที่"),
            tables.Column("date", "ลงวันที่"),
            tables.Column("sender", "จาก"),
            tables.Column("addressee", "ถึง"),
            tables.Column("subject", "เรื่อง"),
            tables.Column("action", "การปฏิบัติ"),
            tables.Column("note", "หมายเหตุ"),
        ],
        rows=[
            {
                "number": r.number,
                "reference": r.reference,
                "date": r.date.isoformat() if r.date else "",
                "sender": r.sender,
                "addressee": r.addressee,
                "subject": r.subject,
                "action": r.action,
                "note": r.note,
            }
            for r in doc.rows
        ],
    )


@login_required
@require_safe
def outgoing_register(request: HttpRequest) -> HttpResponse:
    """ทะเบียนหนังสือส่ง of a fiscal year (this year's unless ``year``), on screen."""
    organisation = _register_organisation(request)
    current = fiscal_year_be(timezone.localdate())
    year = _int(request.GET.get("year")) or current
    years = sorted({current, year, *selectors.register_years(organisation)}, reverse=True)
    doc = documents.register_doc(organisation, year)
    return render(
        request,
        "memos/register.html",
        {"organisation": organisation, "register": doc, "year": year, "years": years},
    )


@login_required
@require_safe
def outgoing_register_file(
    request: HttpRequest, year: int, fmt: str
) -> HttpResponse | FileResponse:
    """The register as PDF (the document engine) or XLSX (``ita.lib.tables``)."""
    organisation = _register_organisation(request)
    name = f"outgoing-register-{year}"
    if fmt == "xlsx":
        return tables.file_response(register_table(organisation, year), "xlsx", f"{name}.xlsx")
    if fmt != "pdf":
        raise Http404(_("No such format."))
    pdf = register_pdf(documents.register_doc(organisation, year))
    response = FileResponse(
        io.BytesIO(pdf), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
