"""Reading and writing the stored results an import changes, in bulk (for apply and revert)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, router
from django.db.models.deletion import Collector

from ita.imports import bulk
from ita.imports.checking import FIELDS, four, snapshot
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore


def assessment_values(after: dict[str, Any]) -> dict[str, bulk.DbValue]:
    return {
        "total": None if after["total"] is None else Decimal(after["total"]),
        "level": after["level"] or "",
        "change": None if after["change"] is None else Decimal(after["change"]),
        "passed": after["passed"],
        "rank": after["rank"],
        "derived": bool(after["derived"]),
    }


def write_scores(
    year: AssessmentYear | None, pairs: list[tuple[int, dict[str, str] | None]]
) -> None:
    """Replace the indicator scores of these assessments (DELETEs, then one COPY or INSERT)."""
    if not pairs:
        return
    indicators = {str(i.number): i.pk for i in Indicator.objects.filter(year=year)}
    ids = [assessment_id for assessment_id, _scores in pairs]
    for start in range(0, len(ids), 900):
        IndicatorScore.objects.filter(assessment_id__in=ids[start : start + 900]).delete()
    bulk.insert_rows(
        IndicatorScore,
        ["assessment", "indicator", "score"],
        (
            (assessment_id, indicators[n], Decimal(s))
            for assessment_id, scores in pairs
            for n, s in (scores or {}).items()
        ),
    )


def written_on(assessment_ids: list[int]) -> list[str]:
    """What members wrote on these results (a report's findings, measures …), which deleting
    them would delete too: named, so a revert never takes anyone's work with it."""
    kinds: set[type[models.Model]] = set()
    for start in range(0, len(assessment_ids), 900):
        collector = Collector(using=router.db_for_write(Assessment))
        collector.collect(
            list(Assessment.objects.filter(pk__in=assessment_ids[start : start + 900]))
        )
        kinds |= {model for model, found in collector.data.items() if found}
        kinds |= {qs.model for qs in collector.fast_deletes if qs.exists()}
    return sorted(
        str(model._meta.verbose_name_plural)
        for model in kinds
        if model not in (Assessment, IndicatorScore) and not model._meta.auto_created
    )


def current_snapshots(
    year: AssessmentYear | None, org_ids: list[int], with_scores: bool
) -> dict[int | None, tuple[int, dict[str, Any]]]:
    """organisation id → (assessment id, its snapshot as an import writes it).

    Keyed as ``ImportRow.organisation_id`` is typed (None, for a deleted organisation, is never a
    key), so the rows look their organisation up directly."""
    found: dict[int | None, tuple[int, dict[str, Any]]] = {}
    if year is None:
        return found
    values_by_org = {}
    for start in range(0, len(org_ids), 900):
        for values in Assessment.objects.filter(
            year=year, organisation_id__in=org_ids[start : start + 900]
        ).values("pk", "organisation_id", *FIELDS):
            values_by_org[values["organisation_id"]] = values
    scores: dict[int, dict[str, str]] = {}
    if with_scores:
        ids = [v["pk"] for v in values_by_org.values()]
        for start in range(0, len(ids), 900):
            for assessment_id, number, score in IndicatorScore.objects.filter(
                assessment_id__in=ids[start : start + 900]
            ).values_list("assessment_id", "indicator__number", "score"):
                scores.setdefault(assessment_id, {})[str(number)] = four(score)
    for org_id, values in values_by_org.items():
        found[org_id] = (values["pk"], snapshot(values, scores.get(values["pk"]), with_scores))
    return found
