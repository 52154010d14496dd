"""The cycle's pages in the report: prepare the report from the scores, the year's OIT
checklist edited in the browser, last year's measures carried forward, and what was done about
the measures (the implementation report). Private to the organisation's members, as the report.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ita.organisations import membership
from ita.results.models import AssessmentYear
from measures import implementation
from measures.forms_cycle import DoneForm, OitCorrectionsForm, OitItemsForm, PeriodForm
from measures.models import ImplementationReport, Measure, OitItem
from measures.selectors import oit_items_for
from measures.services import checklist, measures, report
from measures.views import _apply_errors, _get_assessment_for_member, _next_or, _report_url


@login_required
@require_POST
def report_prepare(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    if not assessment.scores.exists():
        messages.info(
            request, _("The report has no indicator scores yet: nothing to prepare it from.")
        )
        return redirect(_report_url(assessment) + "#findings")
    done = report.report_prepare(
        assessment=assessment, actor=request.user, today=timezone.localdate()
    )
    if done.findings or done.measures or done.linked:
        messages.success(
            request,
            _(
                "Prepared from the scores: %(findings)s issues to improve and %(measures)s "
                "measures for the lowest indicators, linked to each other. Read them and edit "
                "what you wish."
            )
            % {"findings": len(done.findings), "measures": len(done.measures)},
        )
    else:
        messages.info(
            request, _("Nothing to add: each lowest indicator already has its issue and measure.")
        )
    return redirect(_report_url(assessment) + "#findings")


# The OIT checklist of a year ----------------------------------------------------------------------


# The year's checklist is the country's, shared by every organisation: only an operator with
# this permission corrects and confirms it, never one organisation's member for all the others
# (each organisation corrects its own reading of it: ``oit_corrections``).
OIT_ITEMS_PERMISSION = "measures.change_oititem"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def oit_items(request: HttpRequest, year: int) -> HttpResponse:
    """The year's checklist items: copied from an earlier year when the year opened, marked to
    review; corrected and confirmed here."""
    the_year = get_object_or_404(AssessmentYear, year=year)
    items = list(OitItem.objects.country().filter(year=the_year).order_by("number"))
    editable = request.user.has_perm(OIT_ITEMS_PERMISSION)
    if not editable and not membership.organisation_ids(request.user).exists():
        raise Http404(_("No such checklist."))
    form = OitItemsForm(request.POST or None, items=items, year=the_year)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(
                _("The year's checklist is the country's: only the site's operators change it.")
            )
        if form.is_valid():
            try:
                n = checklist.oit_items_update(
                    year=the_year,
                    items=form.data_for(),
                    reviewed=form.cleaned_data["reviewed"],
                    actor=request.user,
                )
            except ValidationError as e:
                _apply_errors(form, e)
            else:
                messages.success(request, _("%(n)s items were changed.") % {"n": n})
                return redirect(_next_or(request, reverse("measures:oit_items", args=[year])))
    return render(
        request,
        "measures/oit_items.html",
        {
            "year": the_year,
            "form": form,
            "rows": form.rows(),
            "editable": editable,
            "to_review": any(i.to_review for i in items),
            "next": request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def oit_corrections(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """The organisation's corrections of the year's checklist, for itself: whoever may edit the
    organisation's report (its members) renames an item, marks one not applicable with the
    reason, or adds one of its own. The country's list and every other organisation's reading
    of it stay as they are."""
    assessment = _get_assessment_for_member(request, org_id, year)
    items = oit_items_for(org_id, assessment.year)
    if not items:
        return redirect("measures:oit_checklist", org_id=org_id, year=year)
    form = OitCorrectionsForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            codes = checklist.oit_items_correct(
                organisation=assessment.organisation,
                year=assessment.year,
                corrections=form.corrections(),
                added=form.added(),
                actor=request.user,
            )
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            if codes:
                messages.success(
                    request,
                    _("Changed for %(org)s only: %(codes)s.")
                    % {"org": assessment.organisation.name, "codes": ", ".join(codes)},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            default = reverse("measures:oit_checklist", args=[org_id, year])
            return redirect(_next_or(request, default))
    return render(
        request,
        "measures/oit_corrections.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "year": assessment.year,
            "form": form,
            "rows": form.rows(),
            "next": _next_or(request, ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def oit_open(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """Give the report's year its checklist now (a copy of the latest earlier year's)."""
    assessment = _get_assessment_for_member(request, org_id, year)
    n = checklist.oit_checklist_open(year=assessment.year, actor=request.user)
    if n:
        messages.success(request, _("The year has its checklist: %(n)s items.") % {"n": n})
    else:
        messages.info(request, _("No earlier checklist is known to copy."))
    return redirect("measures:oit_checklist", org_id=org_id, year=year)


# Last year's measures --------------------------------------------------------------------------


@login_required
@require_POST
def measures_carry(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    ids = [int(i) for i in request.POST.getlist("measure") if i.isdigit()]
    old = list(
        Measure.objects.filter(
            pk__in=ids,
            assessment__organisation_id=org_id,
            assessment__year__year=year - 1,
        ).select_related("assessment__year")
    )
    if not old:
        messages.error(request, _("Choose the measures to carry forward."))
        return redirect(_report_url(assessment) + "#look-back")
    carried = measures.measures_carry(
        assessment=assessment, measures=old, actor=request.user, today=timezone.localdate()
    )
    messages.success(
        request,
        _("%(n)s measures were carried forward into this year's report.") % {"n": len(carried)},
    )
    return redirect(_report_url(assessment) + "#measures")


# What was done -----------------------------------------------------------------------------------


def _done_url(org_id: int, year: int) -> str:
    return reverse("measures:implementation", args=[org_id, year])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def implementation_page(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """What was done about the year's measures: draft it for a period, edit it, choose the
    evidence to publish; then write its memo."""
    assessment = _get_assessment_for_member(request, org_id, year)
    done = ImplementationReport.objects.filter(assessment=assessment).first()
    rows = implementation.implementation_rows(done) if done else []
    form = DoneForm(
        request.POST or None, rows=rows, initial={"summary": done.summary if done else ""}
    )
    if request.method == "POST" and done is not None and form.is_valid():
        try:
            implementation.implementation_update(
                report=done,
                summary=form.cleaned_data["summary"],
                entries=form.entries(),
                actor=request.user,
            )
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _("The implementation report was saved."))
            return redirect(_done_url(org_id, year))
    kept = list(Measure.objects.kept().filter(assessment=assessment))
    start, end = (
        (done.start_month, done.end_month)
        if done
        else implementation.default_period(
            kept, timezone.localdate(), implementation.worked_days(kept)
        )
    )
    return render(
        request,
        "measures/implementation.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "year": assessment.year,
            "report": done,
            "form": form,
            "rows": form.rows(),
            "period_form": PeriodForm(initial={"start_month": start, "end_month": end}),
            "measures": kept,
            "publication": getattr(done, "publication", None) if done else None,
            "memo_url": reverse("memos:from_implementation", args=[org_id, year]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def implementation_draft(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """Draft (again) what was done from the measures' progress, for the period chosen."""
    assessment = _get_assessment_for_member(request, org_id, year)
    start = end = None  # without a period (the desk's button): the one the measures suggest
    if "start_month" in request.POST:
        form = PeriodForm(request.POST)
        if not form.is_valid():
            errors = form.errors.values()
            messages.error(request, " ".join(str(e) for errs in errors for e in errs))
            return redirect(_done_url(org_id, year))
        start, end = form.cleaned_data["start_month"], form.cleaned_data["end_month"]
    try:
        implementation.implementation_draft(
            assessment=assessment,
            actor=request.user,
            today=timezone.localdate(),
            start_month=start,
            end_month=end,
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _(
                "Drafted from the measures' progress: read each measure, choose the evidence "
                "files to publish, and save."
            ),
        )
    return redirect(_done_url(org_id, year))
