"""The organisation's ITA report of a year as the official document prints it (``ReportDoc``).

Built from the assessment (scores, method, the province's table), the report's findings and its
kept measures; printed by ``ita.documents.render`` after the memo it is attached to.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ita.documents.data import AnnexRow, IndicatorRow, MeasureRow, ReportDoc, ToolSection
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name
from ita.results import rules
from ita.results.models import Assessment, IndicatorScore, Tool
from ita.results.selectors import year_table
from measures.models import Finding, Measure, MeasureStep


def _tool_titles() -> dict[str, str]:
    return {
        Tool.IIT: _("Internal stakeholders' perception survey (IIT)"),
        Tool.EIT: _("External stakeholders' perception survey (EIT)"),
        Tool.OIT: _("Open information assessment (OIT)"),
    }


def report_doc(
    *,
    assessment: Assessment,
    measures: Sequence[MeasureRow] = (),
    author: Position | None = None,
) -> ReportDoc:
    """The report of ``assessment`` (its scores, issues and the province's table).

    Five queries whatever the province's size: the assessment with its method, scores and
    findings, then the province's table (``ita.results.selectors.year_table``).
    """
    assessment = (
        Assessment.objects.select_related("organisation__district__province", "year")
        .prefetch_related(
            "year__indicators",
            "year__levels",
            Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator")),
            Prefetch("findings", queryset=Finding.objects.order_by("tool", "order", "pk")),
        )
        .get(pk=assessment.pk)
    )
    organisation = assessment.organisation
    province = organisation.district.province
    year = assessment.year
    scores = assessment.scores_by_number()
    titles = _tool_titles()
    tools = []
    tool_scores = rules.tool_scores(year.indicator_specs, scores)
    findings = list(assessment.findings.all())
    for tool in Tool.values:
        indicators = tuple(
            IndicatorRow(i.number, i.name, scores.get(i.number))
            for i in sorted(year.indicators.all(), key=lambda i: i.number)
            if i.tool == tool
        )
        if not indicators:
            continue
        tools.append(
            ToolSection(
                tool=tool,
                title=titles[tool],
                indicators=indicators,
                score=tool_scores.get(tool),
                findings=tuple(f.text for f in findings if f.tool == tool),
            )
        )
    rows = year_table(year, province)
    ranked = [(rank, r) for r in rows if (rank := r.assessment.rank) is not None]
    published_order = len(ranked) == len(rows)
    if published_order:
        rows = [r for _, r in sorted(ranked, key=lambda pair: pair[0])]
    annex = tuple(
        AnnexRow(
            number=r.assessment.rank if published_order else r.rank,
            name=r.organisation.name,
            district=r.organisation.district.name,
            total=r.assessment.total,
            level=r.assessment.level,
            change=r.assessment.change,
            passed=r.assessment.passed,
            highlighted=r.organisation.pk == organisation.pk,
            level_source=r.assessment.level_source,
            passed_source=r.assessment.passed_source,
        )
        for r in rows
    )
    return ReportDoc(
        organisation=organisation.name,
        year=year.year,
        province=province.name,
        region=province.region,
        author_name=person_name(author.holder) if author else "",
        author_position=author.title if author else "",
        total=assessment.total,
        level=assessment.level,
        passed=assessment.passed,
        pass_mark=year.pass_mark,
        tools=tuple(tools),
        measures=tuple(measures),
        annex=annex,
        level_source=assessment.level_source,
        passed_source=assessment.passed_source,
        method_confirmed=year.confirmed,
    )


def measure_rows(assessment: Assessment) -> tuple[MeasureRow, ...]:
    """The assessment's kept measures (the measures app's), as the report prints them.

    Two queries (measures, then their steps), whatever the number of measures.
    """
    measures = (
        Measure.objects.filter(assessment=assessment)
        .kept()
        .prefetch_related(Prefetch("steps", queryset=MeasureStep.objects.order_by("order")))
        .order_by("table", "order", "pk")
    )
    return tuple(
        MeasureRow(
            title=m.title,
            steps=tuple(step.text for step in m.steps.all()),
            responsible=m.responsible_unit,
            starts=m.start_month,
            ends=m.end_month,
            follow_up=m.follow_up,
            lead=m.steps_lead,
            table=m.table,
        )
        for m in measures
    )


def organisation_report(
    organisation: Organisation, year: int, *, author: Position | None = None
) -> ReportDoc | None:
    """The report a memo attaches for ``year`` (with the measures app's measures), if scored."""
    assessment = Assessment.objects.filter(organisation=organisation, year__year=year).first()
    if assessment is None:
        return None
    return report_doc(assessment=assessment, measures=measure_rows(assessment), author=author)
