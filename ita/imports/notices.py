"""The year opens itself: once an import is applied, the members of each organisation whose
results it brought are told that their scores are in (``ita.organisations.notices``: on their
desk and by e-mail), with a link to their report of the year.

``scores_arrived`` is called by the apply service after its transaction has committed, whoever
runs it (the page, the command, a task): a rolled-back import tells nobody, and an import applied
again tells nobody twice.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor
from ita.imports.models import ImportBatch, ImportRow
from ita.lib.thai import thai_digits
from ita.lib.urls import absolute
from ita.organisations.notices import News, members_notify
from ita.results.models import Assessment

KEY = "scores-{year}"


def _verdict(assessment: Assessment) -> str:
    parts = []
    if assessment.total is not None:
        parts.append(_("total %(total)s") % {"total": thai_digits(f"{assessment.total:.2f}")})
    if assessment.level:
        parts.append(_("level %(level)s") % {"level": assessment.level})
    if assessment.passed is not None:
        parts.append(_("passed") if assessment.passed else _("not passed"))
    return ", ".join(parts)


def scores_arrived(*, batch: ImportBatch, actor: Actor) -> int:
    """Tell the members of each organisation the applied ``batch`` brought results for; returns
    how many people were told."""
    if batch.status != ImportBatch.Status.APPLIED:
        return 0
    org_ids = set(
        ImportRow.objects.filter(
            batch=batch,
            effect__in=[ImportRow.Status.NEW, ImportRow.Status.CHANGED],
            organisation__isnull=False,
        ).values_list("organisation_id", flat=True)
    )
    if not org_ids:
        return 0
    assessments = (
        Assessment.objects.filter(
            organisation_id__in=org_ids,
            year__year=batch.year,
            organisation__positions__holder__isnull=False,
        )
        .select_related("organisation")
        .distinct()
    )
    news = []
    with translation.override("th"):  # the members' language: the product's first
        for a in assessments:
            url = absolute(reverse("measures:report", args=[a.organisation_id, batch.year]))
            news.append(
                News(
                    organisation_id=a.organisation_id,
                    subject=_("The ITA scores of fiscal year %(year)s are in: %(organisation)s")
                    % {"year": batch.year, "organisation": a.organisation.name},
                    body=_(
                        "The results of fiscal year %(year)s have been imported: %(verdict)s. "
                        "Prepare this year's report from them."
                    )
                    % {"year": batch.year, "verdict": _verdict(a)},
                    url=url,
                )
            )
    return members_notify(
        kind="scores",
        key=KEY.format(year=batch.year),
        news=news,
        actor=actor,
        event=EventKind.NOTICE_SCORES,
    )
