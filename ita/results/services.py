"""Writes to years and results. Each runs in one transaction with its history row."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, ProtectedError, Q, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.payloads import LevelsComputed, LevelsRemoved, ScoresSet, YearCreated
from ita.history.services import Actor, deleted_with_history, event_record, saved_with_history
from ita.results import methods, rules
from ita.results.models import (
    Assessment,
    AssessmentYear,
    Indicator,
    IndicatorScore,
    RatingLevel,
    Source,
)
from ita.results.selectors import new_year_method


@transaction.atomic
def year_create(
    *,
    year: int,
    actor: Actor,
    pass_mark: Decimal | None = None,
    confirmed: bool = True,
    scheme: str | None = None,
) -> AssessmentYear:
    """Create a fiscal year with the method a new year starts with
    (``selectors.new_year_method``), or the levels of ``scheme`` when chosen.

    An import creates its year unconfirmed unless published figures confirm its period's method
    (``methods.confirmed_by_publication``) or the administrator confirmed it with the import.
    """
    if AssessmentYear.objects.filter(year=year).exists():
        raise ValidationError(_("The year %(year)s already exists.") % {"year": year})
    method = new_year_method(year, scheme)
    new = AssessmentYear(year=year, confirmed=confirmed)
    levels = (
        str(methods.SCHEME_NAMES[method.scheme])
        if method.scheme
        else _("none (no method was published for this year)")
    )
    new.pass_mark = method.pass_mark if pass_mark is None else pass_mark
    if method.copied_from is not None:
        new.note = _("Indicators and pass mark copied from %(year)s; levels: %(scheme)s.") % {
            "year": method.copied_from,
            "scheme": levels,
        }
    else:
        new.note = _("The published method of the period; levels: %(scheme)s.") % {"scheme": levels}
    new.full_clean()
    new.save()
    Indicator.objects.bulk_create(
        Indicator(year=new, number=n, name=name, tool=tool, weight=w)
        for n, name, tool, w in method.indicators
    )
    _set_levels(new, method.levels)
    event_record(
        actor=actor,
        action=EventKind.YEAR_CREATE,
        organisation_id=None,
        obj=new,
        to_state=str(year),
        data=YearCreated(copied_from=method.copied_from, scheme=method.scheme, confirmed=confirmed),
    )
    return new


def _set_levels(year: AssessmentYear, levels: list[methods.Level]) -> None:
    year.levels.all().delete()
    RatingLevel.objects.bulk_create(
        RatingLevel(year=year, level=level, min_total=low, min_each_tool=each)
        for level, low, each in levels
    )


def _compute_levels(year: AssessmentYear) -> LevelsComputed:
    """Give the year's stored results without a level or pass/fail the ones its (now confirmed)
    method gives, marked computed, as an import would have (``ita.imports.checking.judging``): a level
    only when the total (and the tools' scores, where a level needs them) leaves one possible;
    a published one is kept. Three queries and one bulk write whatever the number of results."""
    year = AssessmentYear.objects.prefetch_related("indicators", "levels").get(pk=year.pk)
    specs, rating = year.indicator_specs, year.rating_rules
    pending = (
        Assessment.objects.filter(year=year, total__isnull=False)
        .filter(Q(level_source="") | Q(passed_source=""))
        .prefetch_related(
            Prefetch("scores", queryset=IndicatorScore.objects.select_related("indicator"))
        )
    )
    now = timezone.now()
    written, levels, passes = [], 0, 0
    for assessment in pending:
        total = assessment.total
        assert total is not None  # filtered
        if not assessment.level_source and rating:
            scores = assessment.scores_by_number()
            tools = rules.tool_scores(specs, scores) if len(scores) == len(specs) else None
            level = rules.rate(rating, total, tools)
            if level:
                assessment.level, assessment.level_source = level, Source.COMPUTED
                levels += 1
        if not assessment.passed_source:
            assessment.passed = rules.passes(year.pass_mark, total)
            assessment.passed_source = Source.COMPUTED
            passes += 1
        assessment.updated_at = now
        written.append(assessment)
    Assessment.objects.bulk_update(
        written,
        ["level", "level_source", "passed", "passed_source", "updated_at"],
        batch_size=500,
    )
    return LevelsComputed(levels_computed=levels, passed_computed=passes)


def _remove_computed(year: AssessmentYear) -> LevelsRemoved:
    """Without a confirmed method nothing is computed: the computed levels and pass/fail of the
    year's results go (the published ones and the scores stay)."""
    now = timezone.now()
    results = Assessment.objects.filter(year=year)
    levels = results.filter(level_source=Source.COMPUTED).update(
        level="", level_source="", updated_at=now
    )
    passes = results.filter(passed_source=Source.COMPUTED).update(
        passed=None, passed_source="", updated_at=now
    )
    return LevelsRemoved(levels_removed=levels, passed_removed=passes)


@transaction.atomic
def year_confirm(*, year: AssessmentYear, actor: Actor) -> AssessmentYear:
    """An administrator has checked the year's method: it is no longer marked unconfirmed, and
    the stored results of the year without a level or pass/fail get the method's, marked
    computed; the history row counts them (``data``: levels_computed, passed_computed)."""
    locked = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    if not locked.confirmed:
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        event_record(
            actor=actor,
            action=EventKind.YEAR_CONFIRM,
            organisation_id=None,
            obj=locked,
            from_state="unconfirmed",
            to_state="confirmed",
            data=_compute_levels(locked),
        )
    return locked


@transaction.atomic
def year_unconfirm(*, year: AssessmentYear, actor: Actor) -> AssessmentYear:
    """The year's method is marked unconfirmed again (a reverted import had confirmed it, or
    the administrator withdrew it): its computed levels and pass/fail go with it, counted in
    the history row (``data``: levels_removed, passed_removed)."""
    locked = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    if locked.confirmed:
        locked.confirmed = False
        locked.save(update_fields=["confirmed"])
        event_record(
            actor=actor,
            action=EventKind.YEAR_UNCONFIRM,
            organisation_id=None,
            obj=locked,
            from_state="confirmed",
            to_state="unconfirmed",
            data=_remove_computed(locked),
        )
    return locked


@transaction.atomic
def year_remove(*, year: AssessmentYear, actor: Actor) -> bool:
    """Remove a year nothing refers to any more (a reverted import had created it). A year with
    results, or that anything else refers to (a report, an OIT checklist), stays: False."""
    if Assessment.objects.filter(year=year).exists():
        return False
    try:
        with transaction.atomic():  # a savepoint: a refused delete leaves no history row
            event_record(
                actor=actor,
                action=EventKind.YEAR_DELETE,
                organisation_id=None,
                obj=year,
                from_state=str(year.year),
            )
            year.delete()
    except (ProtectedError, RestrictedError):
        return False
    return True


@transaction.atomic
def year_set_scheme(*, year: int, scheme: str, actor: Actor) -> AssessmentYear:
    """Switch a year's levels to another known scheme (created unconfirmed when missing), when
    a table's levels show the year was rated by it. Refused when results are stored under the
    old levels: they would contradict the new ones."""
    if scheme not in methods.SCHEMES:
        raise ValidationError(_("Unknown scheme %(scheme)s.") % {"scheme": scheme})
    found = AssessmentYear.objects.select_for_update().filter(year=year).first()
    if found is None:
        found = year_create(year=year, actor=actor, confirmed=False)
    before = methods.scheme_of(found.level_labels()) or "edited"
    if before == scheme:
        return found
    if Assessment.objects.filter(year=found).exclude(level="").exists():
        raise ValidationError(
            _("Results of %(year)s are stored with its levels; the scheme cannot be switched.")
            % {"year": year}
        )
    _set_levels(found, methods.SCHEMES[scheme])
    event_record(
        actor=actor,
        action=EventKind.YEAR_SCHEME,
        organisation_id=None,
        obj=found,
        from_state=before,
        to_state=scheme,
    )
    return AssessmentYear.objects.prefetch_related("indicators", "levels").get(pk=found.pk)


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
        data=ScoresSet(scores={str(n): str(s) for n, s in sorted(scores.items())}),
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
