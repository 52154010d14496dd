"""The read-only open-data API (``/api/v1/``): its parameters and endpoints, declared once.

Each parameter is a typed pydantic field (bounds, description, example) declared once below;
each endpoint's query is a ninja ``FilterSchema`` naming the parameters it takes and, with
``FilterLookup``, the model field each one filters on. django-ninja validates requests with those
models and writes the OpenAPI document from them, so the document cannot drift from what the
views accept. Published scores are public; nothing here exposes memos, measures or people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

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
# The words a choice parameter takes, for its 400 (pydantic's own message is English only).
CHOICES: dict[str, list[str]] = {
    "kind": list(Organisation.Kind.values),
    "tool": list(Tool.values),
    "passed": list(BOOLEAN_WORDS),
}


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


def _about(description: str, example: str | int) -> FieldInfo:
    """The parameter's description and example in the document."""
    return Field(description=description, json_schema_extra={"example": example})


Digits = BeforeValidator(_typed_digits)
# Stripped like a form field; NUL is refused because PostgreSQL cannot store it in text.
NoNul = r"^[^\x00]*$"

# --- Every parameter of the API once: its type, bounds, description and example -------------

Limit = Annotated[
    int,
    Digits,
    Field(ge=1, le=MAX_LIMIT),
    _about(f"Page size (1–{MAX_LIMIT}, default {DEFAULT_LIMIT}).", 10),
]
Offset = Annotated[int, Digits, Field(ge=0, le=MAX_OFFSET), _about("Number of items to skip.", 0)]
YearNumber = Annotated[
    int, Digits, Field(ge=2500, le=2700), _about("Fiscal year, Buddhist Era (e.g. 2564).", 2564)
]
ProvinceId = Annotated[
    int, Digits, Field(ge=1, le=MAX_ID), _about("Province id (see /api/v1/provinces).", 1)
]
DistrictId = Annotated[
    int, Digits, Field(ge=1, le=MAX_ID), _about("District id (see /api/v1/districts).", 1)
]
OrganisationId = Annotated[int, Digits, Field(ge=1, le=MAX_ID), _about("Organisation id.", 1)]
IndicatorNumber = Annotated[
    int,
    Digits,
    Field(ge=1, le=99),
    _about("Indicator number within the year's method (1–10 in 2563–2568).", 4),
]
Level = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=NoNul),
    _about(
        "Level reached, exactly as published (e.g. A, AA, ผ่านดี); one that no year's "
        "rating scheme has (or not the given year's) is a 400.",
        "A",
    ),
]
# Empty (a search box submitted blank) means no filter, not a bad value.
Search = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=0, max_length=100, pattern=NoNul),
    _about("Part of the organisation's name; empty means no filter.", "ตำบล"),
]
# The choices are the models' own; to a type checker they are the text (or truth) they give.
if TYPE_CHECKING:
    KindWord = str
    ToolWord = str
    Truth = bool
else:
    KindWord = Literal[tuple(CHOICES["kind"])]
    ToolWord = Literal[tuple(CHOICES["tool"])]
    # Documented as the words it takes; the view gets a boolean.
    Truth = Annotated[Literal[tuple(CHOICES["passed"])], AfterValidator(BOOLEAN_WORDS.__getitem__)]
Kind = Annotated[
    KindWord,
    _about(
        "Kind of organisation: "
        + ", ".join(f"{v} ({lbl})" for v, lbl in Organisation.Kind.choices),
        "sao",
    ),
]
Passed = Annotated[
    Truth,
    _about(
        "Whether the total reached the year's pass mark: true or false (also 1/0, yes/no).",
        "true",
    ),
]
ToolName = Annotated[ToolWord, _about("Tool: IIT, EIT or OIT.", "IIT")]
# A filter not given: absent from the document's schema (the parameter is simply optional).
Unset = SkipJsonSchema[None]

Rows = TypeVar("Rows", bound=QuerySet[Model, object])


# --- Each endpoint's query: the parameters it takes and what each filters on -----------------


