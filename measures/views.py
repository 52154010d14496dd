"""The yearly report page, findings, the OIT checklist, measures and their progress.

Everything here is private to the organisation's members (holders of a position in it): anyone
else gets 404, as if the report did not exist. Any member may edit (staff draft the report;
executives may correct it too).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ita.organisations.membership import is_member
from ita.results.models import Assessment, Tool
from measures.checks import assessment_checks
from measures.files import evidence_response
from measures.forms import CheckDateForm, FindingForm, MeasureForm, OitChecklistForm, ProgressForm
from measures.models import STATUS_LABELS, Evidence, Finding, ImplementationReport, Measure
from measures.selectors import (
    assessment_for,
    look_back,
    lowest_indicators,
    measure_tables,
    measures_of,
    member_reports,
    oit_checklist,
    oit_source,
    oit_summary,
    report_contents,
    tool_reports,
    user_measures,
)
from measures.services import checklist, findings, measures, progress


def _get_assessment_for_member(request: HttpRequest, org_id: int, year: int) -> Assessment:
    assessment = assessment_for(org_id, year)
    if assessment is None or not is_member(request.user, assessment.organisation_id):
        raise Http404(_("No such report."))
    return assessment


def _get_measure_for_member(request: HttpRequest, pk: int) -> Measure:
    measure = get_object_or_404(
        Measure.objects.select_related(
            "assessment__organisation__district__province", "assessment__year"
        ),
        pk=pk,
    )
    if not is_member(request.user, measure.assessment.organisation_id):
        raise Http404(_("No such measure."))
    return measure


def _get_finding_for_member(request: HttpRequest, pk: int) -> Finding:
    finding = get_object_or_404(
        Finding.objects.select_related("assessment__organisation", "assessment__year"), pk=pk
    )
    if not is_member(request.user, finding.assessment.organisation_id):
        raise Http404(_("No such finding."))
    return finding


def _report_url(assessment: Assessment) -> str:
    return reverse("measures:report", args=[assessment.organisation_id, assessment.year.year])


def _next_or(request: HttpRequest, default: str) -> str:
    """Where a fix form returns: the page that sent the user (report, memo), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The user's organisations' reports and every measure with its status and progress."""
    today = timezone.localdate()
    return render(
        request,
        "measures/index.html",
        {
            "reports": member_reports(request.user),
            "measures": list(user_measures(request.user)),
            "today": today,
            "status_labels": STATUS_LABELS,
        },
    )


@login_required
@require_safe
def report(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    today = timezone.localdate()
    date_form = CheckDateForm(request.GET or None, initial={"on": today})
    on_date = (date_form.is_valid() and date_form.cleaned_data["on"]) or today
    contents = report_contents(assessment)
    return render(
        request,
        "measures/report.html",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "year": assessment.year,
            "tools": tool_reports(assessment, contents.findings),
            "tables": measure_tables(contents.measures),
            "drafts": [m for m in contents.measures if m.draft],
            "checks": assessment_checks(
                assessment,
                on_date,
                contents=contents,
                next_url=request.get_full_path() + "#checks",
            ),
            "on_date": on_date,
            "date_form": date_form,
            "today": today,
            "oit": oit_summary(assessment.organisation, assessment.year),
            "oit_source": oit_source(assessment.year),
            "look_back": look_back(assessment, today),
            "implementation": ImplementationReport.objects.filter(assessment=assessment).first(),
            "prepared": bool(contents.findings) or any(not m.draft for m in contents.measures),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def finding_create(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    initial: dict = {k: request.GET[k] for k in ("tool", "indicator") if k in request.GET}
    tool = initial.get("tool", "")
    if tool and "indicator" not in initial:
        # The tool's flagged lowest indicator, as the report page flags it.
        lowest = [line.indicator for line in lowest_indicators(assessment)]
        initial["indicator"] = next((i.pk for i in lowest if i.tool == tool), None)
    form = FindingForm(request.POST or None, assessment=assessment, initial=initial)
    if tool in Tool.values:
        form.only_tool(tool)
    if request.method == "POST" and form.is_valid():
        try:
            findings.finding_create(assessment=assessment, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _("The finding was added."))
            return redirect(_next_or(request, _report_url(assessment) + "#findings"))
    return render(
        request,
        "measures/finding_form.html",
        {"form": form, "assessment": assessment, "finding": None, "next": _next_or(request, "")},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _get_finding_for_member(request, pk)
    assessment = finding.assessment
    initial = {
        "tool": finding.tool,
        "indicator": finding.indicator_id,
        "text": finding.text,
        "oit_items": list(finding.oit_items.all()),
    }
    form = FindingForm(request.POST or None, assessment=assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            findings.finding_update(finding=finding, actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _("The finding was saved."))
            return redirect(_report_url(assessment) + "#findings")
    return render(
        request,
        "measures/finding_form.html",
        {"form": form, "assessment": assessment, "finding": finding},
    )


@login_required
@require_POST
def finding_delete(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _get_finding_for_member(request, pk)
    assessment = finding.assessment
    findings.finding_delete(finding=finding, actor=request.user)
    messages.success(request, _("The finding was deleted."))
    return redirect(_report_url(assessment) + "#findings")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def oit_checklist_view(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    every = oit_checklist(assessment.organisation, assessment.year)
    # An item the organisation marked not applicable is listed apart, with its reason, unanswered.
    rows = [(i, s) for i, s in every if not i.not_applicable]
    form = OitChecklistForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            try:
                n = checklist.oit_statuses_set(
                    organisation=assessment.organisation,
                    year=assessment.year,
                    answers=form.answers(),
                    actor=request.user,
                )
            except ValidationError as e:
                _apply_errors(form, e)
            else:
                if n:
                    messages.success(request, _("%(n)s items were updated.") % {"n": n})
                else:
                    messages.info(request, _("No item was changed."))
                return redirect("measures:oit_checklist", org_id=org_id, year=year)
        messages.error(request, _("Nothing was saved: correct the items marked below."))
    return render(
        request,
        "measures/oit_checklist.html",
        {
            "form": form,
            "assessment": assessment,
            "rows": form.bound_rows(),
            "not_applicable": [i for i, _s in every if i.not_applicable],
            "copied_from": oit_source(assessment.year),
            "to_review": any(item.to_review for item, _status in every),
        },
    )


def _measure_form_page(
    request: HttpRequest, assessment: Assessment, form: MeasureForm, measure: Measure | None
) -> HttpResponse:
    return render(
        request,
        "measures/measure_form.html",
        {
            "form": form,
            "assessment": assessment,
            "measure": measure,
            "next": _next_or(request, ""),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_create(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    initial: dict = {"table": 1}
    indicator_id = request.GET.get("indicator", "")
    if indicator_id.isdigit():
        indicator = assessment.year.indicators.filter(pk=int(indicator_id)).first()
        if indicator is not None:
            initial["indicators"] = [indicator]
            initial["findings"] = list(assessment.findings.filter(indicator=indicator))
    finding_id = request.GET.get("finding", "")
    if finding_id.isdigit():
        finding = assessment.findings.filter(pk=int(finding_id)).select_related("indicator").first()
        if finding is not None:
            initial["findings"] = [finding]
            if finding.indicator:
                initial["indicators"] = [finding.indicator]
            initial["oit_items"] = list(finding.oit_items.all())
    form = MeasureForm(request.POST or None, assessment=assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            measure = measures.measure_create(
                assessment=assessment, data=form.measure_data(), actor=request.user
            )
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _("The measure was added."))
            return redirect(_next_or(request, _report_url(assessment) + f"#measure-{measure.pk}"))
    return _measure_form_page(request, assessment, form, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_member(request, pk)
    initial = MeasureForm.initial_for(measure)
    finding_id = request.GET.get("finding", "")
    if finding_id.isdigit():
        # From a check: the finding this measure should answer, ticked, to save.
        finding = measure.assessment.findings.filter(pk=int(finding_id)).first()
        if finding is not None and finding not in initial["findings"]:
            initial["findings"] = [*initial["findings"], finding]
    form = MeasureForm(request.POST or None, assessment=measure.assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            measures.measure_update(measure=measure, data=form.measure_data(), actor=request.user)
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _("The measure was saved."))
            if measure.draft:
                return redirect(_report_url(measure.assessment) + "#drafts")
            return redirect(
                _next_or(request, _report_url(measure.assessment) + f"#measure-{measure.pk}")
            )
    return _measure_form_page(request, measure.assessment, form, measure)


@login_required
@require_POST
def measure_keep(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_member(request, pk)
    measures.measure_keep(measure=measure, actor=request.user)
    messages.success(request, _("The suggested measure is now part of the report."))
    return redirect(_report_url(measure.assessment) + "#drafts")


@login_required
@require_POST
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_member(request, pk)
    assessment, draft = measure.assessment, measure.draft
    measures.measure_delete(measure=measure, actor=request.user)
    messages.success(
        request,
        _("The suggested measure was dropped.") if draft else _("The measure was deleted."),
    )
    return redirect(_report_url(assessment) + ("#drafts" if draft else "#measures"))


@login_required
@require_POST
def measure_suggest(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    assessment = _get_assessment_for_member(request, org_id, year)
    drafts = measures.measures_suggest(
        assessment=assessment, actor=request.user, today=timezone.localdate()
    )
    if drafts:
        messages.success(
            request,
            _("%(n)s measures were drafted for the lowest indicators: keep, edit or drop each.")
            % {"n": len(drafts)},
        )
    elif not assessment.scores.exists():
        messages.info(
            request, _("The report has no indicator scores yet: nothing to suggest from.")
        )
    else:
        messages.info(
            request,
            _("No new drafts: each lowest indicator already has a measure, or no template fits."),
        )
    return redirect(_report_url(assessment) + "#drafts")


@login_required
@require_safe
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_member(request, pk)
    return _detail_page(request, measure, ProgressForm())


def _detail_page(
    request: HttpRequest, measure: Measure, form: ProgressForm, status: int = 200
) -> HttpResponse:
    measure = measures_of(measure.assessment, pk=measure.pk)[0]
    by_update: dict[int, list[Evidence]] = {}
    for e in Evidence.objects.filter(update__measure=measure).order_by("pk"):
        by_update.setdefault(e.update_id, []).append(e)
    updates = [(u, by_update.get(u.pk, [])) for u in measure.updates.all()]
    return render(
        request,
        "measures/measure_detail.html",
        {
            "measure": measure,
            "assessment": measure.assessment,
            "updates": updates,
            "form": form,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _get_measure_for_member(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            progress.progress_add(
                measure=measure,
                note=form.cleaned_data["note"],
                files=form.cleaned_data["files"],
                marks_done=form.cleaned_data["marks_done"],
                actor=request.user,
            )
        except ValidationError as e:
            _apply_errors(form, e)
        else:
            messages.success(request, _("The progress update was added."))
            return redirect(reverse("measures:measure_detail", args=[pk]) + "#updates")
    return _detail_page(request, measure, form, status=400)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("update__measure__assessment"), pk=pk
    )
    if not is_member(request.user, evidence.update.measure.assessment.organisation_id):
        raise Http404(_("No such file."))
    return evidence_response(evidence)
