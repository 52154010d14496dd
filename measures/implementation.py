"""The second half of the cycle: what was done about a year's measures, reported for a period.

``implementation_draft`` drafts the report from the measures' progress updates and evidence
(each kept measure: what was done, when, its evidence, status and result); the organisation's
members edit it (``implementation_update``), choosing one by one the evidence files that will be
public with it. A memo carries it up the chain (``memos.drafting``), and once decided it is
published beside the yearly report (``measures.publishing.implementation_publish``).
Each write runs in one transaction with its history row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ita.documents.data import DoneRow, ImplementationDoc
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.thai import clean_text, date_th
from ita.results.models import Assessment
from measures import periods
from measures.models import (
    STATUS_LABELS,
    Evidence,
    ImplementationEntry,
    ImplementationReport,
    Measure,
    ProgressUpdate,
)


def default_period(
    measures: Sequence[Measure], today: dt.date, worked: Sequence[dt.date] = ()
) -> tuple[dt.date, dt.date]:
    """From the first month the measures run or were worked on (``worked``: the days of their
    progress updates) to this month, or to the last month they run when that is over; never
    before the last update."""
    this_month = periods.first_of_month(today)
    starts = [m.start_month for m in measures if m.start_month]
    ends = [m.end_month for m in measures if m.end_month]
    months = [periods.first_of_month(d) for d in worked]
    start = min([*starts, *months], default=this_month)
    end = max([min(max(ends, default=this_month), this_month), *months])
    return start, max(start, end)


def worked_days(measures: Sequence[Measure]) -> list[dt.date]:
    """The days progress was recorded on the measures (one query)."""
    return [
        timezone.localdate(at)
        for at in ProgressUpdate.objects.filter(measure__in=list(measures)).values_list(
            "created_at", flat=True
        )
    ]


def _in_period(day: dt.date, start: dt.date, end: dt.date) -> bool:
    return start <= day <= periods.last_day(end)


@dataclass
class Drafted:
    """What the progress of one measure says for the period (the entry's drafted text)."""

    done: str
    when: str
    status: str
    result: str
    evidence: list[Evidence] = field(default_factory=list)


def _updates(measures: Sequence[Measure]) -> dict[int, list[ProgressUpdate]]:
    by_measure: dict[int, list[ProgressUpdate]] = {}
    for update in (
        ProgressUpdate.objects.filter(measure__in=list(measures))
        .prefetch_related(Prefetch("files", queryset=Evidence.objects.order_by("pk")))
        .order_by("created_at", "pk")
    ):
        by_measure.setdefault(update.measure_id, []).append(update)
    return by_measure


def drafted(
    measure: Measure, updates: list[ProgressUpdate], start: dt.date, end: dt.date
) -> Drafted:
    """The measure's progress within the period, in the report's words (Thai: printed)."""
    inside = [u for u in updates if _in_period(timezone.localdate(u.created_at), start, end)]
    days = [timezone.localdate(u.created_at) for u in inside]
    if len(set(days)) == 1:
        when = date_th(days[0], digits=True)
    elif days:
        when = periods.period_th(days[0], days[-1])
    else:
        when = ""
    on = min(periods.last_day(end), timezone.localdate())
    status = measure.status_on(on)
    if measure.done_on is not None:
        result = "ดำเนินการแล้วเสร็จ เมื่อ " + date_th(measure.done_on, digits=True)
    elif status == periods.Status.OVERDUE:
        result = "ยังไม่แล้วเสร็จตามระยะเวลาที่กำหนด"
    elif inside:
        result = "อยู่ระหว่างดำเนินการ"
    else:
        result = "ยังไม่ได้ดำเนินการ"
    return Drafted(
        done="\n".join(u.note.strip() for u in inside),
        when=when,
        status=status,
        result=result,
        evidence=[e for u in inside for e in u.files.all()],
    )


def _check_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None or end is None:
        raise ValidationError({"end_month": _("Give both the first and the last month.")})
    start, end = periods.first_of_month(start), periods.first_of_month(end)
    if end < start:
        raise ValidationError(
            {
                "end_month": _("The last month (%(end)s) is before the first (%(start)s).")
                % {"end": periods.period_th(end, end), "start": periods.period_th(start, start)}
            }
        )
    return start, end


@transaction.atomic(durable=True)
def implementation_draft(
    *,
    assessment: Assessment,
    actor: Actor,
    today: dt.date,
    start_month: dt.date | None = None,
    end_month: dt.date | None = None,
) -> ImplementationReport:
    """Draft (or draft again, for another period) what was done about the kept measures of
    ``assessment`` from their progress updates; the files chosen to publish stay chosen."""
    measures = list(Measure.objects.kept().filter(assessment=assessment).order_by("table", "order"))
    if not measures:
        raise ValidationError(
            _("The report of %(year)s has no measures: there is nothing to report on.")
            % {"year": assessment.year.year}
        )
    if start_month is None or end_month is None:
        start_month, end_month = default_period(measures, today, worked_days(measures))
    start, end = _check_period(start_month, end_month)
    report = ImplementationReport.objects.filter(assessment=assessment).first()
    created = report is None
    if report is None:
        report = ImplementationReport(
            assessment=assessment,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
    report.start_month, report.end_month = start, end
    report.save()
    entries = {e.measure_id: e for e in report.entries.all()}
    updates = _updates(measures)
    for order, measure in enumerate(measures, start=1):
        text = drafted(measure, updates.get(measure.pk, []), start, end)
        entry = entries.get(measure.pk) or ImplementationEntry(report=report, measure=measure)
        entry.order = order
        entry.done, entry.when, entry.status, entry.result = (
            text.done,
            text.when,
            text.status,
            text.result,
        )
        entry.save()
    event_record(
        actor=actor,
        action=EventKind.IMPLEMENTATION_DRAFT,
        organisation_id=assessment.organisation_id,
        obj=report,
        to_state="drafted" if created else "redrafted",
        data={"year": assessment.year.year, "period": [start.isoformat(), end.isoformat()]},
    )
    return report


@dataclass
class EntryData:
    done: str
    when: str
    result: str
    evidence: Sequence[int] = ()


@transaction.atomic(durable=True)
def implementation_update(
    *,
    report: ImplementationReport,
    summary: str,
    entries: dict[int, EntryData],
    actor: Actor,
) -> ImplementationReport:
    """The author's edits: the summary, each entry's text, and the evidence files to publish
    (by id; only files of the entry's own measure)."""
    rows = {e.pk: e for e in report.entries.all()}
    unknown = sorted(set(entries) - set(rows))
    if unknown:
        raise ValidationError(
            _("Entries %(ids)s are not of this report.") % {"ids": ", ".join(map(str, unknown))}
        )
    files = {
        e.pk: e
        for e in Evidence.objects.filter(
            update__measure__implementation_entries__report=report
        ).select_related("update")
    }
    report.summary = summary.strip()
    report.save(update_fields=["summary", "updated_at"])
    chosen: list[str] = []
    for pk, data in entries.items():
        entry = rows[pk]
        wanted = [files[i] for i in data.evidence if i in files]
        foreign = [
            i
            for i in data.evidence
            if i not in files or files[i].update.measure_id != entry.measure_id
        ]
        if foreign:
            raise ValidationError(
                _("The file %(id)s is not evidence of the measure “%(title)s”.")
                % {"id": foreign[0], "title": entry.measure.title[:60]}
            )
        entry.done = data.done.strip()
        entry.when = clean_text(data.when)
        entry.result = data.result.strip()
        entry.save(update_fields=["done", "when", "result"])
        entry.public_evidence.set(wanted)
        chosen += [f.original_name for f in wanted]
    event_record(
        actor=actor,
        action=EventKind.IMPLEMENTATION_UPDATE,
        organisation_id=report.assessment.organisation_id,
        obj=report,
        data={"evidence_public": chosen},
    )
    return report


# Reads ------------------------------------------------------------------------------------------


@dataclass
class EntryRow:
    entry: ImplementationEntry
    evidence: list[Evidence]
    public: set[int]


def implementation_rows(report: ImplementationReport) -> list[EntryRow]:
    """The report's entries with every evidence file of the period (the chosen ones marked), in
    a fixed number of queries."""
    entries = list(
        report.entries.select_related("measure")
        .prefetch_related("public_evidence")
        .order_by("order")
    )
    updates = _updates([e.measure for e in entries])
    rows = []
    for e in entries:
        text = drafted(
            e.measure, updates.get(e.measure_id, []), report.start_month, report.end_month
        )
        rows.append(
            EntryRow(
                entry=e, evidence=text.evidence, public={f.pk for f in e.public_evidence.all()}
            )
        )
    return rows


def public_evidence(report: ImplementationReport) -> list[Evidence]:
    """The files chosen to publish with the report, among those of its period (the ones it
    prints): what a memo freezes when it is sent, and publishes once decided."""
    return [f for r in implementation_rows(report) for f in r.evidence if f.pk in r.public]


def implementation_doc(
    report: ImplementationReport, *, author_name: str = "", author_position: str = ""
) -> ImplementationDoc:
    """The implementation report as the memo's document prints it (Thai, whatever the reader)."""
    assessment = report.assessment
    rows = implementation_rows(report)
    with translation.override("th"):  # printed: Thai whatever the reader's language
        labels = {str(k): str(v) for k, v in STATUS_LABELS.items()}
    return ImplementationDoc(
        organisation=assessment.organisation.name,
        year=assessment.year.year,
        period=report.period_display,
        summary=report.summary,
        author_name=author_name,
        author_position=author_position,
        rows=tuple(
            DoneRow(
                title=r.entry.measure.title,
                done=r.entry.done,
                when=r.entry.when,
                evidence=tuple(f.original_name for f in r.evidence if f.pk in r.public),
                evidence_private=sum(1 for f in r.evidence if f.pk not in r.public),
                status=labels.get(r.entry.status, r.entry.status),
                result=r.entry.result,
            )
            for r in rows
        ),
    )