class Paging(FilterSchema):
    """A page of a list: first in every list's parameters. Paging is not a filter."""

    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0

    def filter_limit(self, value: int) -> Q:
        return Q()

    def filter_offset(self, value: int) -> Q:
        return Q()

    def check(self) -> None:
        """What validating a value alone cannot say (it needs the database): a 400 if wrong."""

    def filter(self, queryset: Rows) -> Rows:
        self.check()
        return super().filter(queryset)


class DistrictsQuery(Paging):
    province: Annotated[ProvinceId | Unset, FilterLookup("province_id")] = None


class OrganisationsQuery(Paging):
    """An organisation's own place, kind and name, and year/level/passed meaning "has such an
    assessment" (all three of the same one)."""

    year: YearNumber | Unset = None
    province: Annotated[ProvinceId | Unset, FilterLookup("district__province_id")] = None
    district: Annotated[DistrictId | Unset, FilterLookup("district_id")] = None
    kind: Annotated[Kind | Unset, FilterLookup("kind")] = None
    level: Level | Unset = None
    passed: Passed | Unset = None
    q: Search | Unset = None

    def check(self) -> None:
        check_level(self.level, self.year)

    def filter_q(self, value: str | None) -> Q:
        return Q(name__icontains=value) if value else Q()  # empty: no filter

    # year, level and passed filter together, through the organisation's assessments.
    def filter_year(self, value: int | None) -> Q:
        return Q()

    def filter_level(self, value: str | None) -> Q:
        return Q()

    def filter_passed(self, value: bool | None) -> Q:
        return Q()

    def get_filter_expression(self) -> Q:
        q = super().get_filter_expression()
        if (self.year, self.level, self.passed) != (None, None, None):
            wanted = AssessmentsQuery.model_construct(
                year=self.year, level=self.level, passed=self.passed
            )
            # A subquery, not a join: one row per organisation, whatever its assessments.
            matching = Assessment.objects.filter(wanted.get_filter_expression())
            q &= Q(pk__in=matching.values("organisation"))
        return q


class AssessmentsQuery(Paging):
    year: Annotated[YearNumber | Unset, FilterLookup("year__year")] = None
    province: Annotated[ProvinceId | Unset, FilterLookup("organisation__district__province_id")] = (
        None
    )
    district: Annotated[DistrictId | Unset, FilterLookup("organisation__district_id")] = None
    kind: Annotated[Kind | Unset, FilterLookup("organisation__kind")] = None
    level: Annotated[Level | Unset, FilterLookup("level")] = None
    passed: Annotated[Passed | Unset, FilterLookup("passed")] = None
    organisation: Annotated[OrganisationId | Unset, FilterLookup("organisation_id")] = None

    def check(self) -> None:
        check_level(self.level, self.year)


class ScoresQuery(Paging):
    year: Annotated[YearNumber | Unset, FilterLookup("assessment__year__year")] = None
    province: Annotated[
        ProvinceId | Unset, FilterLookup("assessment__organisation__district__province_id")
    ] = None
    district: Annotated[
        DistrictId | Unset, FilterLookup("assessment__organisation__district_id")
    ] = None
    kind: Annotated[Kind | Unset, FilterLookup("assessment__organisation__kind")] = None
    level: Annotated[Level | Unset, FilterLookup("assessment__level")] = None
    passed: Annotated[Passed | Unset, FilterLookup("assessment__passed")] = None
    organisation: Annotated[OrganisationId | Unset, FilterLookup("assessment__organisation_id")] = (
        None
    )
    indicator: Annotated[IndicatorNumber | Unset, FilterLookup("indicator__number")] = None
    tool: Annotated[ToolName | Unset, FilterLookup("indicator__tool")] = None

    def check(self) -> None:
        check_level(self.level, self.year)


# Path parameters: any whole number (one no row has, negative or too large for the database,
# is a 404).
class OrganisationPath(Schema):
    pk: Annotated[int, _about("Organisation id.", 1)]


class YearPath(Schema):
    year: Annotated[int, _about("Fiscal year, Buddhist Era.", 2564)]


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


def _reason(name: str, error: Mapping[str, object]) -> str:
    """Pydantic's messages are English only: each kind of failure gets a translated reason."""
    kind, ctx = error["type"], error.get("ctx")
    if not isinstance(ctx, Mapping):
        ctx = {}  # the bounds the value missed, for the kinds that have them
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
        return _("Must be one of: %(choices)s.") % {"choices": ", ".join(CHOICES[name])}
    return _("Not a valid value.")


