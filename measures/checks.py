"""Checks before a memo carrying the yearly report is sent.

``report_checks(organisation, year, on_date)`` is the entry point the memo workflow calls: it
returns what the author should fix, each with a link to the form that fixes it. An empty list
means the report is ready. Drafts from "Suggest measures" are not part of the report and are not
checked until kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from ita.lib.thai import date_th
from ita.organisations.models import Organisation
from ita.results.models import Assessment, AssessmentYear
from measures import periods
from measures.models import Measure
from measures.selectors import IndicatorLine, ReportContents, assessment_for, lowest_indicators


class Code:
    PERIOD_ENDS_BEFORE_DATE = "period_ends_before_date"
    FINDING_WITHOUT_MEASURE = "finding_without_measure"
    MEASURE_WITHOUT_UNIT = "measure_without_unit"
    MEASURE_WITHOUT_PERIOD = "measure_without_period"
    EMPTY_REPORT = "empty_report"
    LOWEST_WITHOUT_FINDING = "lowest_without_finding"
    LOWEST_WITHOUT_MEASURE = "lowest_without_measure"


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    fix_url: str
    # The measure or finding concerned.
    object_type: str
    object_id: int


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def assessment_checks(
    assessment: Assessment,
    on_date: dt.date,
    *,
    contents: ReportContents | None = None,
    lowest: list[IndicatorLine] | None = None,
    next_url: str = "",
) -> list[Check]:
    """The checks of one report; pass the report page's rows (``contents``) to save queries.

    ``next_url`` is where the fix forms return after saving (the report page, or the memo).
    """
    back = urlencode({"next": next_url}) if next_url else ""
    # The kept measures, the findings, the findings kept measures answer, and the indicators
    # each kept measure names.
    kept: list[Measure]
    if contents is not None:
        kept_lines = [m for m in contents.measures if not m.draft]
        kept = [m.measure for m in kept_lines]
        findings = [f.finding for f in contents.findings]
        answered = contents.answered
        named = {m.pk: {i.pk for i in m.indicators} for m in kept_lines}
    else:
        kept = list(
            Measure.objects.kept()
            .filter(assessment=assessment)
            .prefetch_related("findings", "indicators")
            .order_by("table", "order", "pk")
        )
        findings = list(assessment.findings.order_by("tool", "order", "pk"))
        answered = {f.pk for m in kept for f in m.findings.all()}
        named = {m.pk: {i.pk for i in m.indicators.all()} for m in kept}
    checks: list[Check] = []
    for m in kept:
        edit = reverse("measures:measure_edit", args=[m.pk]) + (f"?{back}" if back else "")
        if (
            m.done_on is None
            and m.end_month is not None
            and periods.last_day(m.end_month) < on_date
        ):
            checks.append(
                Check(
                    Code.PERIOD_ENDS_BEFORE_DATE,
                    _("Measure “%(title)s”: its period %(period)s ends before %(date)s.")
                    % {
                        "title": _short(m.title),
                        "period": m.period_display,
                        "date": date_th(on_date, digits=True),
                    },
                    f"{edit}#id_end_month",
                    "measure",
                    m.pk,
                )
            )
        if not m.responsible_unit.strip():
            checks.append(
                Check(
                    Code.MEASURE_WITHOUT_UNIT,
                    _("Measure “%(title)s” has no responsible unit.") % {"title": _short(m.title)},
                    f"{edit}#id_responsible_unit",
                    "measure",
                    m.pk,
                )
            )
        if m.start_month is None or m.end_month is None:
            checks.append(
                Check(
                    Code.MEASURE_WITHOUT_PERIOD,
                    _("Measure “%(title)s” has no period.") % {"title": _short(m.title)},
                    f"{edit}#id_start_month",
                    "measure",
                    m.pk,
                )
            )
    report_url = reverse("measures:report", args=[assessment.organisation_id, assessment.year.year])
    if not kept and not findings:
        checks.append(
            Check(
                Code.EMPTY_REPORT,
                _(
                    "The report has no issues to improve and no measures: prepare it from the "
                    "scores, or write them."
                ),
                f"{report_url}#prepare",
                "assessment",
                assessment.pk,
            )
        )
    # A measure covers an indicator it names, or that a finding it answers is of.
    covered = {i for m in kept for i in named[m.pk]} | {
        f.indicator_id for f in findings if f.indicator_id and f.pk in answered
    }
    by_indicator = {f.indicator_id for f in findings if f.indicator_id}
    for line in lowest if lowest is not None else lowest_indicators(assessment):
        indicator = line.indicator
        label = {"number": indicator.number, "name": indicator.name, "tool": indicator.tool}
        if indicator.pk not in by_indicator:
            checks.append(
                Check(
                    Code.LOWEST_WITHOUT_FINDING,
                    _(
                        "Indicator %(number)s %(name)s, the lowest of %(tool)s, has no issue to "
                        "improve."
                    )
                    % label,
                    reverse(
                        "measures:finding_create",
                        args=[assessment.organisation_id, assessment.year.year],
                    )
                    + f"?tool={indicator.tool}&indicator={indicator.pk}"
                    + (f"&{back}" if back else ""),
                    "indicator",
                    indicator.pk,
                )
            )
        if indicator.pk not in covered:
            checks.append(
                Check(
                    Code.LOWEST_WITHOUT_MEASURE,
                    _("Indicator %(number)s %(name)s, the lowest of %(tool)s, has no measure.")
                    % label,
                    reverse(
                        "measures:measure_create",
                        args=[assessment.organisation_id, assessment.year.year],
                    )
                    + f"?indicator={indicator.pk}"
                    + (f"&{back}" if back else ""),
                    "indicator",
                    indicator.pk,
                )
            )
    for f in findings:
        if f.pk not in answered:
            # A measure of the finding's indicator answers it once linked: the fix opens it.
            same = next(
                (m for m in kept if f.indicator_id and f.indicator_id in named[m.pk]),
                None,
            )
            if same is not None:
                fix = reverse("measures:measure_edit", args=[same.pk]) + f"?finding={f.pk}"
            else:
                fix = (
                    reverse(
                        "measures:measure_create",
                        args=[assessment.organisation_id, assessment.year.year],
                    )
                    + f"?finding={f.pk}"
                )
            checks.append(
                Check(
                    Code.FINDING_WITHOUT_MEASURE,
                    _("Finding “%(text)s” (%(tool)s) has no measure.")
                    % {"text": _short(f.text), "tool": f.tool},
                    fix + (f"&{back}" if back else ""),
                    "finding",
                    f.pk,
                )
            )
    return checks


def report_checks(
    organisation: Organisation | int,
    year: AssessmentYear | int,
    on_date: dt.date,
    *,
    next_url: str = "",
) -> list[Check]:
    """What to fix in an organisation's report of a year before a memo dated ``on_date`` is sent.

    No report (no assessment for that year) means nothing to check: an empty list. Each check's
    ``fix_url`` opens the form that fixes it, returning to ``next_url`` (when given) after saving.
    """
    assessment = assessment_for(organisation, year)
    if assessment is None:
        return []
    return assessment_checks(assessment, on_date, next_url=next_url)
