"""The year's turn of the cycle: a report that drafts itself, a checklist that opens with the
year, and last year's measures looked back on.

``report_prepare`` ("prepare this year's report") writes, for each tool's flagged lowest
indicator, a finding (the indicator set, the text to edit) and a measure from the templates that
answers it, linked; it gives the year its OIT checklist when it has none (a copy of the latest
earlier year's, marked to review). ``oit_items_update`` is the operators' edit of the country's
checklist in the browser; ``oit_items_correct`` an organisation's corrections of it, for itself.
``look_back`` reads how the previous year's measures went, and ``measures_carry`` carries the
unfinished ones into this year's report. Each write runs in one transaction with its history row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.imports.models import ImportBatch
from ita.lib.thai import clean_text
from ita.organisations.models import Organisation, Position
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore
from measures import periods, services
from measures.models import Finding, Measure, MeasureTemplate, OitItem, OitItemCorrection
from measures.selectors import IndicatorLine, lowest_indicators
from measures.template_texts import UNIT

# The drafted issue for a flagged indicator (document text: Thai, edited by the author).
FINDING_TEXT = (
    "ตัวชี้วัดที่ {number} {name} ได้คะแนน {score} คะแนน ต่ำที่สุดของแบบวัด {tool}"
    " ควรปรับปรุงการดำเนินงานด้าน{name}ให้ดียิ่งขึ้น"
)


def finding_text(line: IndicatorLine) -> str:
    indicator = line.indicator
    return FINDING_TEXT.format(
        number=indicator.number, name=indicator.name, score=line.score, tool=indicator.tool
    )


@dataclass
class Prepared:
    findings: list[Finding] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    linked: int = 0
    oit_items: int = 0


def oit_checklist_open(*, year: AssessmentYear, actor: Actor) -> int:
    """Give ``year`` its checklist if it has none and one is known (shipped, or an earlier
    year's to copy); returns how many items it got (0: it had one, or none is known)."""
    if OitItem.objects.country().filter(year=year).exists():
        return 0
    try:
        return len(services.oit_checklist_load(year=year, actor=actor))
    except ValidationError:  # no list known for the year or any earlier one
        return 0


def default_unit(assessment: Assessment, actor: Actor) -> str:
    """Who answers for a drafted measure when no template names a unit: the author's own unit
    in the organisation, else the clerk's office every local government has (the templates'
    unit). A measure is never drafted without one; the author edits it."""
    own = (
        Position.objects.held_by(actor)
        .filter(organisation_id=assessment.organisation_id)
        .exclude(unit="")
        .order_by("pk")
        .values_list("unit", flat=True)
        .first()
    )
    return own or UNIT


def year_opened(sender: object, *, batch: ImportBatch, actor: Actor, **kwargs: object) -> int:
    """An import of ``batch.year`` was applied: the year gets its checklist if it has none
    (``ita.imports.signals.scores_applied``). Returns how many items it got."""
    year = AssessmentYear.objects.filter(year=batch.year).first()
    return oit_checklist_open(year=year, actor=actor) if year is not None else 0


@transaction.atomic(durable=True)
def report_prepare(*, assessment: Assessment, actor: Actor, today: dt.date) -> Prepared:
    """Draft the report from the scores: for each tool's lowest indicator, a finding (unless it
    has one) and a measure answering it (unless one covers the indicator: the findings are
    linked to it). Measures start the month after ``today`` for the template's months."""
    done = Prepared(oit_items=oit_checklist_open(year=assessment.year, actor=actor))
    lines = lowest_indicators(assessment)
    findings = list(assessment.findings.select_related("indicator"))
    measures = list(
        Measure.objects.filter(assessment=assessment).prefetch_related("indicators", "findings")
    )
    templates = list(MeasureTemplate.objects.filter(active=True).order_by("pk"))
    unit = default_unit(assessment, actor)
    start = periods.add_months(periods.first_of_month(today), 1)
    for line in lines:
        indicator = line.indicator
        own = [f for f in findings if f.indicator_id == indicator.pk]
        if not own:
            finding = services.finding_create(
                assessment=assessment,
                tool=indicator.tool,
                indicator=indicator,
                text=finding_text(line),
                actor=actor,
            )
            findings.append(finding)
            done.findings.append(finding)
            own = [finding]
        covering = [m for m in measures if indicator in m.indicators.all()]
        if covering:
            for measure in covering:
                missing = [f for f in own if f not in measure.findings.all()]
                if missing:
                    measure.findings.add(*missing)
                    done.linked += len(missing)
                if measure.draft:
                    services.measure_keep(measure=measure, actor=actor)
            continue
        template = MeasureTemplate.choose(templates, indicator.tool, indicator.number)
        data = services.MeasureData(
            title=template.title if template else _("Improve %(name)s") % {"name": indicator.name},
            steps=template.step_lines() if template else [],
            responsible_unit=(template.responsible_unit if template else "") or unit,
            start_month=start,
            end_month=periods.add_months(start, max(template.months if template else 3, 1) - 1),
            follow_up=template.follow_up if template else "",
            findings=own,
            indicators=[indicator],
        )
        measure = services.measure_create(assessment=assessment, data=data, actor=actor)
        measures.append(measure)
        done.measures.append(measure)
    event_record(
        actor=actor,
        action=EventKind.REPORT_PREPARE,
        organisation_id=assessment.organisation_id,
        obj=assessment,
        data={
            "year": assessment.year.year,
            "indicators": [line.indicator.number for line in lines],
            "findings": len(done.findings),
            "measures": len(done.measures),
            "linked": done.linked,
            "oit_items": done.oit_items,
        },
    )
    return done


# The OIT checklist, edited in the browser ---------------------------------------------------------


@dataclass
class ItemData:
    number: int
    name: str
    indicator: Indicator | None = None
    group: str = ""
    from_report: bool = False
    from_implementation: bool = False


@transaction.atomic(durable=True)
def oit_items_update(
    *, year: AssessmentYear, items: dict[int, ItemData], reviewed: bool, actor: Actor
) -> int:
    """Correct the year's checklist items (by pk); ``reviewed`` takes the "to review" mark off
    every item. Returns how many items changed."""
    rows = {i.pk: i for i in OitItem.objects.country().filter(year=year)}
    unknown = sorted(set(items) - set(rows))
    if unknown:
        raise ValidationError(
            _("Items %(ids)s are not on the checklist of %(year)s.")
            % {"ids": ", ".join(map(str, unknown)), "year": year.year}
        )
    numbers = [d.number for d in items.values()] + [
        i.number for pk, i in rows.items() if pk not in items
    ]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise ValidationError(
            _("The number O%(number)s is given to more than one item.") % {"number": twice[0]}
        )
    changed = []
    # Numbers may be swapped between items: clear them first (the constraint holds per row).
    moving = [pk for pk, d in items.items() if rows[pk].number != d.number]
    for offset, pk in enumerate(moving, start=1):
        OitItem.objects.filter(pk=pk).update(number=10_000 + offset)
    for pk, data in items.items():
        item = rows[pk]
        name = clean_text(data.name)
        if not name:
            raise ValidationError(
                _("O%(number)s: write the item's name.") % {"number": data.number}
            )
        if data.indicator is not None and data.indicator.year_id != year.pk:
            raise ValidationError(
                _("O%(number)s: indicator %(indicator)s is not of the year %(year)s.")
                % {"number": data.number, "indicator": data.indicator.number, "year": year.year}
            )
        new = (
            data.number,
            name,
            data.indicator.pk if data.indicator else None,
            clean_text(data.group),
            data.from_report,
            data.from_implementation,
        )
        old = (
            rows[pk].number,
            item.name,
            item.indicator_id,
            item.group,
            item.from_report,
            item.from_implementation,
        )
        (
            item.number,
            item.name,
            item.indicator_id,
            item.group,
            item.from_report,
            item.from_implementation,
        ) = new
        if reviewed:
            item.to_review = False
        item.save()
        if new != old:
            changed.append(item.code)
    if reviewed:
        OitItem.objects.country().filter(year=year).update(to_review=False)
    if changed or reviewed:
        event_record(
            actor=actor,
            action=EventKind.OIT_ITEMS,
            organisation_id=None,
            obj=year,
            data={"items": changed, "reviewed": reviewed},
        )
    return len(changed)


@dataclass
class Correction:
    """How an organisation reads one item of the year's checklist: ``name`` empty or the
    country's keeps the country's (and its later corrections); an item not applicable to the
    organisation says why."""

    name: str = ""
    description: str = ""
    not_applicable: bool = False
    reason: str = ""


@transaction.atomic(durable=True)
def oit_items_correct(
    *,
    organisation: Organisation,
    year: AssessmentYear,
    corrections: dict[int, Correction],
    added: Correction | None = None,
    actor: Actor,
) -> list[str]:
    """Store ``organisation``'s corrections of the year's checklist items (by pk: the
    country's items and its own), and add an item of its own (``added``, numbered A1, A2 …).
    Nothing changes for any other organisation, nor the country's list. Returns the codes of
    the items changed or added; one history row for them. All or nothing: an item marked not
    applicable without a reason refuses the whole form."""
    # One organisation's corrections at a time: two saves at once never number two items A1.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    rows = {
        i.pk: i
        for i in OitItem.objects.filter(year=year, pk__in=list(corrections)).seen_by(
            organisation.pk
        )
    }
    unknown = sorted(set(corrections) - set(rows))
    if unknown:
        raise ValidationError(
            _("Items %(ids)s are not on the checklist of %(year)s.")
            % {"ids": ", ".join(map(str, unknown)), "year": year.year}
        )
    existing = {
        c.item_id: c
        for c in OitItemCorrection.objects.filter(organisation=organisation, item__in=list(rows))
    }
    errors = []
    changed = []
    for pk, data in corrections.items():
        item = rows[pk]
        name = clean_text(data.name)
        new = (
            "" if name == item.name else name,
            data.description.strip(),
            data.not_applicable,
            clean_text(data.reason) if data.not_applicable else "",
        )
        if data.not_applicable and not new[3]:
            errors.append(
                _("%(code)s: write why the item does not apply to the organisation.")
                % {"code": item.code}
            )
            continue
        correction = existing.get(pk)
        old = (
            (correction.name, correction.description, correction.not_applicable, correction.reason)
            if correction
            else ("", "", False, "")
        )
        if new == old:
            continue
        changed.append(item.code)
        if new == ("", "", False, ""):
            assert correction is not None
            correction.delete()  # back to the country's item as it is kept
            continue
        correction = correction or OitItemCorrection(organisation=organisation, item=item)
        correction.name, correction.description, correction.not_applicable, correction.reason = new
        correction.save()
    added_code = ""
    if added is not None and (added.name.strip() or added.description.strip()):
        name = clean_text(added.name)
        if not name:
            errors.append(_("The item added: write its name."))
        elif not errors:
            last = (
                OitItem.objects.filter(year=year, organisation=organisation)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            item = OitItem.objects.create(
                year=year, organisation=organisation, number=(last or 0) + 1, name=name
            )
            if added.description.strip():
                OitItemCorrection.objects.create(
                    organisation=organisation, item=item, description=added.description.strip()
                )
            added_code = item.code
    if errors:
        raise ValidationError(errors)
    if changed or added_code:
        event_record(
            actor=actor,
            action=EventKind.OIT_CORRECTIONS,
            organisation_id=organisation.pk,
            obj=year,
            data={"corrected": changed, "added": [added_code] if added_code else []},
        )
    return changed + ([added_code] if added_code else [])


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
        data = services.MeasureData(
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
        new = services.measure_create(assessment=assessment, data=data, actor=actor)
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