def invalid(name: str, value: str, error: Mapping[str, object]) -> BadParameter:
    """The 400 for a value ninja's validation refused (``error`` is one pydantic error)."""
    return BadParameter(
        name,
        _("The parameter “%(name)s” is invalid (%(value)s): %(reason)s")
        % {"name": name, "value": value[:100], "reason": _reason(name, error)},
    )


def check_level(level: str | None, year: int | None) -> None:
    """A ``level`` must be one the rating schemes know (the given year's, when there is one):
    a typo such as ``level=Z`` is a 400, not an empty list that looks like a real answer."""
    if level is None:
        return
    known = RatingLevel.objects.filter(level=level)
    if year is not None:
        known = known.filter(year__year=year)
    if not known.exists():
        raise BadParameter(
            "level",
            _("The parameter “level” is invalid (%(value)s): no such level in %(where)s.")
            % {
                "value": level,
                "where": _("the year %(year)s") % {"year": year}
                if year is not None
                else _("any year's rating scheme"),
            },
        )


def number(value: Decimal | float | None, places: int = 2) -> float | None:
    """Scores as JSON numbers, rounded as published (two places; four for indicator scores)."""
    return None if value is None else round(float(value), places)


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name is "api-<name>", the operation id "<name>"
    path: str  # the OpenAPI path, below API_PREFIX
    summary: str
    schema: str  # the component of one item
    query: type[Paging] | None = None  # a list's parameters (a list has one, a detail none)
    path_model: type[Schema] | None = None

    @property
    def many(self) -> bool:
        return self.query is not None

    @property
    def params(self) -> list[str]:
        """The query parameters it takes, in the document's order."""
        return list(self.query.model_fields) if self.query else []

    @property
    def path_params(self) -> list[str]:
        return list(self.path_model.model_fields) if self.path_model else []

    @property
    def route(self) -> str:
        """The path as ninja routes it. Path values reach ninja as text (Django's default
        converter, spelled out), so one that is not a whole number gets the API's 400 naming
        it, not the site's HTML 404."""
        return re.sub(r"{(\w+)}", r"{str:\1}", self.path)


ENDPOINTS = [
    Endpoint("index", "/", "The API's endpoints and its schema.", "Index"),
    Endpoint("openapi", "/openapi.json", "This OpenAPI document.", "OpenAPI"),
    Endpoint("provinces", "/provinces", "Provinces, by name.", "Province", Paging),
    Endpoint(
        "districts",
        "/districts",
        "Districts, by province and name.",
        "District",
        DistrictsQuery,
    ),
    Endpoint(
        "organisations",
        "/organisations",
        "Organisations, by id. year, level and passed keep those with such an assessment.",
        "Organisation",
        OrganisationsQuery,
    ),
    Endpoint(
        "organisation",
        "/organisations/{pk}",
        "One organisation.",
        "Organisation",
        path_model=OrganisationPath,
    ),
    Endpoint(
        "years",
        "/years",
        "Assessment years with their method: indicators, weights, levels, pass mark.",
        "Year",
        Paging,
    ),
    Endpoint(
        "year",
        "/years/{year}",
        "One assessment year and its method.",
        "Year",
        path_model=YearPath,
    ),
    Endpoint(
        "assessments",
        "/assessments",
        "Published results (organisation × year), by id.",
        "Assessment",
        AssessmentsQuery,
    ),
    Endpoint(
        "scores",
        "/scores",
        "Indicator scores, by id.",
        "IndicatorScore",
        ScoresQuery,
    ),
]
ENDPOINT = {e.name: e for e in ENDPOINTS}
NAMES = frozenset(n for e in ENDPOINTS for n in e.params + e.path_params)


def example(name: str) -> object:
    """A parameter's example, as the document gives it."""
    for endpoint in ENDPOINTS:
        info = endpoint.query.model_fields.get(name) if endpoint.query else None
        if info is not None and isinstance(info.json_schema_extra, dict):
            return info.json_schema_extra["example"]
    raise KeyError(name)
