"""Writes to the yearly report: findings, the OIT checklist, measures and their progress.

Each runs in one transaction with its history row (``ita.history.services.event_record``).
Bad input raises ValidationError naming the field and value, and changes nothing. Reminders by
e-mail are ``measures.reminders``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record, saved_with_history
from ita.lib.filetypes import ALLOWED_LABELS, FileType, sniff
from ita.lib.thai import clean_text
from ita.organisations.models import Organisation
from ita.results.models import Assessment, AssessmentYear, Indicator, Tool
from measures import oit, periods, publishing
from measures.models import (
    Evidence,
    Finding,
    Measure,
    MeasureStep,
    MeasureTemplate,
    OitItem,
    OitStatus,
    ProgressUpdate,
)
from measures.selectors import lowest_indicators, oit_source

# Evidence files people attach: documents, spreadsheets, pictures, archives of them.
MAX_FILES_PER_UPDATE = 10


# Findings ---------------------------------------------------------------------------------------


def _item_of(item: OitItem, assessment: Assessment) -> bool:
    """The item is on the assessment's year's list as its organisation sees it (the country's,
    or the organisation's own; never another organisation's)."""
    return item.year_id == assessment.year_id and item.organisation_id in (
        None,
        assessment.organisation_id,
    )


def _check_finding(
    assessment: Assessment, tool: str, indicator: Indicator | None, items: Sequence[OitItem]
) -> None:
    if tool not in Tool.values:
        raise ValidationError({"tool": _("“%(value)s” is not a tool.") % {"value": tool}})
    if indicator is not None:
        if indicator.year_id != assessment.year_id:
            raise ValidationError(
                {"indicator": _("Indicator %(number)s is not of the year %(year)s.")
                 % {"number": indicator.number, "year": assessment.year.year}}
            )  # fmt: skip
        if indicator.tool != tool:
            raise ValidationError(
                {"indicator": _("Indicator %(number)s belongs to %(indicator_tool)s, not %(tool)s.")
                 % {"number": indicator.number, "indicator_tool": indicator.tool, "tool": tool}}
            )  # fmt: skip
    for item in items:
        if not _item_of(item, assessment):
            raise ValidationError(
                {"oit_items": _("%(code)s is not an item of the year %(year)s.")
                 % {"code": item.code, "year": assessment.year.year}}
            )  # fmt: skip


@transaction.atomic
def finding_create(
    *,
    assessment: Assessment,
    tool: str,
    indicator: Indicator | None,
    text: str,
    oit_items: Sequence[OitItem] = (),
    actor: Actor,
) -> Finding:
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the issue to improve.")})
    _check_finding(assessment, tool, indicator, oit_items)
    last = assessment.findings.filter(tool=tool).order_by("-order").first()
    finding = Finding.objects.create(
        assessment=assessment,
        tool=tool,
        indicator=indicator,
        text=text,
        order=(last.order + 1) if last else 0,
    )
    finding.oit_items.set(oit_items)
    event_record(
        actor=actor,
        action=EventKind.FINDING_CREATE,
        organisation_id=assessment.organisation_id,
        obj=finding,
        comment=text,
        data=payloads.FindingAdded(
            assessment=assessment.pk, tool=tool, items=[i.code for i in oit_items]
        ),
    )
    return finding


@transaction.atomic(durable=True)
def finding_update(
    *,
    finding: Finding,
    tool: str,
    indicator: Indicator | None,
    text: str,
    oit_items: Sequence[OitItem] = (),
    actor: Actor,
) -> Finding:
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the issue to improve.")})
    _check_finding(finding.assessment, tool, indicator, oit_items)
    before = payloads.FindingFields(
        tool=finding.tool, indicator=finding.indicator_id, text=finding.text
    )
    finding.tool, finding.indicator, finding.text = tool, indicator, text
    finding.save(update_fields=["tool", "indicator", "text"])
    finding.oit_items.set(oit_items)
    event_record(
        actor=actor,
        action=EventKind.FINDING_UPDATE,
        organisation_id=finding.assessment.organisation_id,
        obj=finding,
        comment=text,
        data=payloads.FindingEdited(before=before, items=[i.code for i in oit_items]),
    )
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, actor: Actor) -> None:
    event_record(
        actor=actor,
        action=EventKind.FINDING_DELETE,
        organisation_id=finding.assessment.organisation_id,
        obj=finding,
        comment=finding.text,
        data=payloads.FindingDeleted(assessment=finding.assessment_id, tool=finding.tool),
    )
    finding.delete()


# The OIT checklist -------------------------------------------------------------------------------


@transaction.atomic
def oit_checklist_load(*, year: AssessmentYear, actor: Actor) -> list[OitItem]:
    """Give a year its checklist: the published list shipped for it, else the latest earlier year's.

    Refuses when the year already has items (edit them in the admin instead).
    """
    if OitItem.objects.country().filter(year=year).exists():
        raise ValidationError(
            _("The year %(year)s already has an OIT checklist.") % {"year": year.year}
        )
    indicators: dict[int | None, Indicator] = {i.number: i for i in year.indicators.all()}
    # (number, indicator number, group, name, answered by the report, by what was done)
    rows: list[tuple[int, int | None, str, str, bool, bool]]
    if year.year in oit.BUILTIN:
        from_report = oit.FROM_REPORT.get(year.year, set())
        from_done = oit.FROM_IMPLEMENTATION.get(year.year, set())
        rows = [
            (n, ind, g, name, n in from_report, n in from_done)
            for n, ind, g, name in oit.BUILTIN[year.year]
        ]
        source = "builtin"
    else:
        earlier = oit_source(year)
        if earlier is None:
            raise ValidationError(
                _("No OIT checklist is known for %(year)s or any earlier year.")
                % {"year": year.year}
            )
        rows = [
            (
                i.number,
                i.indicator.number if i.indicator else None,
                i.group,
                i.name,
                i.from_report,
                i.from_implementation,
            )
            for i in OitItem.objects.country()
            .filter(year__year=earlier)
            .select_related("indicator")
            .order_by("number")
        ]
        source = str(earlier)
    items = OitItem.objects.bulk_create(
        OitItem(
            year=year,
            number=n,
            indicator=indicators.get(ind),
            group=group,
            name=name,
            from_report=flag,
            from_implementation=done,
            # A copy is a guess at the year's list: marked to review until someone checks it.
            to_review=source != "builtin",
        )
        for n, ind, group, name, flag, done in rows
    )
    event_record(
        actor=actor,
        action=EventKind.OIT_LOAD,
        organisation_id=None,
        obj=year,
        data=payloads.OitLoaded(source=source, items=len(items)),
    )
    # Reports published before the checklist existed answer its items now.
    publishing.oit_fill_from_published(year=year, actor=actor)
    return items


@dataclass(frozen=True)
class OitAnswer:
    state: str
    evidence_url: str = ""
    note: str = ""


@transaction.atomic
def oit_statuses_set(
    *,
    organisation: Organisation,
    year: AssessmentYear,
    answers: dict[int, OitAnswer],
    actor: Actor,
) -> int:
    """Record the organisation's status and evidence address for items (by item pk); returns changes."""
    items = {
        i.pk: i
        for i in OitItem.objects.filter(year=year, pk__in=list(answers)).seen_by(organisation.pk)
    }
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise ValidationError(
            _("Items %(ids)s are not on the checklist of %(year)s.")
            % {"ids": ", ".join(map(str, unknown)), "year": year.year}
        )
    for pk, answer in answers.items():
        if answer.state not in OitStatus.State.values:
            raise ValidationError(
                _("%(code)s: “%(value)s” is not a status.")
                % {"code": items[pk].code, "value": answer.state}
            )
    existing = {
        s.item_id: s for s in OitStatus.objects.filter(organisation=organisation, item__in=items)
    }
    changed = []
    for pk, answer in sorted(answers.items(), key=lambda kv: items[kv[0]].number):
        status = existing.get(pk) or OitStatus(organisation=organisation, item=items[pk])
        new = (answer.state, answer.evidence_url.strip(), clean_text(answer.note))
        # An item left as it was is no change: neither an existing row saved again nor a new
        # row for an item still unchecked (the form sends every item of the checklist).
        if (status.state, status.evidence_url, status.note) == new:
            continue
        status.state, status.evidence_url, status.note = new
        try:
            status.full_clean(exclude=["organisation", "item"])
        except ValidationError as e:
            raise ValidationError(
                _("%(code)s: %(errors)s") % {"code": items[pk].code, "errors": " ".join(e.messages)}
            ) from None
        status.save()
        changed.append(items[pk].code)
    if changed:
        event_record(
            actor=actor,
            action=EventKind.OIT_STATUSES,
            organisation_id=organisation.pk,
            obj=organisation,
            data=payloads.OitAnswered(year=year.year, items=changed),
        )
    return len(changed)


