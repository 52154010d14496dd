"""Writes to organisations, years and results. Each runs in one transaction with its history row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita import methods
from ita.models import (
    Assessment,
    AssessmentYear,
    Event,
    Indicator,
    IndicatorScore,
    Organisation,
    OrganisationAlias,
    RatingLevel,
)
from ita.thai import name_key

Actor = AbstractBaseUser | AnonymousUser | None


def event_record(
    *,
    actor: Actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> Event:
    """Write a history row; call inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


@transaction.atomic
def year_create(*, year: int, actor: Actor, pass_mark: Decimal | None = None) -> AssessmentYear:
    """Create a fiscal year with a copy of the latest earlier year's method.

    Without an earlier year, the published method of that period seeds it (``ita.methods``).
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
        action="year.create",
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
        action="assessment.scores",
        obj=assessment,
        data={"scores": {str(n): str(s) for n, s in sorted(scores.items())}},
    )
    return assessment


@transaction.atomic
def alias_add(
    *, organisation: Organisation, name: str, actor: Actor, note: str = ""
) -> OrganisationAlias:
    alias, created = OrganisationAlias.objects.get_or_create(
        organisation=organisation,
        name_key=name_key(name),
        defaults={"name": name, "note": note},
    )
    if created:
        event_record(
            actor=actor,
            action="alias.add",
            obj=organisation,
            comment=alias.name,
        )
    return alias


@transaction.atomic
def organisation_set_emblem(
    *, organisation: Organisation, data: bytes | None, filename: str = "", actor: Actor
) -> Organisation:
    """Replace (or, with ``data=None``, remove) the emblem printed on the organisation's memos.

    The file is checked first (``ita.pdf.emblem.check_emblem``): a bad file changes nothing.
    """
    from django.core.files.base import ContentFile

    from ita.pdf.emblem import check_emblem

    checked = check_emblem(data, filename) if data is not None else None
    old_name = organisation.emblem.name if organisation.emblem else ""
    if checked is None:
        organisation.emblem = ""
        organisation.save(update_fields=["emblem"])
    else:
        name = f"org{organisation.pk}.{checked.extension}"
        organisation.emblem.save(name, ContentFile(checked.data), save=False)
        organisation.save(update_fields=["emblem"])
    if old_name and old_name != organisation.emblem.name:
        storage = organisation.emblem.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    event_record(
        actor=actor,
        action="organisation.emblem",
        obj=organisation,
        comment=organisation.emblem.name if checked else "",
        data={"removed": checked is None, "type": checked.mime_type if checked else ""},
    )
    return organisation
