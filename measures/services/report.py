"""This year's report drafted from the scores ("prepare this year's report"): for each tool's
flagged lowest indicator, a finding (the indicator set, the text to edit) and a measure from the
templates that answers it, linked; the year gets its OIT checklist when it has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.organisations.models import Position
from ita.results.models import Assessment
from measures import periods
from measures.models import Finding, Measure, MeasureTemplate
from measures.selectors import IndicatorLine, lowest_indicators
from measures.services.checklist import oit_checklist_open
from measures.services.findings import finding_create
from measures.services.measures import MeasureData, measure_create, measure_keep
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
            finding = finding_create(
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
                    measure_keep(measure=measure, actor=actor)
            continue
        template = MeasureTemplate.choose(templates, indicator.tool, indicator.number)
        data = MeasureData(
            title=template.title if template else _("Improve %(name)s") % {"name": indicator.name},
            steps=template.step_lines() if template else [],
            responsible_unit=(template.responsible_unit if template else "") or unit,
            start_month=start,
            end_month=periods.add_months(start, max(template.months if template else 3, 1) - 1),
            follow_up=template.follow_up if template else "",
            findings=own,
            indicators=[indicator],
        )
        measure = measure_create(assessment=assessment, data=data, actor=actor)
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
