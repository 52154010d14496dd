"""Writes to years and results. Each runs in one transaction with its history row."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, deleted_with_history, event_record, saved_with_history
from ita.results import methods
from ita.results.models import (
    Assessment,
    AssessmentYear,
    Indicator,
    IndicatorScore,
    RatingLevel,
)


@transaction.atomic
def year_create(*, year: int, actor: Actor, pass_mark: Decimal | None = None) -> AssessmentYear:
    """Create a fiscal year with a copy of the latest earlier year's method.

    Without an earlier year, the published method of that period seeds it (``methods``).
    """
    if AssessmentYear.objects.filter(year=year).exists():
        raise ValidationError(_("The year %(year)s already exists.") % {"year": year})
    source = (
        AssessmentYear.objects.filter(year__lt=year)
        .order_by("-year")
        .prefetch_related("indicators", "levels")
        .first()
    )
    new = AssessmentYear(year=year)
    if source is not None:
        new.pass_mark = source.pass_mark if pass_mark is None else pass_mark
        new.note = _("Copied from the method of %(year)s.") % {"year": source.year}
        new.full_clean()
        new.save()
        Indicator.objects.bulk_create(
            Indicator(year=new, number=i.number, name=i.name, tool=i.tool, weight=i.weight)
            for i in source.indicators.all()
        )
        RatingLevel.objects.bulk_create(
            RatingLevel(
                year=new, level=r.level, min_total=r.min_total, min_each_tool=r.min_each_tool
            )
            for r in source.levels.all()
        )
    else:
        new.pass_mark = methods.PASS_MARK if pass_mark is None else pass_mark
        new.full_clean()
        new.save()
        Indicator.objects.bulk_create(
            Indicator(year=new, number=n, name=name, tool=tool, weight=w)
            for n, name, tool, w in methods.INDICATORS
        )
        RatingLevel.objects.bulk_create(
            RatingLevel(year=new, level=level, min_total=low, min_each_tool=each)
            for level, low, each in methods.default_levels(year)
        )
    event_record(
        actor=actor,
        action=EventKind.YEAR_CREATE,
        organisation_id=None,
        obj=new,
        to_state=str(year),
        data={"copied_from": source.year if source else None},
    )
    return new


@transaction.atomic
def assessment_set_scores(
    *, assessment: Assessment, scores: dict[int, Decimal], actor: Actor
) -> Assessment:
    """Replace an assessment's indicator scores (numbers of the year's indicators → score)."""
    indicators = {i.number: i for i in assessment.year.indicators.all()}
    unknown = sorted(set(scores) - set(indicators))
    if unknown:
        raise ValidationError(
            _("The year %(year)s has no indicator %(numbers)s.")
            % {"year": assessment.year.year, "numbers": ", ".join(map(str, unknown))}
        )
    for number, score in scores.items():
        if not Decimal(0) <= Decimal(score) <= Decimal(100):
            raise ValidationError(
                _("Indicator %(number)s: the score %(score)s is outside 0–100.")
                % {"number": number, "score": score}
            )
    assessment.scores.all().delete()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(assessment=assessment, indicator=indicators[n], score=Decimal(s))
        for n, s in sorted(scores.items())
    )
    event_record(
        actor=actor,
        action=EventKind.ASSESSMENT_SCORES,
        organisation_id=assessment.organisation_id,
        obj=assessment,
        data={"scores": {str(n): str(s) for n, s in sorted(scores.items())}},
    )
    return assessment


# The admin's edits: each saved or deleted with a history row of its fields before and after.


def assessment_save(*, assessment: Assessment, actor: Actor) -> Assessment:
    return saved_with_history(
        assessment,
        actor=actor,
        create=EventKind.ASSESSMENT_CREATE,
        update=EventKind.ASSESSMENT_UPDATE,
        organisation_of=lambda a: a.organisation_id,
    )


def assessment_delete(*, assessment: Assessment, actor: Actor) -> None:
    deleted_with_history(
        assessment,
        actor=actor,
        action=EventKind.ASSESSMENT_DELETE,
        organisation_id=assessment.organisation_id,
    )


def score_save(*, score: IndicatorScore, actor: Actor) -> IndicatorScore:
    return saved_with_history(
        score,
        actor=actor,
        create=EventKind.SCORE_CREATE,
        update=EventKind.SCORE_UPDATE,
        organisation_of=lambda s: s.assessment.organisation_id,
    )


def score_delete(*, score: IndicatorScore, actor: Actor) -> None:
    deleted_with_history(
        score,
        actor=actor,
        action=EventKind.SCORE_DELETE,
        organisation_id=score.assessment.organisation_id,
    )
