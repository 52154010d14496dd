"""The read-only open-data API (``/api/v1/``): its parameters and endpoints as data.

The views (``ita.views.api``) parse requests with these parameters and the OpenAPI schema
(``openapi()``) is generated from the same lists, so the documentation cannot drift from what
the views accept. Published scores are public; nothing here exposes memos, measures or people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from ita.organisations.models import Organisation
from ita.results.models import Assessment, RatingLevel, Tool

API_PREFIX = "/api/v1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Bounds that keep every number inside what both databases take (a larger id or offset would
# overflow SQLite's or PostgreSQL's 64-bit integers and fail inside the driver).
MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9
BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class BadParameter(Exception):
    """A query parameter the endpoint does not accept, repeated, or with a bad value."""

    def __init__(self, name: str, message: str, code: str = "invalid_parameter") -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Param:
    name: str
    field: Callable[[], forms.Field]
    description: str
    schema: dict
    example: str
    # The model field path each filter applies to, per endpoint family (see ``filter_q``).
    paths: dict[str, str] = field(default_factory=dict)


def _boolean(value: str) -> bool:
    return BOOLEAN_WORDS[value]


def _int(low: int, high: int = MAX_ID) -> Callable[[], forms.Field]:
    return lambda: forms.IntegerField(min_value=low, max_value=high)


# Every parameter of the API once. ``paths`` name the lookup on each endpoint's own model.
PARAMS = {
    p.name: p
    for p in [
        Param(
            "limit",
            _int(1, MAX_LIMIT),
            f"Page size (1–{MAX_LIMIT}, default {DEFAULT_LIMIT}).",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "10",
        ),
        Param(
            "offset",
            _int(0, MAX_OFFSET),
            "Number of items to skip.",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            "0",
        ),
        Param(
            "year",
            _int(2500, 2700),
            "Fiscal year, Buddhist Era (e.g. 2564).",
            {"type": "integer", "minimum": 2500, "maximum": 2700},
            "2564",
            {"assessment": "year__year", "score": "assessment__year__year"},
        ),
        Param(
            "province",
            _int(1),
            "Province id (see /api/v1/provinces).",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "1",
            {
                "district": "province_id",
                "organisation": "district__province_id",
                "assessment": "organisation__district__province_id",
                "score": "assessment__organisation__district__province_id",
            },
        ),
        Param(
            "district",
            _int(1),
            "District id (see /api/v1/districts).",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "1",
            {
                "organisation": "district_id",
                "assessment": "organisation__district_id",
                "score": "assessment__organisation__district_id",
            },
        ),
        Param(
            "kind",
            lambda: forms.ChoiceField(choices=Organisation.Kind.choices),
            "Kind of organisation: "
            + ", ".join(f"{v} ({lbl})" for v, lbl in Organisation.Kind.choices),
            {"type": "string", "enum": list(Organisation.Kind.values)},
            "sao",
            {
                "organisation": "kind",
                "assessment": "organisation__kind",
                "score": "assessment__organisation__kind",
            },
        ),
        Param(
            "level",
            lambda: forms.CharField(max_length=40),
            "Level reached, exactly as published (e.g. A, AA, ผ่านดี); one that no year's "
            "rating scheme has (or not the given year's) is a 400.",
            {"type": "string", "maxLength": 40},
            "A",
            {"assessment": "level", "score": "assessment__level"},
        ),
        Param(
            "passed",
            lambda: forms.TypedChoiceField(
                choices=[(w, w) for w in BOOLEAN_WORDS], coerce=_boolean
            ),
            "Whether the total reached the year's pass mark: true or false (also 1/0, yes/no).",
            {"type": "string", "enum": list(BOOLEAN_WORDS)},
            "true",
            {"assessment": "passed", "score": "assessment__passed"},
        ),
        Param(
            "organisation",
            _int(1),
            "Organisation id.",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "1",
            {"assessment": "organisation_id", "score": "assessment__organisation_id"},
        ),
        Param(
            "indicator",
            _int(1, 99),
            "Indicator number within the year's method (1–10 in 2563–2568).",
            {"type": "integer", "minimum": 1, "maximum": 99},
            "4",
            {"score": "indicator__number"},
        ),
        Param(
            "tool",
            lambda: forms.ChoiceField(choices=Tool.choices),
            "Tool: IIT, EIT or OIT.",
            {"type": "string", "enum": list(Tool.values)},
            "IIT",
            {"score": "indicator__tool"},
        ),
        Param(
            "q",
            # Empty (a search box submitted blank) means no filter, not a bad value.
            lambda: forms.CharField(max_length=100, required=False),
            "Part of the organisation's name; empty means no filter.",
            {"type": "string", "maxLength": 100},
            "ตำบล",
            {"organisation": "name__icontains"},
        ),
    ]
}
PAGING = ["limit", "offset"]
# Filters on an organisation's assessments, for the organisations list.
ASSESSMENT_FILTERS = ("year", "level", "passed")


def parse(query: QueryDict, names: list[str]) -> dict[str, Any]:
    """Clean the query string against the endpoint's parameters; raise BadParameter naming the
    first one that is unknown, repeated or invalid."""
    values: dict[str, Any] = {}
    for name in query:
        if name not in names:
            raise BadParameter(
                name,
                _("Unknown parameter “%(name)s”. This endpoint accepts: %(names)s.")
                % {"name": name, "names": ", ".join(names) or "–"},
                "unknown_parameter",
            )
        given = query.getlist(name)
        if len(given) > 1:
            raise BadParameter(
                name, _("The parameter “%(name)s” is given more than once.") % {"name": name}
            )
        try:
            value = PARAMS[name].field().clean(given[0])
        except ValidationError as error:
            raise BadParameter(
                name,
                _("The parameter “%(name)s” is invalid (%(value)s): %(reason)s")
                % {"name": name, "value": given[0][:100], "reason": " ".join(error.messages)},
            ) from error
        if value != "":
            values[name] = value
    return values


def check_level(values: dict[str, Any]) -> None:
    """A ``level`` must be one the rating schemes know (the given year's, when there is one):
    a typo such as ``level=Z`` is a 400, not an empty list that looks like a real answer."""
    level = values.get("level")
    if level is None:
        return
    known = RatingLevel.objects.filter(level=level)
    if "year" in values:
        known = known.filter(year__year=values["year"])
    if not known.exists():
        raise BadParameter(
            "level",
            _("The parameter “level” is invalid (%(value)s): no such level in %(where)s.")
            % {
                "value": level,
                "where": _("the year %(year)s") % {"year": values["year"]}
                if "year" in values
                else _("any year's rating scheme"),
            },
        )


def filter_q(family: str, values: dict[str, Any]) -> Q:
    q = Q()
    for name, value in values.items():
        path = PARAMS[name].paths.get(family)
        if path:
            q &= Q(**{path: value})
    return q


def filter_organisations(queryset: QuerySet, values: dict[str, Any]) -> QuerySet:
    """Organisation filters, plus year/level/passed meaning "has such an assessment"."""
    queryset = queryset.filter(filter_q("organisation", values))
    wanted = {k: v for k, v in values.items() if k in ASSESSMENT_FILTERS}
    if wanted:
        # A subquery, not a join: one row per organisation, whatever its assessments.
        matching = Assessment.objects.filter(filter_q("assessment", wanted)).values("organisation")
        queryset = queryset.filter(pk__in=matching)
    return queryset


def number(value: Decimal | float | None, places: int = 2) -> float | None:
    """Scores as JSON numbers, rounded as published (two places; four for indicator scores)."""
    return None if value is None else round(float(value), places)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name, "api-<name>"
    path: str  # the OpenAPI path
    summary: str
    params: list[str]
    schema: str  # the component of one item
    many: bool = True
    path_params: list[tuple[str, str]] = field(default_factory=list)  # (name, description)


LIST_FILTERS = ["year", "province", "district", "kind", "level", "passed"]
ENDPOINTS = [
    Endpoint("index", "/", "The API's endpoints and its schema.", [], "Index", many=False),
    Endpoint("openapi", "/openapi.json", "This OpenAPI 3 document.", [], "OpenAPI", many=False),
    Endpoint("provinces", "/provinces", "Provinces, by name.", PAGING, "Province"),
    Endpoint(
        "districts",
        "/districts",
        "Districts, by province and name.",
        [*PAGING, "province"],
        "District",
    ),
    Endpoint(
        "organisations",
        "/organisations",
        "Organisations, by id. year, level and passed keep those with such an assessment.",
        [*PAGING, *LIST_FILTERS, "q"],
        "Organisation",
    ),
    Endpoint(
        "organisation",
        "/organisations/{pk}",
        "One organisation.",
        [],
        "Organisation",
        many=False,
        path_params=[("pk", "Organisation id.")],
    ),
    Endpoint(
        "years",
        "/years",
        "Assessment years with their method: indicators, weights, levels, pass mark.",
        PAGING,
        "Year",
    ),
    Endpoint(
        "year",
        "/years/{year}",
        "One assessment year and its method.",
        [],
        "Year",
        many=False,
        path_params=[("year", "Fiscal year, Buddhist Era.")],
    ),
    Endpoint(
        "assessments",
        "/assessments",
        "Published results (organisation × year), by id.",
        [*PAGING, *LIST_FILTERS, "organisation"],
        "Assessment",
    ),
    Endpoint(
        "scores",
        "/scores",
        "Indicator scores, by id.",
        [*PAGING, *LIST_FILTERS, "organisation", "indicator", "tool"],
        "IndicatorScore",
    ),
]
ENDPOINT = {e.name: e for e in ENDPOINTS}

_INT = {"type": "integer"}
_STR = {"type": "string"}
_NUM = {"type": "number", "nullable": True}
_NULL_INT = {"type": "integer", "nullable": True}
_NULL_BOOL = {"type": "boolean", "nullable": True}
_REF = {"type": "object", "properties": {"id": _INT, "name": _STR}, "required": ["id", "name"]}

SCHEMAS: dict[str, dict] = {
    "Province": {"id": _INT, "name": _STR, "name_en": _STR, "region": _NULL_INT},
    "District": {"id": _INT, "name": _STR, "province": _REF},
    "Organisation": {
        "id": _INT,
        "name": _STR,
        "kind": {"type": "string", "enum": list(Organisation.Kind.values)},
        "kind_short": _STR,
        "code": {"type": "string", "nullable": True},
        "website": _STR,
        "district": _REF,
        "province": _REF,
    },
    "Year": {
        "year": _INT,
        "pass_mark": {"type": "number"},
        "indicators": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "number": _INT,
                    "name": _STR,
                    "tool": _STR,
                    "weight": {"type": "number"},
                },
            },
        },
        "levels": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "level": _STR,
                    "min_total": {"type": "number"},
                    "min_each_tool": _NUM,
                },
            },
        },
    },
    "Assessment": {
        "id": _INT,
        "year": _INT,
        "organisation": _REF,
        "kind": _STR,
        "district": _REF,
        "province": _REF,
        "total": _NUM,
        "computed_total": _NUM,
        "level": _STR,
        "change": _NUM,
        "passed": _NULL_BOOL,
        "published_row": _NULL_INT,
        "derived": {"type": "boolean"},
    },
    "IndicatorScore": {
        "id": _INT,
        "assessment": _INT,
        "year": _INT,
        "organisation": _REF,
        "indicator": _INT,
        "indicator_name": _STR,
        "tool": _STR,
        "weight": {"type": "number"},
        "score": {"type": "number"},
    },
    "Index": {"endpoints": {"type": "object", "additionalProperties": _STR}, "openapi": _STR},
}


def _object(properties: dict) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _page(item: str) -> dict:
    link = {"type": "string", "format": "uri", "nullable": True}
    return _object(
        {
            "count": _INT,
            "limit": _INT,
            "offset": _INT,
            "next": link,
            "previous": link,
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        }
    )


ERROR_SCHEMA = _object(
    {"error": _STR, "parameter": {"type": "string", "nullable": True}, "detail": _STR}
)


def openapi(server: str = "") -> dict:
    """The OpenAPI 3.0 document, generated from ``ENDPOINTS`` and ``PARAMS``."""
    paths: dict[str, dict] = {}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for e in ENDPOINTS:
        if e.name == "openapi":
            body = {"type": "object", "description": "An OpenAPI 3.0 document."}
        elif e.many:
            body = {"$ref": f"#/components/schemas/{e.schema}Page"}
        else:
            body = {"$ref": f"#/components/schemas/{e.schema}"}
        parameters = [
            {"name": n, "in": "path", "required": True, "description": d, "schema": _INT}
            for n, d in e.path_params
        ] + [
            {
                "name": n,
                "in": "query",
                "required": False,
                "description": PARAMS[n].description,
                "schema": PARAMS[n].schema,
                "example": PARAMS[n].example,
            }
            for n in e.params
        ]
        responses = {
            "200": {"description": "OK", "content": {"application/json": {"schema": body}}},
            "400": {
                "description": "A parameter is unknown, repeated or invalid.",
                "content": error,
            },
        }
        if e.path_params:
            responses["404"] = {"description": "Not found.", "content": error}
        paths[API_PREFIX + e.path] = {
            "get": {
                "operationId": e.name,
                "summary": e.summary,
                "parameters": parameters,
                "responses": responses,
            }
        }
    schemas = {name: _object(props) for name, props in SCHEMAS.items()}
    schemas.update({f"{e.schema}Page": _page(e.schema) for e in ENDPOINTS if e.many})
    schemas["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ITA results of Thai local government",
            "version": "1.0.0",
            "description": (
                "Published Integrity and Transparency Assessment results: organisations, "
                "assessment years and their method, results and indicator scores. Read-only. "
                "Lists are paginated with limit/offset; unknown, repeated or invalid "
                "parameters get a 400 response naming the parameter. Years are Buddhist Era."
            ),
        },
        "servers": [{"url": server or "/"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
