"""Reading and writing the stored results an import changes, in bulk (for apply and revert)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, router
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record, events_record
from ita.imports import bulk
from ita.imports.matching import district_key
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.rows import FIELDS, RowResult, four, snapshot
from ita.lib.jsonvalue import JSONObject
from ita.lib.thai import clean_text, name_key
from ita.organisations.models import District, DistrictAlias, Organisation, OrganisationAlias
from ita.organisations.services import alias_add
from ita.results.models import Assessment, AssessmentYear, Indicator, IndicatorScore, Source


def assessment_values(after: dict[str, Any]) -> dict[str, bulk.DbValue]:
    """The columns of ``FIELDS`` from a snapshot. A snapshot stored before levels carried their
    source (an older import's rows) had a level and pass/fail only as published tables gave them.
    """
    level, passed = after["level"] or "", after["passed"]
    return {
        "total": None if after["total"] is None else Decimal(after["total"]),
        "level": level,
        "change": None if after["change"] is None else Decimal(after["change"]),
        "passed": passed,
        "rank": after["rank"],
        "derived": bool(after["derived"]),
        "level_source": (after.get("level_source") or Source.PUBLISHED) if level else "",
        "passed_source": (after.get("passed_source") or Source.PUBLISHED)
        if passed is not None
        else "",
    }


def same_snapshot(current: JSONObject | None, written: JSONObject | None) -> bool:
    """The stored result is still what an import wrote (compared on the fields it wrote: rows of
    an older import have no sources)."""
    if current is None or written is None:
        return current is written
    return all(current.get(key) == value for key, value in written.items())


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
) -> dict[int | None, tuple[int, JSONObject]]:
    """organisation id → (assessment id, its snapshot as an import writes it).

    Keyed as ``ImportRow.organisation_id`` is typed (None, for a deleted organisation, is never a
    key), so the rows look their organisation up directly."""
    found: dict[int | None, tuple[int, JSONObject]] = {}
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


def district_alias_if_unknown(
    row: RowResult, organisation: Organisation, actor: Actor
) -> DistrictAlias | None:
    return district_alias_add(row.district_name, organisation.district, actor)


def district_aliases_of_choices(batch: ImportBatch, actor: Actor) -> None:
    """The misspelt districts read as another in the preview (``*districts``) are saved now."""
    made = batch.resolutions.setdefault("*applied", {}).setdefault("district_aliases", [])
    choices = batch.resolutions.get("*districts", {})
    districts = District.objects.in_bulk([int(c["district"]) for c in choices.values()])
    for choice in choices.values():
        district = districts.get(int(choice["district"]))
        if district is not None:
            alias = district_alias_add(choice["name"], district, actor)
            if alias is not None:
                made.append(alias.pk)


def district_alias_add(name: str, district: District, actor: Actor) -> DistrictAlias | None:
    """A misspelt district (เมืองควน) becomes an alias of the chosen organisation's district.

    Only a name that is no district anywhere: เฉลิมพระเกียรติ, a district of five provinces,
    chosen for a row of a sixth, stays the row's choice and never becomes a spelling of it."""
    if not name:
        return None
    key = district_key(name)
    known = {district_key(d) for d in District.objects.values_list("name", flat=True)}
    known |= {
        district_key(a.name)
        for a in DistrictAlias.objects.filter(district__province=district.province_id)
    }
    if key in known:
        return None
    alias = DistrictAlias.objects.create(district=district, name=name, note=_("saved by an import"))
    event_record(
        actor=actor,
        action=EventKind.DISTRICT_ALIAS_ADD,
        organisation_id=None,
        obj=district,
        comment=alias.name,
    )
    return alias


def create_organisations(batch: ImportBatch, rows: list[RowResult], actor: Actor) -> None:
    """The rows' new organisations, in one insert (a province's first import creates hundreds)."""
    if not rows:
        return
    made = []
    for result in rows:
        name = clean_text(result.create_name)
        made.append(
            Organisation(
                name=name,
                name_key=name_key(name),
                kind=result.create_kind,
                district_id=known(result.district_id),
            )
        )
    Organisation.objects.bulk_create(made, batch_size=1000)
    district_ids = {o.district_id for o in made}
    ids = {
        (district_id, name): pk
        for pk, district_id, name in Organisation.objects.filter(
            district_id__in=district_ids
        ).values_list("pk", "district_id", "name")
    }
    for result, org in zip(rows, made, strict=True):
        result.organisation_id = org.pk or ids[(org.district_id, org.name)]
    events_record(
        actor=actor,
        action=EventKind.ORGANISATION_CREATE,
        rows=[
            (
                r.organisation_id,
                "organisations.organisation",
                str(r.organisation_id),
                org.name,
                {"import": batch.pk, "line": r.line},
            )
            for r, org in zip(rows, made, strict=True)
        ],
    )
    bulk.update_rows(
        ImportRow,
        ["organisation"],
        ((r.organisation_id, pk) for r, pk in row_ids(batch, rows)),
    )


def row_ids(batch: ImportBatch, rows: list[RowResult]) -> list[tuple[RowResult, int]]:
    by_line = dict(
        ImportRow.objects.filter(batch=batch, line__in=[r.line for r in rows]).values_list(
            "line", "pk"
        )
    )
    return [(r, by_line[r.line]) for r in rows]


def aliases_of_choices(batch: ImportBatch, rows: list[RowResult], actor: Actor) -> None:
    """The spellings the administrator matched by hand become aliases now, at commit; the
    import keeps their ids so a revert removes them."""
    made = batch.resolutions.setdefault("*applied", {})
    made.setdefault("aliases", [])
    made.setdefault("district_aliases", [])
    for result in rows:
        organisation = Organisation.objects.select_related("district").get(
            pk=known(result.organisation_id)
        )
        if result.new_alias:
            existed = OrganisationAlias.objects.filter(
                organisation=organisation, name_key=name_key(result.name)
            ).exists()
            alias = alias_add(
                organisation=organisation,
                name=result.name,
                actor=actor,
                note=_("import #%(id)s, line %(line)s") % {"id": batch.pk, "line": result.line},
            )
            if not existed:
                made["aliases"].append(alias.pk)
        district_alias = district_alias_if_unknown(result, organisation, actor)
        if district_alias is not None:
            made["district_aliases"].append(district_alias.pk)


def remove_aliases(batch: ImportBatch, actor: Actor) -> None:
    made = batch.resolutions.get("*applied", {})
    for alias in OrganisationAlias.objects.filter(pk__in=made.get("aliases", [])):
        event_record(
            actor=actor,
            action=EventKind.ALIAS_REMOVE,
            organisation_id=alias.organisation_id,
            obj=alias.organisation,
            comment=alias.name,
            data={"import": batch.pk},
        )
        alias.delete()
    DistrictAlias.objects.filter(pk__in=made.get("district_aliases", [])).delete()


def known(value: object) -> int:
    """An id the apply is sure of (see ``services._known``)."""
    assert isinstance(value, int)
    return value