# Measures ----------------------------------------------------------------------------------------


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
        if not _item_of(item, assessment):
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
    transaction.on_commit(lambda: _remove_files(files))


def _remove_files(names: Iterable[str | None]) -> None:
    for name in names:
        if name:  # a stored file always has one (FieldFile.name may be None for no file)
            default_storage.delete(name)


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


# Progress ----------------------------------------------------------------------------------------


def _check_files(files: Sequence[UploadedFile]) -> list[FileType]:
    """Each file's type, judged by its content with the memo attachments' allow-list
    (``ita.lib.filetypes``: never the name or the type the browser declared); a Thai reason
    naming the file otherwise."""
    if len(files) > MAX_FILES_PER_UPDATE:
        raise ValidationError(
            {"files": _("At most %(n)s files per update.") % {"n": MAX_FILES_PER_UPDATE}}
        )
    kinds = []
    for f in files:
        size = f.size or 0  # unknown only for a file not uploaded: refused as empty
        name = PurePath(f.name or "").name
        if size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                {"files": _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
                 % {"name": name, "size": round(size / 1048576, 1),
                    "limit": round(settings.MAX_UPLOAD_BYTES / 1048576, 1)}}
            )  # fmt: skip
        if size == 0:
            raise ValidationError({"files": _("“%(name)s” is empty.") % {"name": name}})
        kind = sniff(f)
        if kind is None:
            raise ValidationError(
                {"files": _("The file %(name)s is not of a type that can be attached (%(allowed)s)")
                 % {"name": name, "allowed": ALLOWED_LABELS}}
            )  # fmt: skip
        kinds.append(kind)
    return kinds


