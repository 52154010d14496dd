"""The read-only open-data API (``/api/v1/``): its parameters and endpoints, declared once.

Each parameter is a typed pydantic field (bounds, description, example); each endpoint names the
parameters it takes. django-ninja validates requests with the query models built here
(``Endpoint.query``) and writes the OpenAPI document from the same models, so the document
cannot drift from what the views accept. Published scores are public; nothing here exposes
memos, measures or people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal, get_args, get_origin

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, create_model

from ita.lib.thai import arabic_digits
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
    """A parameter the endpoint does not accept, repeated, or with a bad value."""

    def __init__(self, name: str, message: str, code: str = "invalid_parameter") -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.code = code


def _typed_digits(value: object) -> object:
    # Thai users type Thai digits (๒๕๖๔): the same number, as the forms of the site read them.
    return arabic_digits(value).strip() if isinstance(value, str) else value


def _whole(low: int, high: int = MAX_ID) -> Any:
    return Annotated[int, BeforeValidator(_typed_digits), Field(ge=low, le=high)]


def _text(max_length: int, min_length: int = 0) -> Any:
    # Stripped like a form field; NUL is refused because PostgreSQL cannot store it in text.
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=min_length,
            max_length=max_length,
            pattern=r"^[^\x00]*$",
        ),
    ]


def _choice(values: list[str]) -> Any:
    return Literal[tuple(values)]


@dataclass(frozen=True)
class Param:
    name: str
    type: Any  # the value's type and bounds: ninja validates with it and documents it
    description: str
    example: Any
    default: Any = None
    # The model field path the filter applies to, per endpoint family (see ``filter_q``).
    paths: dict[str, str] = field(default_factory=dict)

    def field(self) -> tuple[Any, Any]:
        extra = {"example": self.example}
        return self.type, Field(self.default, description=self.description, json_schema_extra=extra)


# Every parameter of the API once. ``paths`` name the lookup on each endpoint's own model.
PARAMS = {
    p.name: p
    for p in [
        Param(
            "limit",
            _whole(1, MAX_LIMIT),
            f"Page size (1–{MAX_LIMIT}, default {DEFAULT_LIMIT}).",
            10,
            DEFAULT_LIMIT,
        ),
        Param("offset", _whole(0, MAX_OFFSET), "Number of items to skip.", 0, 0),
        Param(
            "year",
            _whole(2500, 2700),
            "Fiscal year, Buddhist Era (e.g. 2564).",
            2564,
            paths={"assessment": "year__year", "score": "assessment__year__year"},
        ),
        Param(
            "province",
            _whole(1),
            "Province id (see /api/v1/provinces).",
            1,
            paths={
                "district": "province_id",
                "organisation": "district__province_id",
                "assessment": "organisation__district__province_id",
                "score": "assessment__organisation__district__province_id",
            },
        ),
        Param(
            "district",
            _whole(1),
            "District id (see /api/v1/districts).",
            1,
            paths={
                "organisation": "district_id",
                "assessment": "organisation__district_id",
                "score": "assessment__organisation__district_id",
            },
        ),
        Param(
            "kind",
            _choice(Organisation.Kind.values),
            "Kind of organisation: "
            + ", ".join(f"{v} ({lbl})" for v, lbl in Organisation.Kind.choices),
            "sao",
            paths={
                "organisation": "kind",
                "assessment": "organisation__kind",
                "score": "assessment__organisation__kind",
            },
        ),
        Param(
            "level",
            _text(40, min_length=1),
            "Level reached, exactly as published (e.g. A, AA, ผ่านดี); one that no year's "
            "rating scheme has (or not the given year's) is a 400.",
            "A",
            paths={"assessment": "level", "score": "assessment__level"},
        ),
        Param(
            "passed",
            # Documented as the words it takes; the view gets a boolean.
            Annotated[_choice(list(BOOLEAN_WORDS)), AfterValidator(BOOLEAN_WORDS.__getitem__)],
            "Whether the total reached the year's pass mark: true or false (also 1/0, yes/no).",
            "true",
            paths={"assessment": "passed", "score": "assessment__passed"},
        ),
        Param(
            "organisation",
            _whole(1),
            "Organisation id.",
            1,
            paths={"assessment": "organisation_id", "score": "assessment__organisation_id"},
        ),
        Param(
            "indicator",
            _whole(1, 99),
            "Indicator number within the year's method (1–10 in 2563–2568).",
            4,
            paths={"score": "indicator__number"},
        ),
        Param(
            "tool",
            _choice(Tool.values),
            "Tool: IIT, EIT or OIT.",
            "IIT",
            paths={"score": "indicator__tool"},
        ),
        Param(
            "q",
            # Empty (a search box submitted blank) means no filter, not a bad value.
            _text(100),
            "Part of the organisation's name; empty means no filter.",
            "ตำบล",
            paths={"organisation": "name__icontains"},
        ),
    ]
}
PAGING = ["limit", "offset"]
# Filters on an organisation's assessments, for the organisations list.
ASSESSMENT_FILTERS = ("year", "level", "passed")


def check_names(query: QueryDict, names: list[str]) -> None:
    """Ninja ignores names it does not know and keeps the last of repeated values; here both are
    a 400, so a typo (``?yaer=2564``) is not answered as if the filter had been applied."""
    for name in query:
        if name not in names:
            raise BadParameter(
                name,
                _("Unknown parameter “%(name)s”. This endpoint accepts: %(names)s.")
                % {"name": name, "names": ", ".join(names) or "–"},
                "unknown_parameter",
            )
        if len(query.getlist(name)) > 1:
            raise BadParameter(
                name, _("The parameter “%(name)s” is given more than once.") % {"name": name}
            )


def _choices(kind: Any) -> list[str]:
    """The words a Literal parameter takes, looking through Annotated."""
    if get_origin(kind) is Literal:
        return list(get_args(kind))
    return _choices(get_args(kind)[0]) if get_args(kind) else []


def _reason(name: str, error: Mapping[str, Any]) -> str:
    """Pydantic's messages are English only: each kind of failure gets a translated reason."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("Not a whole number.")
    if kind == "greater_than_equal":
        return _("Must be %(limit)s or more.") % {"limit": ctx["ge"]}
    if kind == "less_than_equal":
        return _("Must be %(limit)s or less.") % {"limit": ctx["le"]}
    if kind == "string_too_short":  # only ``level`` has a minimum length, of one
        return _("Must not be empty.")
    if kind == "string_too_long":
        return _("At most %(limit)s characters.") % {"limit": ctx["max_length"]}
    if kind == "string_pattern_mismatch":
        return _("Null characters are not allowed.")
    if kind == "literal_error":
        return _("Must be one of: %(choices)s.") % {
            "choices": ", ".join(_choices(PARAMS[name].type))
        }
    return _("Not a valid value.")


