"""The published report: one clear privacy rule.

The report (findings, measures, the OIT checklist) is private to the organisation while it is
worked on. Once the mayor has approved or acknowledged the memo that carries it, its author or
the clerk publishes it (``memos.publishing.memo_publish_report`` checks that and calls
``report_publish`` here): a public page per organisation and year shows the report as the memo
sent it and the memo's signed PDF, at a stable address. That address is the evidence of the
next year's OIT item on internal measures (``OitItem.from_report``: O42 in 2564), which is
filled with it.

The second half of the cycle goes the same way: the implementation report (what was done about
the measures) is carried by its own memo and, once decided, published beside the report
(``implementation_publish``) with the evidence files its author chose, one by one; its address
fills the item on what was done (``OitItem.from_implementation``: O43 in 2564).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.thai import arabic_digits, date_th
from ita.lib.urls import absolute
from ita.organisations.models import Organisation
from ita.results.models import Assessment, AssessmentYear
from measures.models import (
    Evidence,
    ImplementationReport,
    OitItem,
    OitStatus,
    PublishedDocument,
    PublishedImplementation,
    PublishedReport,
)
from measures.selectors import oit_items_for


def public_path(organisation_id: int, year: int) -> str:
    """The stable address of an organisation's published report of a year (BE)."""
    return reverse("report_published", args=[organisation_id, year])


def public_url(organisation_id: int, year: int) -> str:
    return absolute(public_path(organisation_id, year))


def implementation_path(organisation_id: int, year: int) -> str:
    """The stable address of what was done about a year's measures, beside its report."""
    return reverse("implementation_published", args=[organisation_id, year])


def implementation_url(organisation_id: int, year: int) -> str:
    return absolute(implementation_path(organisation_id, year))


def published_of(organisation: Organisation) -> QuerySet[PublishedReport]:
    """The organisation's published reports, newest year first."""
    return PublishedReport.objects.filter(assessment__organisation=organisation).select_related(
        "assessment__year"
    )


def implementation_publication_for(
    organisation_id: int, year: int
) -> PublishedImplementation | None:
    return (
        PublishedImplementation.objects.select_related(
            "report__assessment__organisation__district__province", "report__assessment__year"
        )
        .filter(
            report__assessment__organisation_id=organisation_id,
            report__assessment__year__year=year,
        )
        .first()
    )


def publication_for(organisation_id: int, year: int) -> PublishedReport | None:
    return (
        PublishedReport.objects.select_related(
            "assessment__organisation__district__province", "assessment__year"
        )
        .filter(assessment__organisation_id=organisation_id, assessment__year__year=year)
        .first()
    )


def _answered(organisation: Organisation, year: int, answers: str) -> list[OitItem]:
    """The organisation's items of ``year`` that a publication answers (``answers``: the
    OitItem flag), read through its corrections: an item it marked not applicable stays as it
    is."""
    return [
        i.item
        for i in oit_items_for(organisation.pk, year)
        if getattr(i.item, answers) and not i.not_applicable
    ]


def _fill(organisation: Organisation, items: list[OitItem], url: str) -> list[str]:
    """Mark the items published with the report's address; returns the codes changed."""
    existing = {
        s.item_id: s for s in OitStatus.objects.filter(organisation=organisation, item__in=items)
    }
    changed = []
    for item in items:
        status = existing.get(item.pk) or OitStatus(organisation=organisation, item=item)
        if (status.state, status.evidence_url) == (OitStatus.State.PUBLISHED, url):
            continue
        status.state, status.evidence_url = OitStatus.State.PUBLISHED, url
        status.save()
        changed.append(item.code)
    return changed


def _record_fill(organisation: Organisation, year: int, codes: list[str], actor: Actor) -> None:
    if codes:
        event_record(
            actor=actor,
            action=EventKind.OIT_STATUSES,
            organisation_id=organisation.pk,
            obj=organisation,
            data={"year": year, "items": codes, "from_report": year - 1},
        )


def is_newer(publication: PublishedDocument | None, decided_at: dt.datetime) -> bool:
    """Whether ``publication`` (what is public now) comes from a memo decided after the one
    decided at ``decided_at``: publishing that older memo would put an older report in its place.
    A publication made before the time was kept compares by its day."""
    if publication is None or not publication.pk:
        return False
    if publication.decided_at is not None:
        return decided_at < publication.decided_at
    return timezone.localdate(decided_at) < publication.decided_on


def newer_refusal(publication: PublishedDocument | None, decided_at: dt.datetime) -> str | None:
    """Why publishing a memo decided at ``decided_at`` asks first, naming the public one; None
    when it is not older than what is public."""
    if publication is None or not is_newer(publication, decided_at):
        return None
    return _(
        "The public report comes from memo %(number)s, decided on %(date)s, after this memo: "
        "publishing this one puts the older report in its place. Tick the box to do so."
    ) % {
        "number": arabic_digits(publication.memo_number) or "-",
        "date": date_th(publication.decided_on),
    }


class Content(TypedDict):
    """What a publication shows, as its memo carried it."""

    report_html: str
    pdf: bytes
    memo_number: str
    memo_subject: str
    decision: str
    decided_on: dt.date
    decided_at: dt.datetime
    replace_newer: bool


