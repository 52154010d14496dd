"""Publishing the report a decided memo carries: the memo's side of ``measures.publishing``.

The author or the clerk publishes once the mayor has approved or acknowledged the memo
(``memos.access.publish_refusal``); the public page shows the report as the memo sent it
(``Memo.report_sent``) and the memo's PDF (``published_pdf_bytes``).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from ita.history.services import AnyUser
from ita.results.models import Assessment
from measures import publishing as publishing_rules
from measures.models import ImplementationReport, PublishedImplementation, PublishedReport
from measures.publishing import Content, implementation_publish, report_publish
from memos import access, archive
from memos.models import Memo


def published_pdf_bytes(memo: Memo) -> bytes:
    """The PDF the public page serves: the decided memo's document of record, as stored and
    signed at the decision (``memos.archive``), byte for byte what ``/verify/`` checks."""
    return archive.memo_pdf_bytes(memo)


def _decision_word(memo: Memo) -> str:
    with translation.override("th"):
        decision = str(Memo.Outcome(memo.outcome).label)
        # The label carries the English gloss before the Thai word in brackets: keep the word.
        return decision.split("(")[-1].rstrip(")") if "(" in decision else decision


@transaction.atomic(durable=True)
def memo_publish_report(
    *, memo: Memo, actor: AnyUser, replace_newer: bool = False
) -> PublishedReport | PublishedImplementation:
    """Make the report ``memo`` carries public (again, from a later memo: same address): the
    yearly report, or the implementation report for a memo that carries one. A memo decided
    before the one whose report is public replaces it only with ``replace_newer``
    (``measures.publishing.newer_refusal`` says which one is public)."""
    memo = (
        Memo.objects.select_for_update(of=("self",))
        .select_related("organisation", "report_year")
        .get(pk=memo.pk)
    )
    reason = access.publish_refusal(actor, memo)
    if reason:
        raise PermissionDenied(reason)
    # publish_refusal: a decided memo of a year, published by its author or the clerk.
    assert memo.report_year is not None and memo.decided_at is not None
    assert isinstance(actor, User)
    content = Content(
        report_html=memo.report_sent,
        pdf=published_pdf_bytes(memo),
        memo_number=memo.number_display,
        memo_subject=memo.subject,
        decision=_decision_word(memo),
        decided_on=timezone.localdate(memo.decided_at),
        decided_at=memo.decided_at,
        replace_newer=replace_newer,
    )
    if memo.implementation_id is not None:
        report = ImplementationReport.objects.select_related(
            "assessment__organisation", "assessment__year"
        ).get(pk=memo.implementation_id)
        return implementation_publish(
            report=report,
            evidence=list(memo.evidence_sent.select_related("update__measure").order_by("pk")),
            actor=actor,
            **content,
        )
    assessment = Assessment.objects.select_related("organisation", "year").get(
        organisation=memo.organisation, year=memo.report_year
    )
    return report_publish(assessment=assessment, actor=actor, **content)


def publication_of(memo: Memo) -> PublishedReport | PublishedImplementation | None:
    """The report's publication, if any (whichever memo made it)."""
    if memo.report_year_id is None:
        return None
    if memo.implementation_id is not None:
        return PublishedImplementation.objects.filter(report_id=memo.implementation_id).first()
    return PublishedReport.objects.filter(
        assessment__organisation_id=memo.organisation_id, assessment__year_id=memo.report_year_id
    ).first()


def newer_refusal(memo: Memo) -> str | None:
    """Why publishing ``memo`` asks first: the report public now comes from a memo decided
    after it (named); None otherwise."""
    if memo.decided_at is None:
        return None
    return publishing_rules.newer_refusal(publication_of(memo), memo.decided_at)
