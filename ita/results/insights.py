"""Where an organisation stands: distributions, pass rates, ranks and averages.

Every figure is computed by the database (aggregate, annotate, window functions, subqueries),
so each function makes a fixed number of queries whatever the number of organisations; Python
only reshapes the few grouped rows that come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Rank

from ita.organisations.models import Organisation, Province
from ita.results import rules
from ita.results.models import (
    Assessment,
    AssessmentYear,
    Indicator,
    IndicatorScore,
    Source,
    Tool,
)

# Score bands of the distribution: the level thresholds of both schemes fall on their edges.
BIN_EDGES = [Decimal(e) for e in (0, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95)]
TOP = Decimal(100)
NEIGHBOURS = 5
SUM_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=6)


def _decimal(value: object) -> Decimal | None:
    """Aggregates come back as Decimal (PostgreSQL) or float (SQLite): one type, two places."""
    if value is None:
        return None
    return rules.round2(Decimal(str(value)))


def share(part: int, whole: int) -> Decimal | None:
    return None if not whole else rules.round2(Decimal(100) * part / whole)


@dataclass(frozen=True)
class Bin:
    low: Decimal
    high: Decimal  # exclusive, except the top band which includes 100
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:.0f}–{self.high:.0f}"

    def holds(self, total: Decimal | None) -> bool:
        if total is None:
            return False
        return self.low <= total < self.high or (self.high == TOP and total == TOP)


@dataclass(frozen=True)
class Summary:
    assessed: int  # rows for the year, with or without a total
    with_total: int
    passed: int
    mean: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    bins: list[Bin] = field(default_factory=list)
    # Rows whose level or pass/fail the NACC did not publish (computed from the year's method).
    computed: int = 0
    # Rows with a pass/fail at all (published, or computed from a confirmed method): the pass
    # rate is of these; a year without a method and without published pass/fail has none.
    judged: int = 0

    @property
    def pass_rate(self) -> Decimal | None:
        return share(self.passed, self.judged)


def province_assessments(year: AssessmentYear, province: Province) -> QuerySet[Assessment]:
    return Assessment.objects.filter(year=year, organisation__district__province_id=province.pk)


def province_summary(year: AssessmentYear, province: Province) -> Summary:
    """Counts, pass rate, mean, range and the score distribution: one aggregate query."""
    bands = list(zip(BIN_EDGES, [*BIN_EDGES[1:], TOP], strict=True))
    per_bin = {
        f"bin{k}": Count(
            "pk",
            filter=Q(total__gte=low, total__lte=high)
            if high == TOP
            else Q(total__gte=low, total__lt=high),
        )
        for k, (low, high) in enumerate(bands)
    }
    row = province_assessments(year, province).aggregate(
        assessed=Count("pk"),
        with_total=Count("total"),
        # Before `passed`: from there on, the name means the count, not the column.
        judged=Count("pk", filter=Q(passed__isnull=False)),
        passed=Count("pk", filter=Q(passed=True)),
        computed=Count(
            "pk", filter=Q(level_source=Source.COMPUTED) | Q(passed_source=Source.COMPUTED)
        ),
        mean=Avg("total"),
        lowest=Min("total"),
        highest=Max("total"),
        **per_bin,
    )
    return Summary(
        assessed=row["assessed"],
        with_total=row["with_total"],
        passed=row["passed"],
        mean=_decimal(row["mean"]),
        lowest=_decimal(row["lowest"]),
        highest=_decimal(row["highest"]),
        bins=[Bin(low, high, row[f"bin{k}"]) for k, (low, high) in enumerate(bands)],
        computed=row["computed"],
        judged=row["judged"],
    )


def level_counts(year: AssessmentYear, province: Province) -> list[tuple[str, int]]:
    """How many organisations reached each of the year's levels, best level first."""
    counts = dict(
        province_assessments(year, province)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    ordered = [(level, counts.pop(level, 0)) for level in year.level_labels()]
    # Levels outside the year's scheme (or none recorded) are shown, not dropped.
    return ordered + sorted(counts.items())


@dataclass(frozen=True)
class GroupRate:
    key: str
    label: str
    organisations: int
    with_total: int
    passed: int
    mean: Decimal | None
    judged: int = 0  # as Summary.judged

    @property
    def pass_rate(self) -> Decimal | None:
        return share(self.passed, self.judged)


def _group_rates(queryset: QuerySet[Assessment], *keys: str) -> list[dict]:
    return list(
        queryset.order_by()
        .values(*keys)
        .annotate(
            organisations=Count("pk"),
            with_total=Count("total"),
            judged=Count("pk", filter=Q(passed__isnull=False)),  # before `passed`, as above
            passed=Count("pk", filter=Q(passed=True)),
            mean=Avg("total"),
        )
    )


def pass_rates_by_district(year: AssessmentYear, province: Province) -> list[GroupRate]:
    rows = _group_rates(
        province_assessments(year, province),
        "organisation__district_id",
        "organisation__district__name",
    )
    rates = [
        GroupRate(
            key=str(r["organisation__district_id"]),
            label=r["organisation__district__name"],
            organisations=r["organisations"],
            with_total=r["with_total"],
            passed=r["passed"],
            judged=r["judged"],
            mean=_decimal(r["mean"]),
        )
        for r in rows
    ]
    return sorted(rates, key=lambda g: g.label)


def pass_rates_by_kind(year: AssessmentYear, province: Province) -> list[GroupRate]:
    rows = {
        r["organisation__kind"]: r
        for r in _group_rates(province_assessments(year, province), "organisation__kind")
    }
    return [
        GroupRate(
            key=kind,
            label=str(label),
            organisations=rows[kind]["organisations"],
            with_total=rows[kind]["with_total"],
            passed=rows[kind]["passed"],
            judged=rows[kind]["judged"],
            mean=_decimal(rows[kind]["mean"]),
        )
        for kind, label in Organisation.Kind.choices
        if kind in rows
    ]


@dataclass(frozen=True)
class RankedRow:
    organisation_id: int
    name: str
    kind: str
    district_id: int
    district: str
    total: Decimal
    level: str
    passed: bool | None
    change: Decimal | None
    province_rank: int
    district_rank: int
    level_source: str = ""
    passed_source: str = ""


def ranked_rows(year: AssessmentYear, province: Province) -> list[RankedRow]:
    """The province's organisations with a total, ranked (1, 2, 2, 4 …) in the province and in
    their district by window functions; organisations without a total have no rank."""
    rows = (
        province_assessments(year, province)
        .filter(total__isnull=False)
        .annotate(
            province_rank=Window(Rank(), order_by=F("total").desc()),
            district_rank=Window(
                Rank(), partition_by=F("organisation__district_id"), order_by=F("total").desc()
            ),
        )
        .order_by("province_rank", "organisation__name")
        .values_list(
            "organisation_id",
            "organisation__name",
            "organisation__kind",
            "organisation__district_id",
            "organisation__district__name",
            "total",
            "level",
            "passed",
            "change",
            "province_rank",
            "district_rank",
            "level_source",
            "passed_source",
        )
    )
    # total__isnull=False above: django-stubs still types the total as Decimal | None.
    return [RankedRow(*r) for r in rows]  # type: ignore[arg-type]


@dataclass
class Standing:
    """One organisation's place in the province's ranking, with its neighbours and district."""

    row: RankedRow
    province_count: int
    district_count: int
    neighbours: list[RankedRow]
    district_rows: list[RankedRow]
    bin_index: int | None


def standing(rows: list[RankedRow], organisation_id: int, bins: list[Bin]) -> Standing | None:
    """Pick the organisation's place out of the already ranked rows (no query)."""
    index = next((k for k, r in enumerate(rows) if r.organisation_id == organisation_id), None)
    if index is None:
        return None
    row = rows[index]
    district_rows = [r for r in rows if r.district_id == row.district_id]
    return Standing(
        row=row,
        province_count=len(rows),
        district_count=len(district_rows),
        neighbours=rows[max(0, index - NEIGHBOURS) : index + NEIGHBOURS + 1],
        district_rows=district_rows,
        bin_index=next((k for k, b in enumerate(bins) if b.holds(row.total)), None),
    )


# --- One organisation over the years -------------------------------------------------------


@dataclass
class YearResult:
    assessment: Assessment
    tools: dict[str, Decimal] = field(default_factory=dict)
    province_mean: Decimal | None = None
    province_rank: int | None = None
    province_count: int = 0
    district_rank: int | None = None
    district_count: int = 0
    province_rank_change: int | None = None  # places gained (positive) since the year before
    district_rank_change: int | None = None

    @property
    def year(self) -> int:
        return self.assessment.year.year


# An average of fewer organisations than this is not shown: with one or two it is little more
# than the organisation's own score (or a neighbour's), not a standard to compare with.
MIN_PEERS = 3


def _average(value: object, count: int) -> Decimal | None:
    return _decimal(value) if count >= MIN_PEERS else None


def organisation_years(organisation: Organisation) -> list[YearResult]:
    """Each year's total, tool scores, ranks and the province's mean, oldest first: 4 queries."""
    assessments = list(
        Assessment.objects.filter(organisation=organisation)
        .select_related("year")
        .order_by("year__year")
    )
    years = [a.year_id for a in assessments]
    # Tool score = Σ weight × score ÷ Σ weight over the tool's indicators, only when all are scored.
    expected = {
        (r["year_id"], r["tool"]): r["n"]
        for r in Indicator.objects.filter(year__in=years)
        .order_by()
        .values("year_id", "tool")
        .annotate(n=Count("pk"))
    }
    tools: dict[int, dict[str, Decimal]] = {}
    for r in (
        IndicatorScore.objects.filter(assessment__organisation=organisation)
        .order_by()
        .values("assessment__year_id", "indicator__tool")
        .annotate(
            weighted=Sum(F("score") * F("indicator__weight"), output_field=SUM_FIELD),
            weight=Sum("indicator__weight"),
            n=Count("pk"),
        )
    ):
        key = (r["assessment__year_id"], r["indicator__tool"])
        if r["n"] == expected.get(key) and r["weight"]:
            value = Decimal(str(r["weighted"])) / Decimal(str(r["weight"]))
            tools.setdefault(key[0], {})[key[1]] = value
    peers = _peers(organisation, assessments)
    results: list[YearResult] = []
    for a in assessments:
        p = peers.get(a.year_id) or _Peers()
        ranked = a.total is not None and bool(p)
        result = YearResult(
            assessment=a,
            tools=tools.get(a.year_id, {}),
            province_mean=_average(p.get("mean"), p.get("province_count", 0)),
            province_rank=p["province_better"] + 1 if ranked else None,
            province_count=p.get("province_count", 0),
            district_rank=p["district_better"] + 1 if ranked else None,
            district_count=p.get("district_count", 0),
        )
        before = results[-1] if results else None
        if before is not None and before.year == result.year - 1:
            if before.province_rank and result.province_rank:
                result.province_rank_change = before.province_rank - result.province_rank
            if before.district_rank and result.district_rank:
                result.district_rank_change = before.district_rank - result.district_rank
        results.append(result)
    return results


class _Peers(TypedDict, total=False):
    """A year's row of ``_peers`` (none for a year without totals)."""

    year_id: int
    mean: Decimal | None
    province_count: int
    district_count: int
    province_better: int
    district_better: int


def _peers(organisation: Organisation, assessments: list[Assessment]) -> dict[int, _Peers]:
    """Per year: how many in the province and the district have a total, how many of them did
    better than the organisation (its competition rank is one more), and the province's mean.
    One grouped query; the organisation's own totals go in as a CASE on the year."""
    own = [When(year_id=a.year_id, then=Value(a.total)) for a in assessments if a.total is not None]
    if not assessments:
        return {}
    own_total = Case(
        *own, default=Value(None), output_field=DecimalField(max_digits=5, decimal_places=2)
    )
    in_district = Q(organisation__district_id=organisation.district_id)
    rows = (
        Assessment.objects.filter(
            year__in=[a.year_id for a in assessments],
            organisation__district__province_id=organisation.district.province_id,
            total__isnull=False,
        )
        .order_by()
        .values("year_id")
        .annotate(
            mean=Avg("total"),
            province_count=Count("pk"),
            district_count=Count("pk", filter=in_district),
            province_better=Count("pk", filter=Q(total__gt=own_total)),
            district_better=Count("pk", filter=Q(total__gt=own_total) & in_district),
        )
    )
    return {
        r["year_id"]: _Peers(
            year_id=r["year_id"],
            mean=r["mean"],
            province_count=r["province_count"],
            district_count=r["district_count"],
            province_better=r["province_better"],
            district_better=r["district_better"],
        )
        for r in rows
    }


@dataclass(frozen=True)
class ProfileLine:
    label: str
    tool: str
    number: int | None  # None for a tool's line and the total's
    own: Decimal | None
    province: Decimal | None
    kind: Decimal | None
    # How many organisations each average covers (the average is None below MIN_PEERS).
    province_n: int = 0
    kind_n: int = 0

    @property
    def versus_province(self) -> Decimal | None:
        if self.own is None or self.province is None:
            return None
        return self.own - self.province

    @property
    def versus_kind(self) -> Decimal | None:
        if self.own is None or self.kind is None:
            return None
        return self.own - self.kind


@dataclass
class Profile:
    year: AssessmentYear
    indicators: list[ProfileLine]
    tools: list[ProfileLine]
    total: ProfileLine
    province_count: int  # organisations with indicator scores: the indicator averages' base
    kind_count: int


class _Averages(TypedDict, total=False):
    """An indicator's scores in ``indicator_profile`` (none when nobody near has a score)."""

    own: Decimal | None
    province: Decimal | None
    kind: Decimal | None
    province_n: int
    kind_n: int


def indicator_profile(organisation: Organisation, year: AssessmentYear) -> Profile:
    """The organisation's indicator scores beside the province's and its kind's nationwide
    averages for one year (``year`` with its indicators prefetched): 3 queries."""
    in_province = Q(
        assessment__organisation__district__province_id=organisation.district.province_id
    )
    of_kind = Q(assessment__organisation__kind=organisation.kind)
    own = Q(assessment__organisation=organisation)
    averages = {
        r["indicator_id"]: _Averages(
            own=r["own"],
            province=r["province"],
            kind=r["kind"],
            province_n=r["province_n"],
            kind_n=r["kind_n"],
        )
        for r in IndicatorScore.objects.filter(assessment__year=year)
        .filter(in_province | of_kind)
        .order_by()
        .values("indicator_id")
        .annotate(
            province=Avg("score", filter=in_province),
            kind=Avg("score", filter=of_kind),
            province_n=Count("pk", filter=in_province),
            kind_n=Count("pk", filter=of_kind),
            own=Max("score", filter=own),
        )
    }
    totals = Assessment.objects.filter(year=year).aggregate(
        province=Avg(
            "total", filter=Q(organisation__district__province_id=organisation.district.province_id)
        ),
        kind=Avg("total", filter=Q(organisation__kind=organisation.kind)),
        province_n=Count(
            "total", filter=Q(organisation__district__province_id=organisation.district.province_id)
        ),
        kind_n=Count("total", filter=Q(organisation__kind=organisation.kind)),
        own=Max("total", filter=Q(organisation=organisation)),
    )
    indicators = sorted(year.indicators.all(), key=lambda i: i.number)
    lines = []
    for i in indicators:
        r = averages.get(i.pk) or _Averages()
        lines.append(
            ProfileLine(
                label=f"{i.number}. {i.name}",
                tool=i.tool,
                number=i.number,
                own=_decimal(r.get("own")),
                province=_average(r.get("province"), r.get("province_n", 0)),
                kind=_average(r.get("kind"), r.get("kind_n", 0)),
                province_n=r.get("province_n", 0),
                kind_n=r.get("kind_n", 0),
            )
        )
    return Profile(
        year=year,
        indicators=lines,
        tools=_tool_lines(indicators, lines),
        total=ProfileLine(
            label="",
            tool="",
            number=None,
            own=_decimal(totals["own"]),
            province=_average(totals["province"], totals["province_n"]),
            kind=_average(totals["kind"], totals["kind_n"]),
            province_n=totals["province_n"],
            kind_n=totals["kind_n"],
        ),
        province_count=max((line.province_n for line in lines), default=0),
        kind_count=max((line.kind_n for line in lines), default=0),
    )


def _tool_lines(indicators: list[Indicator], lines: list[ProfileLine]) -> list[ProfileLine]:
    """Each tool's weighted mean of the indicator lines. For the averages this equals the mean
    of the organisations' tool scores, the weighted mean being linear (all indicators scored)."""
    out = []
    for tool in Tool:
        pairs = [
            (i.weight, line)
            for i, line in zip(indicators, lines, strict=True)
            if i.tool == tool.value
        ]
        if not pairs:
            continue

        def mean(attr: str, pairs: list = pairs) -> Decimal | None:
            values = [(w, getattr(line, attr)) for w, line in pairs]
            if any(v is None for _, v in values):
                return None
            weight = sum((w for w, _ in values), Decimal(0))
            return (
                rules.round2(sum((w * v for w, v in values), Decimal(0)) / weight)
                if weight
                else None
            )

        out.append(
            ProfileLine(
                label=tool.value,
                tool=tool.value,
                number=None,
                own=mean("own"),
                province=mean("province"),
                kind=mean("kind"),
                province_n=min(line.province_n for _, line in pairs),
                kind_n=min(line.kind_n for _, line in pairs),
            )
        )
    return out
