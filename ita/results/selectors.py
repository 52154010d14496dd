"""Reads with more than one row behind them: the results tables and an organisation's years."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.db.models import Prefetch

from ita.organisations.models import Organisation, Province
from ita.results import methods, rules
from ita.results.models import (
    Assessment,
    AssessmentQuerySet,
    AssessmentYear,
    Indicator,
    IndicatorScore,
    Tool,
)

SORT_KEYS = ("rank", "name", "district", "total", "change", "level")


class ToolLine(TypedDict):
    """An indicator's line in ``tool_tables``."""

    indicator: Indicator
    score: Decimal | None
    weight: Decimal
    contribution: Decimal | None


@dataclass
class ResultRow:
    rank: int | None
    assessment: Assessment

    @property
    def organisation(self) -> Organisation:
        return self.assessment.organisation


def competition_ranks(totals: Iterable[Decimal | None]) -> list[int | None]:
    """1, 2, 2, 4 … for totals sorted best first; None for a missing total."""
    ranks: list[int | None] = []
    previous: Decimal | None = None
    rank = 0
    for position, total in enumerate(totals, start=1):
        if total is None:
            ranks.append(None)
            continue
        if total != previous:
            rank = position
            previous = total
        ranks.append(rank)
    return ranks


def year_assessments(year: AssessmentYear) -> AssessmentQuerySet:
    return Assessment.objects.for_year(year).with_related().with_computed_total()


def rank_rows(assessments: Iterable[Assessment], year: AssessmentYear) -> list[ResultRow]:
    """Rows ranked best first, sharing one ``year`` (its method is loaded once, not per row)."""
    ordered = sorted(
        assessments, key=lambda a: (a.total is None, -(a.total or 0), a.organisation.name)
    )
    for a in ordered:
        a.year = year
    ranks = competition_ranks(a.total for a in ordered)
    return [ResultRow(rank, a) for rank, a in zip(ranks, ordered, strict=True)]


def year_table(year: AssessmentYear, province: Province | None = None) -> list[ResultRow]:
    """A year's results ranked within each province (one province, or all by province name)."""
    assessments = year_assessments(year)
    if province is not None:
        return rank_rows(assessments.for_province(province), year)
    by_province: dict[int, list[Assessment]] = {}
    for a in assessments.order_by("organisation__district__province__name"):
        by_province.setdefault(a.organisation.district.province_id, []).append(a)
    return [row for group in by_province.values() for row in rank_rows(group, year)]


def province_results(
    *,
    year: AssessmentYear,
    province: Province,
    district_id: int | None = None,
    kind: str = "",
    level: str = "",
    passed: bool | None = None,
    sort: str = "rank",
    descending: bool = False,
) -> list[ResultRow]:
    """The province's table for a year, ranked within the province, then filtered and sorted.

    Ranks are always the province's, whatever the filter, as in the published table.
    """
    rows = year_table(year, province)
    if district_id is not None:
        rows = [r for r in rows if r.organisation.district_id == district_id]
    if kind:
        rows = [r for r in rows if r.organisation.kind == kind]
    if level:
        rows = [r for r in rows if r.assessment.level == level]
    if passed is not None:
        rows = [r for r in rows if r.assessment.passed is passed]
    return sort_rows(rows, sort, descending)


def sort_rows(rows: list[ResultRow], sort: str, descending: bool) -> list[ResultRow]:
    low = Decimal("-1000")
    keys = {
        "rank": lambda r: (r.rank is None, r.rank or 0, r.organisation.name),
        "name": lambda r: r.organisation.name,
        "district": lambda r: (r.organisation.district.name, r.rank or 0),
        "total": lambda r: r.assessment.total if r.assessment.total is not None else low,
        "change": lambda r: r.assessment.change if r.assessment.change is not None else low,
        "level": lambda r: r.assessment.total if r.assessment.total is not None else low,
    }
    return sorted(rows, key=keys.get(sort, keys["rank"]), reverse=descending)


def organisation_assessments(organisation: Organisation) -> list[Assessment]:
    """Every year's result of an organisation, newest first, with its method and scores loaded."""
    return list(
        Assessment.objects.filter(organisation=organisation)
        .select_related("year")
        .prefetch_related(
            "year__indicators",
            "year__levels",
            Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator")),
        )
        .order_by("-year__year")
    )


class ToolTable(TypedDict):
    """A tool's part of ``tool_tables``: its lines and totals."""

    tool: Tool
    lines: list[ToolLine]
    weight: Decimal
    score: Decimal | None
    contribution: Decimal


def tool_tables(assessment: Assessment) -> list[ToolTable]:
    """Per tool: each indicator's score, weight and weighted contribution, and the tool's total.

    Reads the assessment's prefetched method and scores (``organisation_assessments``).
    """
    scores = {s.indicator_id: s.score for s in assessment.scores.all()}
    tool_scores = assessment.tool_scores()
    result: list[ToolTable] = []
    for tool in Tool:
        indicators = [i for i in assessment.year.indicators.all() if i.tool == tool.value]
        lines: list[ToolLine] = [
            {
                "indicator": i,
                "score": scores.get(i.pk),
                "weight": i.weight,
                "contribution": None if scores.get(i.pk) is None else scores[i.pk] * i.weight,
            }
            for i in sorted(indicators, key=lambda i: i.number)
        ]
        result.append(
            {
                "tool": tool,
                "lines": lines,
                "weight": sum((i.weight for i in indicators), start=Decimal(0)),
                "score": tool_scores.get(tool.value),
                "contribution": sum(
                    (line["contribution"] for line in lines if line["contribution"] is not None),
                    start=Decimal(0),
                ),
            }
        )
    return result


@dataclass(frozen=True)
class NewYearMethod:
    """The method a year not stored yet starts with, the one rule for it: the levels of its
    period's scheme (``methods``: letters 2562–2566, labels from 2567, none before 2562) or of
    the scheme chosen; the indicators and pass mark of the latest earlier year when there is one
    (they may have been edited), else the published ones; confirmed at once only when published
    figures confirm its period's method. ``year_create`` stores it; an import's preview checks
    against it before the year exists (``ita.imports.method``)."""

    year: int
    copied_from: int | None
    indicators: list[tuple[int, str, str, Decimal]]  # number, name, tool, weight
    pass_mark: Decimal
    scheme: str | None
    confirmed: bool

    @property
    def levels(self) -> list[methods.Level]:
        return methods.SCHEMES[self.scheme] if self.scheme else []

    @property
    def specs(self) -> list[rules.IndicatorSpec]:
        return [rules.IndicatorSpec(n, tool, w) for n, _name, tool, w in self.indicators]


def new_year_method(year: int, scheme: str | None = None) -> NewYearMethod:
    source = (
        AssessmentYear.objects.filter(year__lt=year)
        .order_by("-year")
        .prefetch_related("indicators")
        .first()
    )
    if source is not None:
        indicators = [
            (i.number, i.name, i.tool, i.weight)
            for i in sorted(source.indicators.all(), key=lambda i: i.number)
        ]
        pass_mark, copied = source.pass_mark, source.year
    else:
        indicators, pass_mark, copied = list(methods.INDICATORS), methods.PASS_MARK, None
    return NewYearMethod(
        year=year,
        copied_from=copied,
        indicators=indicators,
        pass_mark=pass_mark,
        scheme=scheme or methods.scheme_for_year(year),
        confirmed=methods.confirmed_by_publication(year),
    )
