"""Writes to a report's measures: kept or drafted from the templates (``measures_suggest``),
edited, kept, deleted with their evidence files, and last year's unfinished ones carried into
this year's report (``measures_carry``). Each runs in one transaction with its history row; bad
input raises ValidationError naming the field and value, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.thai import clean_text
from ita.results.models import Assessment, Indicator
from measures import periods
from measures.models import (
    Evidence,
    Finding,
    Measure,
    MeasureStep,
    MeasureTemplate,
    OitItem,
)
from measures.selectors import lowest_indicators
from measures.services.findings import oit_item_of
from measures.services.progress import remove_files


@dataclass
class MeasureData:
    title: str
    steps: list[str] = field(default_factory=list)
    steps_lead: str = ""
    responsible_unit: str = ""
    start_month: dt.date | None = None
    end_month: dt.date | None = None
    follow_up: str = ""
    table: int = 1
    findings: Sequence[Finding] = ()
    indicators: Sequence[Indicator] = ()
    oit_items: Sequence[OitItem] = ()


def _check_measure(assessment: Assessment, data: MeasureData) -> None:
    errors: dict[str, str] = {}
    if not clean_text(data.title):
        errors["title"] = _("Write the measure's title.")
    if (data.start_month is None) != (data.end_month is None):
        errors["end_month"] = _("Give both the first and the last month, or neither.")
    elif data.start_month and data.end_month and data.end_month < data.start_month:
        errors["end_month"] = _("The last month (%(end)s) is before the first (%(start)s).") % {
            "end": periods.period_th(data.end_month, data.end_month),
            "start": periods.period_th(data.start_month, data.start_month),
        }
    if data.table < 1:
        errors["table"] = _("The table number starts at 1.")
    for f in data.findings:
        if f.assessment_id != assessment.pk:
            errors["findings"] = _("The finding “%(text)s” is of another report.") % {
                "text": f.text[:60]
            }
    for i in data.indicators:
        if i.year_id != assessment.year_id:
            errors["indicators"] = _("Indicator %(number)s is not of the year %(year)s.") % {
                "number": i.number,
                "year": assessment.year.year,
            }
    for item in data.oit_items:
        if not oit_item_of(item, assessment):
            errors["oit_items"] = _("%(code)s is not an item of the year %(year)s.") % {
                "code": item.code,
                "year": assessment.year.year,
            }
    if errors:
        raise ValidationError(errors)


def _write_measure(measure: Measure, data: MeasureData) -> None:
    measure.title = clean_text(data.title)
    measure.steps_lead = clean_text(data.steps_lead)
    measure.responsible_unit = clean_text(data.responsible_unit)
    measure.start_month = data.start_month and periods.first_of_month(data.start_month)
    measure.end_month = data.end_month and periods.first_of_month(data.end_month)
    measure.follow_up = clean_text(data.follow_up)
    measure.table = data.table
    measure.save()
    measure.steps.all().delete()
    MeasureStep.objects.bulk_create(
        MeasureStep(measure=measure, order=k, text=text)
        for k, text in enumerate((s for s in map(clean_text, data.steps) if s), start=1)
    )
    measure.findings.set(data.findings)
    measure.indicators.set(data.indicators)
    measure.oit_items.set(data.oit_items)


def _snapshot(measure: Measure) -> payloads.MeasureFields:
    return payloads.MeasureFields(
        title=measure.title,
        unit=measure.responsible_unit,
        start=measure.start_month.isoformat() if measure.start_month else None,
        end=measure.end_month.isoformat() if measure.end_month else None,
        follow_up=measure.follow_up,
    )


@transaction.atomic
def measure_create(
    *, assessment: Assessment, data: MeasureData, actor: Actor, draft: bool = False
) -> Measure:
    _check_measure(assessment, data)
    last = (
        Measure.objects.filter(assessment=assessment, table=data.table).order_by("-order").first()
    )
    measure = Measure(
        assessment=assessment,
        order=(last.order + 1) if last else 1,
        draft=draft,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _write_measure(measure, data)
    event_record(
        actor=actor,
        action=EventKind.MEASURE_SUGGEST if draft else EventKind.MEASURE_CREATE,
        organisation_id=assessment.organisation_id,
        obj=measure,
        to_state="draft" if draft else "kept",
        data=_snapshot(measure),
    )
    return measure


@transaction.atomic(durable=True)
def measure_update(*, measure: Measure, data: MeasureData, actor: Actor) -> Measure:
    _check_measure(measure.assessment, data)
    before = _snapshot(measure)
    if data.table != measure.table:
        last = (
            Measure.objects.filter(assessment=measure.assessment, table=data.table)
            .order_by("-order")
            .first()
        )
        measure.order = (last.order + 1) if last else 1
    _write_measure(measure, data)
    event_record(
        actor=actor,
        action=EventKind.MEASURE_UPDATE,
        organisation_id=measure.assessment.organisation_id,
        obj=measure,
        data=payloads.MeasureEdited(before=before, after=_snapshot(measure)),
    )
    return measure


@transaction.atomic
def measure_keep(*, measure: Measure, actor: Actor) -> Measure:
    if not measure.draft:
        return measure
    measure.draft = False
    measure.save(update_fields=["draft", "updated_at"])
    event_record(
        actor=actor,
        action=EventKind.MEASURE_KEEP,
        organisation_id=measure.assessment.organisation_id,
        obj=measure,
        from_state="draft",
        to_state="kept",
    )
    return measure


@transaction.atomic(durable=True)
def measure_delete(*, measure: Measure, actor: Actor) -> None:
    event_record(
        actor=actor,
        action=EventKind.MEASURE_DROP if measure.draft else EventKind.MEASURE_DELETE,
        organisation_id=measure.assessment.organisation_id,
        obj=measure,
        from_state="draft" if measure.draft else "kept",
        data=_snapshot(measure),
    )
    files = [e.file.name for e in Evidence.objects.filter(update__measure=measure)]
    measure.delete()
    transaction.on_commit(lambda: remove_files(files))


@transaction.atomic(durable=True)
def measures_suggest(*, assessment: Assessment, actor: Actor, today: dt.date) -> list[Measure]:
    """Draft a measure for each tool's lowest indicator from the templates.

    Indicators that already have a measure (kept or draft) get none; the drafts answer the
    indicator's findings and run for the template's months from the month after ``today``.
    """
    templates = list(MeasureTemplate.objects.filter(active=True).order_by("pk"))
    covered = set(
        Measure.objects.filter(assessment=assessment).values_list("indicators__number", flat=True)
    )
    findings = list(assessment.findings.select_related("indicator"))
    start = periods.add_months(periods.first_of_month(today), 1)
    drafts = []
    for line in lowest_indicators(assessment):
        indicator = line.indicator
        if indicator.number in covered:
            continue
        template = MeasureTemplate.choose(templates, indicator.tool, indicator.number)
        if template is None:
            continue
        data = MeasureData(
            title=template.title,
            steps=template.step_lines(),
            responsible_unit=template.responsible_unit,
            start_month=start,
            end_month=periods.add_months(start, max(template.months, 1) - 1),
            follow_up=template.follow_up,
            table=1,
            findings=[f for f in findings if f.indicator_id == indicator.pk],
            indicators=[indicator],
        )
        drafts.append(measure_create(assessment=assessment, data=data, actor=actor, draft=True))
        covered.add(indicator.number)
    return drafts


@transaction.atomic(durable=True)
def measures_carry(
    *, assessment: Assessment, measures: Sequence[Measure], actor: Actor, today: dt.date
) -> list[Measure]:
    """Carry unfinished measures of last year into ``assessment``'s report: a copy of each
    (steps, unit, follow-up; this year's indicators of the same numbers), its period moved to
    start next month for as many months as it had. Done or already carried measures are left."""
    previous_year = assessment.year.year - 1
    done = set(
        Measure.objects.filter(assessment=assessment, carried_from__in=list(measures)).values_list(
            "carried_from_id", flat=True
        )
    )
    indicators = {i.number: i for i in assessment.year.indicators.all()}
    start = periods.add_months(periods.first_of_month(today), 1)
    carried = []
    for old in measures:
        if old.assessment.organisation_id != assessment.organisation_id or (
            old.assessment.year.year != previous_year
        ):
            raise ValidationError(
                _("“%(title)s” is not a measure of last year's report.") % {"title": old.title[:60]}
            )
        if old.pk in done or old.status_on(today) == periods.Status.DONE or old.draft:
            continue
        months = 3
        if old.start_month and old.end_month:
            months = (
                (old.end_month.year - old.start_month.year) * 12
                + (old.end_month.month - old.start_month.month)
                + 1
            )
        data = MeasureData(
            title=old.title,
            steps=[s.text for s in old.steps.order_by("order")],
            steps_lead=old.steps_lead,
            responsible_unit=old.responsible_unit,
            start_month=start,
            end_month=periods.add_months(start, months - 1),
            follow_up=old.follow_up,
            table=old.table,
            indicators=[
                indicators[i.number] for i in old.indicators.all() if i.number in indicators
            ],
        )
        new = measure_create(assessment=assessment, data=data, actor=actor)
        new.carried_from = old
        new.save(update_fields=["carried_from"])
        event_record(
            actor=actor,
            action=EventKind.MEASURE_CARRY,
            organisation_id=assessment.organisation_id,
            obj=new,
            data={"from": old.pk, "from_year": previous_year},
        )
        carried.append(new)
    return carried