def invalid(name: str, value: str, error: Mapping[str, Any]) -> BadParameter:
    """The 400 for a value ninja's validation refused (``error`` is one pydantic error)."""
    return BadParameter(
        name,
        _("The parameter “%(name)s” is invalid (%(value)s): %(reason)s")
        % {"name": name, "value": value[:100], "reason": _reason(name, error)},
    )


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


def filters(params: Schema) -> dict[str, Any]:
    """The parameters given, as values to filter on (an empty ``q`` is no filter)."""
    values = {k: v for k, v in params.model_dump(exclude_none=True).items() if v != ""}
    check_level(values)
    return values


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


def _model(name: str, params: list[Param]) -> type[Schema]:
    fields: dict[str, Any] = {p.name: p.field() for p in params}
    return create_model(name, __base__=Schema, **fields)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name is "api-<name>", the operation id "<name>"
    path: str  # the OpenAPI path, below API_PREFIX
    summary: str
    params: list[str]
    schema: str  # the component of one item
    many: bool = True
    path_params: list[Param] = field(default_factory=list)

    @property
    def route(self) -> str:
        """The path as ninja routes it. Path values reach ninja as text (Django's default
        converter, spelled out), so one that is not a whole number gets the API's 400 naming
        it, not the site's HTML 404."""
        return re.sub(r"{(\w+)}", r"{str:\1}", self.path)

    @cached_property
    def query(self) -> type[Schema]:
        """The query model ninja validates the query string with and documents."""
        return _model(f"{self.name.title()}Query", [PARAMS[n] for n in self.params])

    @cached_property
    def path_model(self) -> type[Schema]:
        """The model of the path parameters, likewise."""
        return _model(f"{self.name.title()}Path", self.path_params)


def _path_param(name: str, description: str, example: int) -> Param:
    # Any whole number: one no row has (negative, or too large for the database) is a 404.
    return Param(name, int, description, example, ...)


LIST_FILTERS = ["year", "province", "district", "kind", "level", "passed"]
ENDPOINTS = [
    Endpoint("index", "/", "The API's endpoints and its schema.", [], "Index", many=False),
    Endpoint("openapi", "/openapi.json", "This OpenAPI document.", [], "OpenAPI", many=False),
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
        path_params=[_path_param("pk", "Organisation id.", 1)],
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
        path_params=[_path_param("year", "Fiscal year, Buddhist Era.", 2564)],
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
