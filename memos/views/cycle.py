"""Where the cycle meets the memos: the memo written from a report in one action, and where a
user lands after logging in (an executive on what waits for him)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ita.organisations import membership
from ita.organisations.models import Notice
from ita.organisations.notices import notice_mark_read
from measures import implementation
from measures.forms_cycle import DoneForm
from measures.models import ImplementationReport
from measures.selectors import assessment_for
from memos import access, drafting, publishing, selectors
from memos.models import Memo, State

# A memo still on its way (or back with its author) carries its report: no second one is drafted.
OPEN_STATES = (State.DRAFT, State.RETURNED, *Memo.STEP_STATES)
# A decision this recent still waits for its author to publish the report (older: the desk).
RECENT = dt.timedelta(days=30)


@login_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """After login: the one memo awaiting the user's decision, or the list of them; else the
    author's decided memo whose report waits to be published; else the desk (news, memos
    returned) for a member; else the home page."""
    user = request.user
    waiting = list(selectors.inbox(user).values_list("pk", flat=True)[:2])
    if len(waiting) == 1:
        return redirect("memos:detail", pk=waiting[0])
    if waiting:
        return redirect("memos:inbox")
    # The author's memo the mayor has just approved: its report waits to be published.
    decided = (
        Memo.objects.filter(
            author=user,
            state=State.DECIDED,
            outcome__in=access.PUBLISHABLE_OUTCOMES,
            report_year__isnull=False,
            decided_at__gte=timezone.now() - RECENT,
        )
        .select_related("organisation", "report_year")
        .order_by("-decided_at")[:3]
    )
    for memo in decided:
        published = publishing.publication_of(memo)
        if published is None or (memo.decided_at and published.published_at < memo.decided_at):
            return redirect("memos:detail", pk=memo.pk)
    if membership.organisation_ids(user).exists():
        return redirect("memos:desk")
    return redirect("home")


def _open_memo(organisation_id: int, year: int, implementation: int | None) -> Memo | None:
    return (
        Memo.objects.filter(
            organisation_id=organisation_id,
            report_year__year=year,
            implementation_id=implementation,
            state__in=OPEN_STATES,
        )
        .order_by("-pk")
        .first()
    )


@login_required
@require_POST
def memo_from_report(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """Write the memo that carries this year's report (or open the one already on its way)."""
    assessment = assessment_for(org_id, year)
    if assessment is None or not membership.is_member(request.user, org_id):
        raise Http404(_("No such report."))
    existing = _open_memo(org_id, year, None)
    if existing is not None:
        messages.info(request, _("A memo carrying this report is already on its way: here it is."))
        return redirect("memos:detail", pk=existing.pk)
    try:
        memo = drafting.memo_for_report(assessment=assessment, actor=request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("measures:report", org_id, year)
    messages.success(
        request,
        _(
            "The memo is drafted from the report's figures: read it, edit what you wish, and send it."
        ),
    )
    return redirect("memos:detail", pk=memo.pk)


@login_required
@require_POST
def memo_from_implementation(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """Write the memo that carries what was done about the year's measures."""
    report = (
        ImplementationReport.objects.select_related("assessment__organisation", "assessment__year")
        .filter(assessment__organisation_id=org_id, assessment__year__year=year)
        .first()
    )
    if report is None or not membership.is_member(request.user, org_id):
        raise Http404(_("No such report."))
    if "summary" in request.POST:
        # "Save and write the memo" on the implementation page: its edits are saved first.
        form = DoneForm(request.POST, rows=implementation.implementation_rows(report))
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            implementation.implementation_update(
                report=report,
                summary=form.cleaned_data["summary"],
                entries=form.entries(),
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("measures:implementation", org_id, year)
    existing = _open_memo(org_id, year, report.pk)
    if existing is not None:
        messages.info(request, _("A memo carrying this report is already on its way: here it is."))
        return redirect("memos:detail", pk=existing.pk)
    memo = drafting.memo_for_implementation(report=report, actor=request.user)
    messages.success(
        request,
        _(
            "The memo is drafted from the report's figures: read it, edit what you wish, and send it."
        ),
    )
    return redirect("memos:detail", pk=memo.pk)


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notice: marked read, then its link."""
    notice = Notice.objects.filter(recipient_id=request.user.pk, pk=pk).first()
    if notice is None:
        raise Http404(_("No such notice."))
    notice_mark_read(notice=notice, actor=request.user)
    return redirect(notice.url or "memos:desk")
