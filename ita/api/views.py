"""The read-only JSON API: one django-ninja operation per endpoint of ``ita.api.params``.

Each list makes two queries (the count and the page) plus at most one per prefetched relation,
whatever the size of the data; each detail makes one or three.
"""

from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Generic, TypedDict, TypeVar, cast

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PaginationBase, paginate
from pydantic import BaseModel

from ita.api import http, schemas
from ita.api import params as api
from ita.organisations.models import District, Organisation, Province
from ita.results import rules
from ita.results.models import (
    Assessment,
    AssessmentQuerySet,
    AssessmentYear,
    Indicator,
    IndicatorScore,
)

router = Router()

ITEMS: dict[str, type[BaseModel] | type[dict[str, object]]] = {
    "Index": schemas.Index,
    "OpenAPI": schemas.OpenAPI,
    "Province": schemas.Province,
    "District": schemas.District,
    "Organisation": schemas.Organisation,
    "Year": schemas.Year,
    "Assessment": schemas.Assessment,
    "IndicatorScore": schemas.IndicatorScore,
}
RESPONSES = {
    400: {"description": "A parameter is unknown, repeated or invalid."},
    404: {"description": "Not found."},
}

# An item as the API answers it (JSON: its shape is the item's schema, ``ita.api.schemas``).
Item = dict[str, object]
M = TypeVar("M", bound=Model)
# One row of a list: a model instance, or a row of ``values``/``values_list``.
Row = TypeVar("Row")
View = TypeVar("View", bound=Callable[..., object])


def operation(name: str) -> Callable[[View], View]:
    """Register a view as the endpoint ``name``: its route, URL name, summary and responses all
    come from the endpoint's entry."""
    endpoint = api.ENDPOINT[name]
    item = ITEMS[endpoint.schema]
    responses: dict[int, type[BaseModel] | type[dict[str, object]]] = {
        200: schemas.page(cast(type[BaseModel], item)) if endpoint.many else item,
        400: schemas.Error,
    }
    if endpoint.path_params:
        responses[404] = schemas.Error
    return router.api_operation(
        # HEAD is GET without the body (the server drops it); the document lists only GET.
        ["GET", "HEAD"],
        endpoint.route,
        response=responses,
        operation_id=name,
        summary=endpoint.summary,
        url_name=f"api-{name}",
        openapi_extra={"responses": {k: v for k, v in RESPONSES.items() if k in responses}},
    )


def _not_found(detail: str) -> Status:
    return Status(404, {"error": "not_found", "parameter": None, "detail": detail})


class Pages(PaginationBase, Generic[M, Row]):
    """Ninja's pagination around a list view returning its filtered queryset (ordered): one page
    of it in the ``<Item>Page`` envelope, with links to the next and previous pages.

    ``limit`` and ``offset`` come with the view's query model (``api.Paging``, first in every
    list's parameters), so this pagination adds no parameters of its own. With ``expand``, the
    page's ids are read first and only those rows get its joins and annotations: a deep offset
    then skips bare ids instead of computing subqueries for every skipped row.

    The page is rendered as built, not validated again through its response model: a thousand
    items through pydantic cost as much as the rest of the request (organisations: 25 ms instead
    of 13). Its shape is the documented one: tests/ita/test_api.py compares every list with the
    document, and schemathesis tries every operation against it."""

    class Input(Schema):
        pass

    Output = None  # type: ignore[assignment]  # the declared <Item>Page, rendered as built

    def __init__(
        self,
        *,
        serialise: Callable[[Row], Item],
        expand: Callable[[QuerySet[M]], QuerySet[M, Row]] | None = None,
        pass_parameter: str | None = None,
    ) -> None:
        super().__init__(pass_parameter=pass_parameter)
        self.serialise = serialise
        self.expand = expand

    def paginate_queryset(
        self,
        queryset: QuerySet[M, Row],
        pagination: Input,
        request: HttpRequest,
        **params: object,
    ) -> HttpResponse:
        query = params["query"]
        assert isinstance(query, api.Paging)  # every list's query model is a Paging
        limit, offset = query.limit, query.offset
        count = queryset.count()
        window = queryset[offset : offset + limit]
        if self.expand is not None:
            # The ids read first, then the rows by a list of them: as a subquery (``IN (SELECT
            # … LIMIT …)``) PostgreSQL may run the page's query again for every row when its
            # statistics are behind the data (seen with a fresh import: six seconds for 1,000
            # rows).
            ids = list(window.values_list("pk", flat=True))
            window = self.expand(queryset.model._default_manager.filter(pk__in=ids)).order_by("pk")
        items = [self.serialise(x) for x in window]

        def link(to: int) -> str:
            again = request.GET.copy()
            again["offset"] = str(to)
            again["limit"] = str(limit)
            return request.build_absolute_uri(f"{request.path}?{again.urlencode()}")

        page = {
            "count": count,
            "limit": limit,
            "offset": offset,
            "next": link(offset + limit) if offset + limit < count else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "results": items,
        }
        return http.api.create_response(request, page, status=200)


def _ref(pk: int, name: str) -> Item:
    return {"id": pk, "name": name}


@operation("index")
def index(request: HttpRequest) -> Item:
    names = [e.name for e in api.ENDPOINTS if not e.path_params and e.name != "index"]
    return {
        "endpoints": {n: request.build_absolute_uri(reverse(f"api-{n}")) for n in names},
        "openapi": request.build_absolute_uri(reverse("api-openapi")),
    }


