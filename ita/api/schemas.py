"""What the API answers: one model per OpenAPI component (the class name is the component's).

Ninja checks every answer against these and keeps only their fields, so a response cannot carry
a field the document does not list. They are plain pydantic models, not ninja's ``Schema``: the
views hand over dicts, and ``Schema``'s hook for reading ORM objects would be called for each
item of a 1000-item page, doubling its time.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from ita.api.params import KindWord


class Ref(BaseModel):
    id: int
    name: str


class Province(BaseModel):
    id: int
    name: str
    name_en: str
    region: int | None


class District(BaseModel):
    id: int
    name: str
    province: Ref


class Organisation(BaseModel):
    id: int
    name: str
    kind: KindWord
    kind_short: str
    code: str | None
    website: str
    district: Ref
    province: Ref


class YearIndicator(BaseModel):
    number: int
    name: str
    tool: str
    weight: float


class YearLevel(BaseModel):
    level: str
    min_total: float
    min_each_tool: float | None


class Year(BaseModel):
    year: int
    pass_mark: float
    confirmed: bool
    indicators: list[YearIndicator]
    levels: list[YearLevel]


class Assessment(BaseModel):
    id: int
    year: int
    organisation: Ref
    kind: str
    district: Ref
    province: Ref
    total: float | None
    computed_total: float | None
    level: str | None
    level_source: Literal["published", "computed"] | None
    change: float | None
    passed: bool | None
    passed_source: Literal["published", "computed"] | None
    published_row: int | None
    derived: bool


class IndicatorScore(BaseModel):
    id: int
    assessment: int
    year: int
    organisation: Ref
    indicator: int
    indicator_name: str
    tool: str
    weight: float
    score: float


class Index(BaseModel):
    endpoints: dict[str, str]
    openapi: str


class Error(BaseModel):
    error: str
    parameter: str | None
    detail: str


Link = Annotated[str | None, Field(json_schema_extra={"format": "uri"})]


def page(item: type[BaseModel]) -> type[BaseModel]:
    """The paging envelope around a list of ``item`` (component ``<Item>Page``)."""
    return create_model(
        f"{item.__name__}Page",
        __base__=BaseModel,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        next=(Link, ...),
        previous=(Link, ...),
        results=(list[item], ...),  # type: ignore[valid-type]
    )


# The OpenAPI document itself: an object, described by the OpenAPI specification, not here.
OpenAPI = dict[str, Any]