def progress_add(
    *,
    measure: Measure,
    note: str,
    files: Sequence[UploadedFile] = (),
    marks_done: bool = False,
    actor: Actor,
    today: dt.date | None = None,
) -> ProgressUpdate:
    """Add a progress update with its evidence files; ``marks_done`` records the measure as done."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write what was done.")})
    if measure.draft:
        raise ValidationError(_("Keep the suggested measure before recording progress."))
    kinds = _check_files(files)
    saved: list[str | None] = []
    try:
        with transaction.atomic():
            update = ProgressUpdate.objects.create(
                measure=measure,
                note=note,
                marks_done=marks_done,
                author=actor if actor is not None and actor.is_authenticated else None,
            )
            for f, kind in zip(files, kinds, strict=True):
                name = PurePath(f.name or "file").name[:255]
                evidence = Evidence(
                    update=update,
                    original_name=name,
                    size=f.size or 0,  # checked above: never 0
                    content_type=kind.mime,  # what the content is, not what the browser said
                )
                # Stored under the type found (``evidence_path`` keeps only the suffix).
                evidence.file.save(f"file.{kind.extension}", f, save=False)
                saved.append(evidence.file.name)
                evidence.save()
            from_state = measure.status
            if marks_done and measure.done_on is None:
                measure.done_on = today or update.created_at.date()
                measure.save(update_fields=["done_on", "updated_at"])
            event_record(
                actor=actor,
                action=EventKind.MEASURE_PROGRESS,
                organisation_id=measure.assessment.organisation_id,
                obj=measure,
                from_state=from_state,
                to_state=measure.status,
                comment=note,
                data=payloads.ProgressRecorded(
                    update=update.pk, files=[name for name in saved if name]
                ),
            )
    except OSError as exc:
        # A full or read-only media folder: the rows rolled back, the files written go too
        # (the storage leaves no partial file), and the form keeps the note typed.
        _remove_files(saved)
        raise ValidationError(
            {
                "files": _(
                    "The files could not be stored: the server's storage is full or read-only. "
                    "Nothing was saved; your note is kept below, try again later"
                )
            }
        ) from exc
    except Exception:
        # The rows rolled back; the files already written must go too.
        _remove_files(saved)
        raise
    return update


def finding_save(*, finding: Finding, actor: Actor) -> Finding:
    """A finding as the admin's forms edit it: checked as the report's own forms check it."""
    _check_finding(finding.assessment, finding.tool, finding.indicator, ())
    return saved_with_history(
        finding,
        actor=actor,
        create=EventKind.FINDING_CREATE,
        update=EventKind.FINDING_UPDATE,
        organisation_of=lambda f: f.assessment.organisation_id,
    )