@cache
def _document() -> dict[str, object]:
    # The routes and models are fixed once the URLs are loaded; building the document takes
    # longer than answering a page of 1000 scores.
    return dict(http.api.get_openapi_schema())


@operation("openapi")
def openapi(request: HttpRequest) -> Item:
    return {**_document(), "servers": [{"url": request.build_absolute_uri("/")}]}


# id, name, province (id, name)
DistrictRow = tuple[int, str, int, str]


def _district(r: DistrictRow) -> Item:
    return {"id": r[0], "name": r[1], "province": _ref(r[2], r[3])}


class ProvinceRow(TypedDict):
    id: int
    name: str
    name_en: str
    region: int | None


@operation("provinces")
@paginate(Pages, serialise=dict)
def provinces(request: HttpRequest, query: Query[api.Paging]) -> QuerySet[Province, ProvinceRow]:
    return query.filter(Province.objects.order_by("name", "pk")).values(
        "id", "name", "name_en", "region"
    )


@operation("districts")
@paginate(Pages, serialise=_district)
def districts(
    request: HttpRequest, query: Query[api.DistrictsQuery]
) -> QuerySet[District, DistrictRow]:
    return (
        query.filter(District.objects.all())
        .order_by("province__name", "name", "pk")
        .values_list("id", "name", "province_id", "province__name")
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


# id, name, kind, code, website, district (id, name), province (id, name)
OrganisationRow = tuple[int, str, str, str | None, str, int, str, int, str]


def _organisation(r: OrganisationRow) -> Item:
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


@operation("organisations")
@paginate(Pages, serialise=_organisation)
def organisations(
    request: HttpRequest, query: Query[api.OrganisationsQuery]
) -> QuerySet[Organisation, OrganisationRow]:
    queryset = query.filter(Organisation.objects.all())
    return queryset.order_by("pk").values_list(*ORGANISATION_FIELDS)


@operation("organisation")
def organisation(request: HttpRequest, path: Path[api.OrganisationPath]) -> Item | Status:
    row = Organisation.objects.filter(pk=path.pk).values_list(*ORGANISATION_FIELDS).first()
    if row is None:
        return _not_found(_("There is no organisation %(pk)s.") % {"pk": path.pk})
    return _organisation(row)


def _year(y: AssessmentYear) -> Item:
    return {
        "year": y.year,
        "pass_mark": api.number(y.pass_mark),
        "confirmed": y.confirmed,
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


@operation("years")
@paginate(Pages, serialise=_year)
def years(request: HttpRequest, query: Query[api.Paging]) -> QuerySet[AssessmentYear]:
    return query.filter(_years())


@operation("year")
def year(request: HttpRequest, path: Path[api.YearPath]) -> Item | Status:
    found = _years().filter(year=path.year).first()
    if found is None:
        return _not_found(_("There is no assessment year %(year)s.") % {"year": path.year})
    return _year(found)


def _assessment(a: Assessment) -> Item:
    org = a.organisation
    computed = None
    # Only when every indicator of the year is scored; the count comes with the same query.
    # (computed, score_count and indicator_count are the page's annotations: ``_expand``.)
    total, scored, indicators = a.computed, a.score_count, a.indicator_count  # type: ignore[attr-defined]
    if total is not None and scored == indicators:
        computed = api.number(rules.round2(Decimal(str(total))))
    return {
        "id": a.pk,
        "year": a.year.year,
        "organisation": _ref(org.pk, org.name),
        "kind": org.kind,
        "district": _ref(org.district_id, org.district.name),
        "province": _ref(org.district.province_id, org.district.province.name),
        "total": api.number(a.total),
        "computed_total": computed,
        # A level the NACC published, or one computed from the year's confirmed method, and
        # which; null for both when none is known (the score only).
        "level": a.level or None,
        "level_source": a.level_source or None,
        "change": api.number(a.change),
        "passed": a.passed,
        "passed_source": a.passed_source or None,
        "published_row": a.rank,
        "derived": a.derived,
    }


def _expand(page: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The page's assessments with their place, year, computed total and indicator count."""
    indicator_count = (
        Indicator.objects.filter(year=OuterRef("year"))
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        cast(AssessmentQuerySet, page)
        .select_related("organisation__district__province", "year")
        .with_computed_total()
        .annotate(indicator_count=Subquery(indicator_count, output_field=IntegerField()))
    )


@operation("assessments")
@paginate(Pages, serialise=_assessment, expand=_expand)
def assessments(request: HttpRequest, query: Query[api.AssessmentsQuery]) -> QuerySet[Assessment]:
    return query.filter(Assessment.objects.order_by("pk"))


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


# id, assessment, year, organisation (id, name), indicator (number, name, tool, weight), score
ScoreRow = tuple[int, int, int, int, str, int, str, str, Decimal, Decimal]


def _score(r: ScoreRow) -> Item:
    return {
        "id": r[0],
        "assessment": r[1],
        "year": r[2],
        "organisation": _ref(r[3], r[4]),
        "indicator": r[5],
        "indicator_name": r[6],
        "tool": r[7],
        "weight": api.number(r[8], 4),
        "score": api.number(r[9], 4),
    }


@operation("scores")
@paginate(Pages, serialise=_score)
def scores(
    request: HttpRequest, query: Query[api.ScoresQuery]
) -> QuerySet[IndicatorScore, ScoreRow]:
    return query.filter(IndicatorScore.objects.order_by("pk")).values_list(*SCORE_FIELDS)
