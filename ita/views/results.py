from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from ita import exports, rules, tables
from ita.forms import ResultsFilterForm
from ita.models import Assessment, AssessmentYear, Organisation, Province, Tool
from ita.selectors import organisation_assessments, province_results, user_organisations


def _year_with_method(year: int) -> AssessmentYear:
    return get_object_or_404(
        AssessmentYear.objects.prefetch_related("indicators", "levels"), year=year
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    years = list(AssessmentYear.objects.order_by("-year"))
    provinces = list(
        Province.objects.annotate(n=Count("districts__organisations")).order_by("name")
    )
    return render(
        request,
        "ita/home.html",
        {
            "years": years,
            "latest": years[0] if years else None,
            "provinces": provinces,
            "my_organisations": list(user_organisations(request.user).select_related("district")),
        },
    )


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    """Pick a year and province (the home page's form lands here)."""
    try:
        year = int(request.GET.get("year", ""))
        province = int(request.GET.get("province", ""))
    except ValueError:
        return redirect("home")
    return redirect("province_results", year=year, province_id=province)


@require_GET
def province_results_view(request: HttpRequest, year: int, province_id: int) -> HttpResponse:
    year_obj = _year_with_method(year)
    province = get_object_or_404(Province, pk=province_id)
    form = ResultsFilterForm(request.GET or None, province=province, levels=year_obj.level_labels())
    rows = province_results(year=year_obj, province=province, **form.filters())
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            exports.to_csv(rows, bom=True), content_type="text/csv; charset=utf-8"
        )
        filename = f"ita-{year}-province-{province.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.to_xlsx(rows), content_type=tables.XLSX_TYPE)
        filename = f"ita-{year}-province-{province.pk}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("format", None)
    csv_query = request.GET.copy()
    csv_query["format"] = "csv"
    xlsx_query = request.GET.copy()
    xlsx_query["format"] = "xlsx"
    passed = sum(1 for r in rows if r.assessment.passed)
    return render(
        request,
        "ita/province_results.html",
        {
            "year": year_obj,
            "province": province,
            "form": form,
            "rows": rows,
            "sort": request.GET.get("sort", "rank")
            if form.is_bound and form.is_valid()
            else "rank",
            "base_query": query.urlencode(),
            "csv_query": csv_query.urlencode(),
            "xlsx_query": xlsx_query.urlencode(),
            "passed_count": passed,
            "other_years": AssessmentYear.objects.exclude(pk=year_obj.pk).order_by("-year"),
        },
    )


def _tool_tables(assessment: Assessment) -> list[dict]:
    """Per tool: each indicator's score, weight and weighted contribution, and its findings."""
    scores = {s.indicator_id: s.score for s in assessment.scores.all()}
    tables = []
    for tool in Tool:
        indicators = [i for i in assessment.year.indicators.all() if i.tool == tool.value]
        lines = [
            {
                "indicator": i,
                "score": scores.get(i.pk),
                "weight": i.weight,
                "contribution": None if scores.get(i.pk) is None else scores[i.pk] * i.weight,
            }
            for i in sorted(indicators, key=lambda i: i.number)
        ]
        tool_score = assessment.tool_scores().get(tool.value)
        tables.append(
            {
                "tool": tool,
                "lines": lines,
                "weight": sum((i.weight for i in indicators), start=rules.Decimal(0)),
                "score": tool_score,
                "contribution": sum(
                    (line["contribution"] for line in lines if line["contribution"] is not None),
                    start=rules.Decimal(0),
                ),
                "findings": [f for f in assessment.findings.all() if f.tool == tool.value],
            }
        )
    return tables


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("district__province"), pk=pk
    )
    assessments = organisation_assessments(organisation)
    detailed = [
        {"assessment": a, "tools": _tool_tables(a)}
        for a in assessments
        if a.scores.all() or a.findings.all()
    ]
    return render(
        request,
        "ita/organisation_detail.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "detailed": detailed,
            "aliases": list(organisation.aliases.all()),
        },
    )


@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    organisation = user_organisations(request.user).first()
    if organisation is None:
        return redirect("home")
    return redirect("organisation_detail", pk=organisation.pk)
