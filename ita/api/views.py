"""The read-only JSON API: plain function views over ``ita.api``'s parameters and endpoints.

Each list makes two queries (the count and the page) plus at most one per prefetched relation,
whatever the size of the data; each detail makes one or three.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ita.api import params as api
from ita.organisations.models import District, Organisation, Province
from ita.results import rules
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore

JSON = {"ensure_ascii": False}


def _error(status: int, code: str, detail: str, parameter: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": code, "parameter": parameter, "detail": detail},
        status=status,
        json_dumps_params=JSON,
    )


def api_view(name: str) -> Callable:
    """GET/HEAD only; parses the endpoint's documented parameters into ``params``; bad ones get
    a 400 that names them."""

    def decorate(view: Callable) -> Callable:
        endpoint = api.ENDPOINT[name]

        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> JsonResponse:
            if request.method not in ("GET", "HEAD"):
                response = _error(405, "method_not_allowed", _("Only GET is allowed."))
                response["Allow"] = "GET, HEAD"
                return response
            try:
                params = api.parse(request.GET, endpoint.params)
                api.check_level(params)
            except api.BadParameter as bad:
                return _error(400, bad.code, bad.message, bad.name)
            response = view(request, params, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"  # open data
            return response

        wrapper.endpoint = endpoint
        return wrapper

    return decorate


def _page(
    request: HttpRequest,
    params: dict,
    queryset: QuerySet,
    serialise: Callable[[Any], dict],
    expand: Callable[[QuerySet], QuerySet] | None = None,
) -> JsonResponse:
    """One page of ``queryset`` (ordered by id). With ``expand``, the page's ids are chosen
    first and only those rows get its joins and annotations: a deep offset then skips bare ids
    instead of computing subqueries for every skipped row."""
    limit = params.get("limit", api.DEFAULT_LIMIT)
    offset = params.get("offset", 0)
    count = queryset.count()
    window = queryset[offset : offset + limit]
    if expand is not None:
        chosen = queryset.model.objects.filter(pk__in=window.values("pk"))
        window = expand(chosen).order_by("pk")
    items = [serialise(x) for x in window]

    def link(to: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(to)
        query["limit"] = str(limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": count,
            "limit": limit,
            "offset": offset,
            "next": link(offset + limit) if offset + limit < count else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "results": items,
        },
        json_dumps_params=JSON,
    )


def _ref(pk: int, name: str) -> dict:
    return {"id": pk, "name": name}


@api_view("index")
def index(request: HttpRequest, params: dict) -> JsonResponse:
    names = [e.name for e in api.ENDPOINTS if not e.path_params and e.name != "index"]
    return JsonResponse(
        {
            "endpoints": {n: request.build_absolute_uri(reverse(f"api-{n}")) for n in names},
            "openapi": request.build_absolute_uri(reverse("api-openapi")),
        },
        json_dumps_params=JSON,
    )


@api_view("openapi")
def openapi(request: HttpRequest, params: dict) -> JsonResponse:
    return JsonResponse(api.openapi(request.build_absolute_uri("/")), json_dumps_params=JSON)


@api_view("provinces")
def provinces(request: HttpRequest, params: dict) -> JsonResponse:
    queryset = Province.objects.order_by("name", "pk").values("id", "name", "name_en", "region")
    return _page(request, params, queryset, dict)


@api_view("districts")
def districts(request: HttpRequest, params: dict) -> JsonResponse:
    queryset = (
        District.objects.filter(api.filter_q("district", params))
        .order_by("province__name", "name", "pk")
        .values_list("id", "name", "province_id", "province__name")
    )
    return _page(
        request,
        params,
        queryset,
        lambda r: {"id": r[0], "name": r[1], "province": _ref(r[2], r[3])},
    )


ORGANISATION_FIELDS = (
    "id",
    "name",
    "kind",
    "code",
    "website",
    "district_id",
    "district__name",
    "district__province_id",
    "district__province__name",
)


def _organisation(r: tuple) -> dict:
    return {
        "id": r[0],
        "name": r[1],
        "kind": r[2],
        "kind_short": Organisation.SHORT_KIND.get(r[2], ""),
        "code": r[3],
        "website": r[4],
        "district": _ref(r[5], r[6]),
        "province": _ref(r[7], r[8]),
    }


@api_view("organisations")
def organisations(request: HttpRequest, params: dict) -> JsonResponse:
    queryset = api.filter_organisations(Organisation.objects.all(), params)
    rows = queryset.order_by("pk").values_list(*ORGANISATION_FIELDS)
    return _page(request, params, rows, _organisation)


@api_view("organisation")
def organisation(request: HttpRequest, params: dict, pk: int) -> JsonResponse:
    row = Organisation.objects.filter(pk=pk).values_list(*ORGANISATION_FIELDS).first()
    if row is None:
        return _error(404, "not_found", _("There is no organisation %(pk)s.") % {"pk": pk})
    return JsonResponse(_organisation(row), json_dumps_params=JSON)


def _year(y: AssessmentYear) -> dict:
    return {
        "year": y.year,
        "pass_mark": api.number(y.pass_mark),
        "indicators": [
            {"number": i.number, "name": i.name, "tool": i.tool, "weight": api.number(i.weight, 4)}
            for i in sorted(y.indicators.all(), key=lambda i: i.number)
        ],
        "levels": [
            {
                "level": r.level,
                "min_total": api.number(r.min_total),
                "min_each_tool": api.number(r.min_each_tool),
            }
            for r in y.levels.all()
        ],
    }


def _years() -> QuerySet[AssessmentYear]:
    return AssessmentYear.objects.prefetch_related("indicators", "levels").order_by("year")


@api_view("years")
def years(request: HttpRequest, params: dict) -> JsonResponse:
    return _page(request, params, _years(), _year)


@api_view("year")
def year(request: HttpRequest, params: dict, year: int) -> JsonResponse:
    found = _years().filter(year=year).first()
    if found is None:
        return _error(404, "not_found", _("There is no assessment year %(year)s.") % {"year": year})
    return JsonResponse(_year(found), json_dumps_params=JSON)


def _assessment(a: Assessment) -> dict:
    org = a.organisation
    computed = None
    # Only when every indicator of the year is scored; the count comes with the same query.
    if a.computed is not None and a.score_count == a.indicator_count:
        computed = api.number(rules.round2(Decimal(str(a.computed))))
    return {
        "id": a.pk,
        "year": a.year.year,
        "organisation": _ref(org.pk, org.name),
        "kind": org.kind,
        "district": _ref(org.district_id, org.district.name),
        "province": _ref(org.district.province_id, org.district.province.name),
        "total": api.number(a.total),
        "computed_total": computed,
        "level": a.level,
        "change": api.number(a.change),
        "passed": a.passed,
        "published_row": a.rank,
        "derived": a.derived,
    }


@api_view("assessments")
def assessments(request: HttpRequest, params: dict) -> JsonResponse:
    indicator_count = (
        Indicator.objects.filter(year=OuterRef("year"))
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Assessment.objects.filter(api.filter_q("assessment", params)).order_by("pk")
    return _page(
        request,
        params,
        queryset,
        _assessment,
        expand=lambda page: (
            page.select_related("organisation__district__province", "year")
            .with_computed_total()
            .annotate(indicator_count=Subquery(indicator_count, output_field=IntegerField()))
        ),
    )


SCORE_FIELDS = (
    "id",
    "assessment_id",
    "assessment__year__year",
    "assessment__organisation_id",
    "assessment__organisation__name",
    "indicator__number",
    "indicator__name",
    "indicator__tool",
    "indicator__weight",
    "score",
)


@api_view("scores")
def scores(request: HttpRequest, params: dict) -> JsonResponse:
    queryset = (
        IndicatorScore.objects.filter(api.filter_q("score", params))
        .order_by("pk")
        .values_list(*SCORE_FIELDS)
    )
    return _page(
        request,
        params,
        queryset,
        lambda r: {
            "id": r[0],
            "assessment": r[1],
            "year": r[2],
            "organisation": _ref(r[3], r[4]),
            "indicator": r[5],
            "indicator_name": r[6],
            "tool": r[7],
            "weight": api.number(r[8], 4),
            "score": api.number(r[9], 4),
        },
    )
