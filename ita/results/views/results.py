from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ita.history.published import public_page
from ita.lib import tables
from ita.organisations.membership import organisations_of
from ita.organisations.models import Province
from ita.results import exports
from ita.results.forms import ResultsFilterForm
from ita.results.models import AssessmentYear, Source
from ita.results.selectors import province_results


def year_or_404(year: int) -> AssessmentYear:
    return get_object_or_404(
        AssessmentYear.objects.prefetch_related("indicators", "levels"), year=year
    )


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    years = list(AssessmentYear.objects.order_by("-year"))
    provinces = list(
        # The gazetteer holds every province: those without organisations are not listed.
        Province.objects.annotate(n=Count("districts__organisations"))
        .filter(n__gt=0)
        .order_by("name")
    )
    return render(
        request,
        "ita/home.html",
        {
            "years": years,
            "latest": years[0] if years else None,
            "provinces": provinces,
        },
    )


@require_safe
def results_index(request: HttpRequest) -> HttpResponse:
    """Pick a year and province (the home page's form lands here)."""
    try:
        year = int(request.GET.get("year", ""))
        province = int(request.GET.get("province", ""))
    except ValueError:
        return redirect("home")
    return redirect("province_results", year=year, province_id=province)


@require_safe
@public_page(params=(*ResultsFilterForm.base_fields, "format"))
def province_results_view(request: HttpRequest, year: int, province_id: int) -> HttpResponse:
    year_obj = year_or_404(year)
    province = get_object_or_404(Province, pk=province_id)
    form = ResultsFilterForm(request.GET or None, province=province, levels=year_obj.level_labels())
    rows = province_results(year=year_obj, province=province, **form.filters())
    fmt = request.GET.get("format")
    if fmt in tables.FORMATS:
        return tables.file_response(
            exports.results_table(rows), fmt, f"ita-{year}-province-{province.pk}.{fmt}"
        )
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("format", None)
    csv_query = request.GET.copy()
    csv_query["format"] = "csv"
    xlsx_query = request.GET.copy()
    xlsx_query["format"] = "xlsx"
    passed = sum(1 for r in rows if r.assessment.passed)
    sources = {(r.assessment.level_source, r.assessment.passed_source) for r in rows}
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
            # Whether to explain the "computed" marks, and that a year without a confirmed
            # method shows only what the NACC published.
            "any_computed": any(Source.COMPUTED in pair for pair in sources),
            "any_absent": any(
                r.assessment.total is not None and not r.assessment.level for r in rows
            ),
            "other_years": AssessmentYear.objects.exclude(pk=year_obj.pk).order_by("-year"),
            # Each row links /organisations/<id>/: one reverse() for the table, not one a row.
            "organisation_path": reverse("organisation_detail", args=[0]).removesuffix("0/"),
        },
    )


@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    organisation = organisations_of(request.user).first()
    if organisation is None:
        return redirect("home")
    return redirect("organisation_detail", pk=organisation.pk)
