"""Reads for the yearly report: the report page's data, measures lists (members only:
``ita.organisations.membership``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, TypeVar, cast

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from ita.history.services import AnyUser
from ita.lib.urls import reverser
from ita.organisations import membership
from ita.organisations.models import Organisation
from ita.results import rules
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore, Tool
from measures import oit, periods

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from measures.models import (
    Finding,
    Measure,
    MeasureStep,
    OitItem,
    OitStatus,
    ProgressUpdate,
)

HUNDRED = Decimal(100)


def year_value(year: AssessmentYear | int) -> int:
    return year.year if isinstance(year, AssessmentYear) else int(year)


def assessment_for(
    organisation: Organisation | int, year: AssessmentYear | int
) -> Assessment | None:
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return (
        Assessment.objects.select_related("organisation__district__province", "year")
        .prefetch_related("year__indicators", "year__levels")
        .filter(organisation_id=org_id, year__year=year_value(year))
        .first()
    )


@dataclass
class IndicatorLine:
    indicator: Indicator
    score: Decimal | None
    gain_per_point: Decimal
    lowest: bool = False

    @property
    def room(self) -> Decimal | None:
        """Points of total still to win on this indicator: (100 − score) × gain per point."""
        if self.score is None:
            return None
        return (HUNDRED - self.score) * self.gain_per_point


@dataclass
class ToolReport:
    tool: Tool
    lines: list[IndicatorLine]
    score: Decimal | None
    findings: list[FindingLine] = field(default_factory=list)

    @property
    def lowest(self) -> list[IndicatorLine]:
        return [line for line in self.lines if line.lowest]


def indicator_lines(year: AssessmentYear, scores: dict[int, Decimal]) -> list[IndicatorLine]:
    """Every indicator of the year with its score and the total gained per point of it.

    The lowest-scoring indicator(s) of each tool are flagged (ties all flagged), unless the
    lowest already scores 100: nothing is left to fix there.
    """
    gains = rules.gain_per_point(year.indicator_specs)
    indicators = sorted(year.indicators.all(), key=lambda i: i.number)
    lines = [
        IndicatorLine(indicator=i, score=scores.get(i.number), gain_per_point=gains[i.number])
        for i in indicators
    ]
    for tool in Tool.values:
        scored = [line for line in lines if line.indicator.tool == tool and line.score is not None]
        if not scored:
            continue
        low = min(line.score for line in scored if line.score is not None)
        if low >= HUNDRED:
            continue
        for line in scored:
            line.lowest = line.score == low
    return lines


def lowest_indicators(assessment: Assessment) -> list[IndicatorLine]:
    scores = {s.indicator.number: s.score for s in assessment.scores.select_related("indicator")}
    return [line for line in indicator_lines(assessment.year, scores) if line.lowest]


def measures_of(
    assessment: Assessment, *, draft: bool | None = None, pk: int | None = None
) -> list[Measure]:
    """The assessment's measures (or the one ``pk``) with their steps, findings, indicators,
    OIT items and progress updates, in a fixed number of queries: a measure's own page (the
    report page reads lighter rows: ``report_contents``)."""
    qs = Measure.objects.filter(assessment=assessment)
    if draft is not None:
        qs = qs.filter(draft=draft)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return list(
        qs.annotate(update_count=Count("updates", distinct=True))
        .prefetch_related(
            Prefetch("steps", queryset=MeasureStep.objects.order_by("order")),
            Prefetch("findings", queryset=Finding.objects.select_related("indicator")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("number")),
            Prefetch("oit_items", queryset=OitItem.objects.order_by("number")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("author").order_by(
                    "-created_at", "-pk"
                ),
            ),
        )
        .order_by("table", "order", "pk")
    )


class _Counted(TypedDict):
    update_count: int


@dataclass(frozen=True)
class Step:
    order: int
    text: str


@dataclass(frozen=True)
class MeasureLine:
    """A measure as the report page lists it: the stored row (its fields, period and status;
    never saved from here) with what the page shows of its links, read as plain lists, and the
    addresses of its page and its form."""

    measure: Measure
    updates: int
    steps: list[Step]
    indicators: list[Indicator]
    oit_items: list[OitReading]
    finding_ids: frozenset[int]
    detail_url: str
    edit_url: str

    @property
    def pk(self) -> int:
        return self.measure.pk

    @property
    def draft(self) -> bool:
        return self.measure.draft

    @property
    def table(self) -> int:
        return self.measure.table


@dataclass(frozen=True)
class FindingLine:
    """A finding as the report page lists it: the stored row (its indicator read with the
    page's), the checklist's items it cites as the organisation reads them, the kept measures
    that answer it, and the address of its form."""

    finding: Finding
    oit_items: list[OitReading]
    measures: list[MeasureLine]
    edit_url: str

    @property
    def pk(self) -> int:
        return self.finding.pk

    @property
    def tool(self) -> str:
        return self.finding.tool


@dataclass
class ReportContents:
    """What the report page shows of an assessment's measures and findings, read in a fixed
    number of queries whatever their number: the links between them come from their link
    tables as pairs of ids, and each measure and finding is a typed row of plain lists
    (``MeasureLine``, ``FindingLine``) rather than related managers, which cost more to build
    than the rows they hold."""

    measures: list[MeasureLine]
    findings: list[FindingLine]

    @property
    def answered(self) -> set[int]:
        """Findings answered by a kept measure."""
        return {f.pk for f in self.findings if f.measures}


_T = TypeVar("_T")


def _grouped(
    links: list[tuple[int, int]], objects: dict[int, _T], key: Callable[[_T], int]
) -> dict[int, list[_T]]:
    """The objects each owner links to (``links``: pairs of the owner's and the object's ids),
    in the order of ``key``."""
    out: dict[int, list[_T]] = {}
    for owner, target in links:
        out.setdefault(owner, []).append(objects[target])
    for values in out.values():
        values.sort(key=key)
    return out


def report_contents(assessment: Assessment) -> ReportContents:
    """The report page's measures (kept and drafted) and findings as typed rows, in a fixed
    number of queries whatever their number."""
    counted = (
        Measure.objects.filter(assessment=assessment)
        .annotate(update_count=Count("updates"))
        .order_by("table", "order", "pk")
    )
    # The custom queryset's items are typed as plain items: each has the annotation above.
    measures = [cast("WithAnnotations[Measure, _Counted]", m) for m in counted]
    findings = list(Finding.objects.filter(assessment=assessment).order_by("tool", "order", "pk"))
    steps: dict[int, list[Step]] = {}
    for measure_id, order, text in (
        MeasureStep.objects.filter(measure__assessment=assessment)
        .order_by("measure_id", "order")
        .values_list("measure_id", "order", "text")
    ):
        steps.setdefault(measure_id, []).append(Step(order=order, text=text))
    measure_indicators = list(
        Measure.indicators.through.objects.filter(measure__assessment=assessment).values_list(
            "measure_id", "indicator_id"
        )
    )
    measure_items = list(
        Measure.oit_items.through.objects.filter(measure__assessment=assessment).values_list(
            "measure_id", "oititem_id"
        )
    )
    measure_findings = list(
        Measure.findings.through.objects.filter(measure__assessment=assessment).values_list(
            "measure_id", "finding_id"
        )
    )
    finding_items = list(
        OitItem.findings.through.objects.filter(finding__assessment=assessment).values_list(
            "finding_id", "oititem_id"
        )
    )
    indicators = Indicator.objects.in_bulk(
        {i for _, i in measure_indicators} | {f.indicator_id for f in findings if f.indicator_id}
    )
    cited = {i for _, i in measure_items} | {i for _, i in finding_items}
    items = {
        i.pk: i for i in oit_items_for(assessment.organisation_id, assessment.year, only=cited)
    }
    by_measure_indicator = _grouped(measure_indicators, indicators, lambda i: i.number)
    by_measure_item = _grouped(measure_items, items, lambda i: i.number)
    by_finding_item = _grouped(finding_items, items, lambda i: i.number)
    finding_ids: dict[int, set[int]] = {}
    for measure_id, finding_id in measure_findings:
        finding_ids.setdefault(measure_id, set()).add(finding_id)
    detail_url, edit_url = reverser("measures:measure_detail"), reverser("measures:measure_edit")
    lines = [
        MeasureLine(
            measure=m,
            updates=m.update_count,
            steps=steps.get(m.pk, []),
            indicators=by_measure_indicator.get(m.pk, []),
            oit_items=by_measure_item.get(m.pk, []),
            finding_ids=frozenset(finding_ids.get(m.pk, ())),
            detail_url=detail_url(m.pk),
            edit_url=edit_url(m.pk),
        )
        for m in measures
    ]
    answering: dict[int, list[MeasureLine]] = {}
    for line in lines:
        if not line.draft:
            for finding_id in line.finding_ids:
                answering.setdefault(finding_id, []).append(line)
    finding_edit_url = reverser("measures:finding_edit")
    for f in findings:
        if f.indicator_id:
            f.indicator = indicators[f.indicator_id]
    return ReportContents(
        measures=lines,
        findings=[
            FindingLine(
                finding=f,
                oit_items=by_finding_item.get(f.pk, []),
                measures=answering.get(f.pk, []),
                edit_url=finding_edit_url(f.pk),
            )
            for f in findings
        ],
    )


def measure_tables(measures: list[MeasureLine]) -> list[tuple[int, list[MeasureLine]]]:
    """Kept measures grouped by their table, in order (numbering restarts in each table)."""
    tables: dict[int, list[MeasureLine]] = {}
    for m in measures:
        if not m.draft:
            tables.setdefault(m.table, []).append(m)
    return sorted(tables.items())


def tool_reports(assessment: Assessment, findings: list[FindingLine]) -> list[ToolReport]:
    scores = {s.indicator.number: s.score for s in assessment.scores.all()}
    lines = indicator_lines(assessment.year, scores)
    tool_scores = rules.tool_scores(assessment.year.indicator_specs, scores)
    return [
        ToolReport(
            tool=tool,
            lines=[line for line in lines if line.indicator.tool == tool.value],
            score=tool_scores.get(tool.value),
            findings=[f for f in findings if f.tool == tool.value],
        )
        for tool in Tool
    ]


class _Corrected(TypedDict):
    """An organisation's correction of an item, read with it (none: every value None)."""

    mine: object  # the correction's row, joined
    c_name: str | None
    c_description: str | None
    c_na: bool | None
    c_reason: str | None


@dataclass(frozen=True)
class OitReading:
    """One item of a year's OIT checklist as an organisation reads it: the stored item (for
    its links and answers, never saved from here) with the organisation's correction applied.
    ``name`` is the organisation's if it corrected it, else the country's (``country_name``,
    the operators'): an operator's later correction shows through where it has none."""

    item: OitItem
    name: str
    country_name: str
    description: str
    not_applicable: bool
    reason: str
    corrected: bool

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def number(self) -> int:
        return self.item.number

    @property
    def group(self) -> str:
        return self.item.group

    @property
    def own(self) -> bool:
        """An item the organisation added for itself (A1, A2 …)."""
        return self.item.organisation_id is not None

    @property
    def from_report(self) -> bool:
        return self.item.from_report

    @property
    def from_implementation(self) -> bool:
        return self.item.from_implementation

    @property
    def to_review(self) -> bool:
        return self.item.to_review

    @property
    def findings(self) -> list[Finding]:
        """The findings that cite it (prefetched by ``oit_items_for(findings=…)``)."""
        return list(self.item.findings.all())


def oit_items_for(
    organisation_id: int,
    year: AssessmentYear | int,
    *,
    only: set[int] | None = None,
    findings: QuerySet[Finding] | None = None,
) -> list[OitReading]:
    """The year's OIT checklist as one organisation reads it: the country's items, then the
    organisation's own (A1, A2 …), each with the organisation's correction applied. Every page,
    export and marking that reads the checklist for an organisation reads it here.

    Each is an ``OitReading``. One query whatever the list's length (``only``: these items;
    ``findings``: prefetched as each item's findings).
    """
    mine = FilteredRelation(
        "corrections", condition=Q(corrections__organisation_id=organisation_id)
    )
    chosen = OitItem.objects.filter(year__year=year_value(year)).seen_by(organisation_id)
    if only is not None:
        chosen = chosen.filter(pk__in=only)
    if findings is not None:
        chosen = chosen.prefetch_related(Prefetch("findings", queryset=findings))
    items = (
        chosen.select_related("indicator")
        .order_by(F("organisation").asc(nulls_first=True), "number")
        .annotate(
            mine=mine,
            c_name=F("mine__name"),
            c_description=F("mine__description"),
            c_na=F("mine__not_applicable"),
            c_reason=F("mine__reason"),
        )
    )
    # The custom queryset's items are typed as plain items: each has the annotations above.
    return [_reading(cast("WithAnnotations[OitItem, _Corrected]", item)) for item in items]


def _reading(item: WithAnnotations[OitItem, _Corrected]) -> OitReading:
    return OitReading(
        item=item,
        name=item.c_name or item.name,
        country_name=item.name,
        description=item.c_description or "",
        not_applicable=bool(item.c_na),
        reason=item.c_reason or "",
        corrected=bool(item.c_name and item.c_name != item.name),
    )


def oit_checklist(
    organisation: Organisation, year: AssessmentYear
) -> list[tuple[OitReading, OitStatus | None]]:
    cited = Finding.objects.filter(
        assessment__organisation=organisation, assessment__year=year
    ).order_by("tool", "order", "pk")
    items = oit_items_for(organisation.pk, year, findings=cited)
    statuses = {
        s.item_id: s for s in OitStatus.objects.filter(organisation=organisation, item__year=year)
    }
    return [(item, statuses.get(item.pk)) for item in items]


def oit_summary(organisation: Organisation, year: AssessmentYear) -> dict[str, int]:
    """How many of the year's items (those that apply to the organisation) are in each state."""
    applicable = [i.pk for i in oit_items_for(organisation.pk, year) if not i.not_applicable]
    counts = dict(
        OitStatus.objects.filter(organisation=organisation, item__in=applicable)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    total = len(applicable)
    counts[OitStatus.State.UNKNOWN] = total - sum(
        n for state, n in counts.items() if state != OitStatus.State.UNKNOWN
    )
    counts["total"] = total
    return counts


def user_measures(user: AnyUser) -> QuerySet[Measure]:
    """Kept measures of every organisation the user belongs to, newest year first."""
    return (
        Measure.objects.kept()
        .filter(assessment__organisation_id__in=membership.organisation_ids(user))
        .select_related("assessment__organisation", "assessment__year")
        .annotate(update_count=Count("updates"))
        .order_by("-assessment__year__year", "assessment__organisation__name", "table", "order")
    )


def overdue_measures(user: AnyUser, today: dt.date) -> list[Measure]:
    return list(
        Measure.objects.overdue_on(today)
        .filter(assessment__organisation_id__in=membership.organisation_ids(user))
        .select_related("assessment__organisation", "assessment__year")
        .order_by("end_month", "pk")
    )


def _count(model: type[Measure] | type[Finding], field: str = "assessment") -> Subquery:
    # A subquery per count: joining three relations and counting distinct rows multiplies them.
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def member_reports(user: AnyUser) -> list[Assessment]:
    """The assessments of the user's organisations, with counts of findings and measures."""
    return list(
        Assessment.objects.filter(organisation_id__in=membership.organisation_ids(user))
        .select_related("organisation", "year")
        .annotate(
            n_measures=Coalesce(_count(Measure), 0),
            n_findings=Coalesce(_count(Finding), 0),
        )
        .order_by("organisation__name", "-year__year")
    )


def oit_source(year: AssessmentYear) -> int | None:
    """The earlier year whose checklist this year's started from (None: the year's own list).

    A year without a published list of its own is given the latest earlier year's
    (``services.oit_checklist_load``); its checklist page says so.
    """
    if year.year in oit.BUILTIN:
        return None
    earlier = (
        OitItem.objects.country()
        .filter(year__year__lt=year.year)
        .order_by("-year__year")
        .values_list("year__year", flat=True)
        .first()
    )
    return earlier


# Next year looks back ---------------------------------------------------------------------------


@dataclass
class LookBack:
    """One of last year's kept measures: how it went, and whether its indicators moved."""

    measure: Measure
    status: str
    # (indicator number, name, last year's score, this year's score)
    moves: list[tuple[int, str, Decimal | None, Decimal | None]]
    carried: bool

    @property
    def unfinished(self) -> bool:
        return self.status != periods.Status.DONE


def look_back(assessment: Assessment, today: dt.date) -> list[LookBack]:
    """Last year's kept measures of the organisation, each with its status and its indicators'
    scores last year and this year (matched by number), and whether it was carried forward
    into ``assessment``'s report already. A fixed number of queries."""
    previous = (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id, year__year=assessment.year.year - 1
        )
        .select_related("year")
        .first()
    )
    if previous is None:
        return []
    measures = list(
        Measure.objects.kept()
        .filter(assessment=previous)
        .prefetch_related("indicators")
        .order_by("table", "order", "pk")
    )
    scores: dict[tuple[int, int], Decimal] = {
        (s["assessment_id"], s["indicator__number"]): s["score"]
        for s in IndicatorScore.objects.filter(assessment__in=[previous, assessment]).values(
            "assessment_id", "indicator__number", "score"
        )
    }
    carried = set(
        Measure.objects.filter(assessment=assessment, carried_from__isnull=False).values_list(
            "carried_from_id", flat=True
        )
    )
    return [
        LookBack(
            measure=m,
            status=m.status_on(today),
            moves=[
                (
                    i.number,
                    i.name,
                    scores.get((previous.pk, i.number)),
                    scores.get((assessment.pk, i.number)),
                )
                for i in sorted(m.indicators.all(), key=lambda i: i.number)
            ],
            carried=m.pk in carried,
        )
        for m in measures
    ]