def _store(
    publication: PublishedDocument,
    *,
    report_html: str,
    pdf: bytes,
    memo_number: str,
    memo_subject: str,
    decision: str,
    decided_on: dt.date,
    decided_at: dt.datetime,
    replace_newer: bool,
    actor: User,
) -> tuple[str | None, str]:
    """Write what a publication shows (its first time, or again from a later memo; from an
    earlier memo only when ``replace_newer`` says so); returns the memo number it replaces and
    the old file to delete once committed."""
    if not report_html.strip() or not pdf:
        raise ValidationError(_("The memo carries no report to publish"))
    refusal = newer_refusal(publication, decided_at)
    if refusal and not replace_newer:
        raise ValidationError(refusal, code="newer_public")
    before = publication.memo_number if publication.pk else None
    old_file = (publication.pdf.name or "") if publication.pk else ""
    publication.report_html = report_html
    publication.memo_number = memo_number
    publication.memo_subject = memo_subject
    publication.decision = decision
    publication.decided_on = decided_on
    publication.decided_at = decided_at
    publication.published_at = timezone.now()
    publication.published_by = actor
    publication.pdf.save("report.pdf", ContentFile(pdf), save=False)
    return before, old_file


def _publish(
    publication: PublishedDocument,
    assessment: Assessment,
    *,
    kind: EventKind,
    url: str,
    answers: str,
    record: Callable[[], None] = lambda: None,
    actor: User,
    **content: Unpack[Content],
) -> None:
    """Store ``publication`` with its history row, and fill the next year's OIT items that it
    answers (``answers``: the OitItem flag); the file goes if anything fails."""
    before, old_file = _store(publication, actor=actor, **content)
    try:
        publication.save()
        record()
        organisation = assessment.organisation
        event_record(
            actor=actor,
            action=kind,
            organisation_id=organisation.pk,
            obj=publication,
            data={
                "year": assessment.year.year,
                "url": url,
                "memo": publication.memo_number,
                "replaces": before,
            },
        )
        following = assessment.year.year + 1
        items = _answered(organisation, following, answers)
        _record_fill(organisation, following, _fill(organisation, items, url), actor)
    except Exception:
        publication.pdf.delete(save=False)
        raise
    if old_file:
        transaction.on_commit(lambda: default_storage.delete(old_file))


@transaction.atomic
def report_publish(
    *,
    assessment: Assessment,
    report_html: str,
    pdf: bytes,
    memo_number: str,
    memo_subject: str,
    decision: str,
    decided_on: dt.date,
    decided_at: dt.datetime,
    replace_newer: bool = False,
    actor: User,
) -> PublishedReport:
    """Publish (or publish again, from a later memo) the report of ``assessment``.

    The address stays the same; the next year's OIT items answered by the report are filled
    with it. One history row, in the same transaction. A report from a memo decided before the
    one public now is refused unless ``replace_newer`` (the publisher was told which is public).
    """
    publication = PublishedReport.objects.filter(assessment=assessment).first() or PublishedReport(
        assessment=assessment
    )
    _publish(
        publication,
        assessment,
        kind=EventKind.REPORT_PUBLISH,
        url=public_url(assessment.organisation_id, assessment.year.year),
        answers="from_report",
        actor=actor,
        report_html=report_html,
        pdf=pdf,
        memo_number=memo_number,
        memo_subject=memo_subject,
        decision=decision,
        decided_on=decided_on,
        decided_at=decided_at,
        replace_newer=replace_newer,
    )
    return publication


@transaction.atomic
def implementation_publish(
    *,
    report: ImplementationReport,
    evidence: list[Evidence],
    report_html: str,
    pdf: bytes,
    memo_number: str,
    memo_subject: str,
    decision: str,
    decided_on: dt.date,
    decided_at: dt.datetime,
    replace_newer: bool = False,
    actor: User,
) -> PublishedImplementation:
    """Publish (or publish again) what was done about a year's measures, beside the yearly
    report, with the evidence files its author chose (``evidence``: those its memo froze when
    it was sent, ``Memo.evidence_sent``); the next year's OIT items answered by it are filled
    with its address."""
    assessment = report.assessment
    publication = PublishedImplementation.objects.filter(
        report=report
    ).first() or PublishedImplementation(report=report)
    foreign = [
        e.original_name for e in evidence if e.update.measure.assessment_id != report.assessment_id
    ]
    if foreign:
        raise ValidationError(
            _("The file %(name)s is not evidence of this year's measures.") % {"name": foreign[0]}
        )
    chosen = list(evidence)
    _publish(
        publication,
        assessment,
        kind=EventKind.IMPLEMENTATION_PUBLISH,
        url=implementation_url(assessment.organisation_id, assessment.year.year),
        answers="from_implementation",
        record=lambda: publication.evidence.set(chosen),
        actor=actor,
        report_html=report_html,
        pdf=pdf,
        memo_number=memo_number,
        memo_subject=memo_subject,
        decision=decision,
        decided_on=decided_on,
        decided_at=decided_at,
        replace_newer=replace_newer,
    )
    return publication


def oit_fill_from_published(*, year: AssessmentYear, actor: Actor) -> None:
    """A checklist loaded after reports were published: fill its items answered by them."""
    if OitItem.objects.country().filter(year=year, from_report=True).exists():
        for publication in PublishedReport.objects.filter(
            assessment__year__year=year.year - 1
        ).select_related("assessment__organisation"):
            organisation = publication.assessment.organisation
            url = public_url(organisation.pk, year.year - 1)
            items = _answered(organisation, year.year, "from_report")
            _record_fill(organisation, year.year, _fill(organisation, items, url), actor)
    if OitItem.objects.country().filter(year=year, from_implementation=True).exists():
        for done in PublishedImplementation.objects.filter(
            report__assessment__year__year=year.year - 1
        ).select_related("report__assessment__organisation"):
            organisation = done.report.assessment.organisation
            url = implementation_url(organisation.pk, year.year - 1)
            items = _answered(organisation, year.year, "from_implementation")
            _record_fill(organisation, year.year, _fill(organisation, items, url), actor)
