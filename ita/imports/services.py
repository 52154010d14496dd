"""Importing score tables: preview, reconcile, commit and revert. Every write is here.

The browser, the admin and ``manage.py import_scores`` call these same functions. A preview
writes only the import's own record and rows; the commit checks the table again inside its
transaction and applies everything or nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.imports import bulk, parsing, signals, unchanged, writes
from ita.imports.checking.checker import Checker
from ita.imports.describe import later_changes, user_name, when
from ita.imports.duplicates import duplicate_lines, mark_duplicate
from ita.imports.locking import lock_year
from ita.imports.matching import Directory, district_choices, province_key
from ita.imports.method import YearMethod, apply_method, revert_method, year_method
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.rows import FIELDS, ROW_FIELDS, RowResult, row_signature
from ita.lib import planner
from ita.organisations.models import (
    Organisation,
    Province,
)
from ita.organisations.placement import Gazetteer
from ita.results.models import Assessment, AssessmentYear, IndicatorScore

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_T = TypeVar("_T")

# The tables an apply or a revert rewrites a year of: analysed once it commits (ita.lib.planner;
# autovacuum may have analysed them holding only the old, dead rows).
REWRITTEN = (Assessment, IndicatorScore, Organisation)
# Rows checked per step: small enough for a page to report progress, large enough to be quick.
CHUNK = 2000
WRITE_BATCH = 1000


class AlreadyApplied(ValidationError):
    """Another administrator applied (or reverted) this import first."""


class StalePreview(ValidationError):
    """The stored data changed after the preview: it must be checked again before committing."""


def _user(actor: Actor) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _known(value: _T | None) -> _T:
    """A value an apply or a revert is sure of (the year, created first when missing; a row's
    values, organisation, result, and district to create in): rows with errors are never
    applied, and a revert refuses rows whose result has moved. Checked all the same."""
    assert value is not None
    return value


def import_start(
    *,
    data: bytes,
    file_name: str,
    year: int,
    province: Province | None,
    kind: str | None,
    source: str,
    actor: Actor,
    resolutions: dict | None = None,
) -> ImportBatch:
    """Read the table and record the import, ready to be checked. Nothing else changes.

    ``resolutions`` may hold the import's choices from the start (the command line's
    ``--create-missing`` and ``--agencies``)."""
    try:
        table = parsing.parse_table(data, kind=kind or None)
    except parsing.TableError as exc:
        raise ValidationError(str(exc)) from None
    hinted_year = table.hints.get("year")
    if hinted_year and int(hinted_year) != year:
        raise ValidationError(
            _("The table is for the year %(found)s, but the year %(year)s was chosen.")
            % {"found": hinted_year, "year": year}
        )
    method = year_method(year)
    if table.indicator_numbers():
        unknown = sorted(set(table.indicator_numbers()) - set(method.numbers))
        absent = sorted(set(method.numbers) - set(table.indicator_numbers()))
        if unknown or absent:
            raise ValidationError(
                _(
                    "The year %(year)s has indicators %(numbers)s; the table's header has "
                    "indicator columns %(found)s."
                )
                % {
                    "year": year,
                    "numbers": ", ".join(map(str, method.numbers)),
                    "found": ", ".join(map(str, table.indicator_numbers())),
                }
            )
    hinted_province = str(table.hints.get("province", ""))
    if province is None and hinted_province and parsing.PROVINCE not in table.columns:
        key = province_key(hinted_province)
        province = next((p for p in Province.objects.all() if province_key(p.name) == key), None)
    missing = parsing.missing_columns(table, province_given=province is not None)
    if missing:
        raise ValidationError(
            _(
                "The header on line %(line)s lacks required columns: %(columns)s. "
                "Nothing was imported; add the columns (see the templates) and upload again."
            )
            % {"line": table.header_line, "columns": ", ".join(missing)}
        )
    checksum = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=table.kind,
            year=year,
            province=province,
            source=source,
            file_name=file_name[:255],
            checksum=checksum,
            size=len(data),
            file_format=table.file_format[:40],
            table=table.to_json(),
            rows_total=len(table.rows),
            resolutions=dict(resolutions or {}),
            created_by=_user(actor),
        )
        event_record(
            actor=actor,
            action=EventKind.IMPORT_PREVIEW,
            organisation_id=None,
            obj=batch,
            to_state=batch.status,
            comment=batch.file_name,
            data={"year": year, "kind": table.kind, "rows": len(table.rows), "sha256": checksum},
        )
    return batch


def import_check(
    *,
    batch: ImportBatch,
    actor: Actor = None,
    limit: int | None = CHUNK,
    directory: Directory | None = None,
    places: Gazetteer | None = None,
    table: parsing.Table | None = None,
) -> ImportBatch:
    """Check the next ``limit`` rows of a preview (all of them with ``None``); then finish it.

    ``table`` is the batch's table when the caller has it read already (the preview's loop):
    the stored one, a few megabytes of JSON for a nationwide table, is then not read again."""
    with transaction.atomic():
        # Locked so two steps of the same preview (a double click) cannot check a chunk twice.
        batches = ImportBatch.objects.select_for_update()
        locked = (batches if table is None else batches.defer("table")).get(pk=batch.pk)
        if locked.status != ImportBatch.Status.CHECKING:
            return locked
        if table is None:
            table = parsing.Table.from_json(locked.table)
        start = locked.rows_checked
        end = len(table.rows) if limit is None else min(len(table.rows), start + limit)
        if end > start:
            checker = Checker(
                table=table,
                method=year_method(locked.year, locked.resolutions),
                province_id=locked.province_id,
                resolutions=locked.resolutions,
                directory=directory,
                places=places,
            )
            results = checker.check(table.rows[start:end])
            for finding, n in checker.findings.items():
                locked.findings[finding] = locked.findings.get(finding, 0) + n
            unchanged.record(
                locked.checked_against,
                method=unchanged.method_fingerprint(checker.method, locked.province_id),
                places=checker.directory.fingerprint,
                previous=checker.previous,
            )
            bulk.insert_rows(ImportRow, ROW_FIELDS, (r.to_db(locked.pk) for r in results))
        locked.rows_checked = end
        if end >= len(table.rows):
            _finish(locked, table)
            event_record(
                actor=actor,
                action=EventKind.IMPORT_CHECKED,
                organisation_id=None,
                obj=locked,
                from_state=ImportBatch.Status.CHECKING,
                to_state=locked.status,
                data={"counts": locked.counts},
            )
        locked.save(
            update_fields=["rows_checked", "status", "counts", "findings", "checked_against"]
        )
    return locked


def _finish(batch: ImportBatch, table: parsing.Table) -> None:
    keys = list(
        ImportRow.objects.filter(batch=batch)
        .order_by("line")
        .values_list(
            "pk",
            "line",
            "organisation_id",
            "name",
            "district_id",
            "district_name",
            "province_name",
        )
    )
    duplicates = duplicate_lines(key[1:] for key in keys)
    if duplicates:
        rows = list(ImportRow.objects.filter(batch=batch, line__in=list(duplicates)))
        for row in rows:
            mark_duplicate(row, duplicates[row.line])
        ImportRow.objects.bulk_update(rows, ["messages", "status", "effect", "before", "after"])
    batch.counts = _counts(batch, table)
    batch.status = ImportBatch.Status.READY


def _keys(results: list[RowResult]) -> list[tuple]:
    return [
        (r.line, r.organisation_id, r.name, r.district_id, r.district_name, r.province_name)
        for r in results
    ]


def _counts(batch: ImportBatch, table: parsing.Table) -> dict[str, int]:
    counts = {s: 0 for s in ImportRow.Status.values}
    for status, n in (
        ImportRow.objects.filter(batch=batch).values_list("status").annotate(n=Count("pk"))
    ):
        counts[status] = n
    counts["skipped_lines"] = len(table.skipped)
    return counts


def import_preview(
    *,
    data: bytes,
    file_name: str,
    year: int,
    province: Province | None = None,
    kind: str | None = None,
    source: str = ImportBatch.Source.COMMAND,
    actor: Actor = None,
    progress: Callable[[int, int], None] | None = None,
    resolutions: dict | None = None,
) -> ImportBatch:
    """Read and check a whole table in chunks, reporting progress: the dry run."""
    batch = import_start(
        resolutions=resolutions,
        data=data,
        file_name=file_name,
        year=year,
        province=province,
        kind=kind,
        source=source,
        actor=actor,
    )
    directory = Directory(district_choices=district_choices(batch.resolutions))
    places = Gazetteer()
    table = parsing.Table.from_json(batch.table)
    while batch.status == ImportBatch.Status.CHECKING:
        batch = import_check(
            batch=batch,
            actor=actor,
            limit=CHUNK,
            directory=directory,
            places=places,
            table=table,
        )
        if progress is not None:
            progress(batch.rows_checked, batch.rows_total)
    return batch


def import_recheck(*, batch: ImportBatch, actor: Actor) -> ImportBatch:
    """Start the preview's check again (after a reconciliation, or when the data changed)."""
    with transaction.atomic():
        lock_year(batch.year)  # first: another apply of the year commits before this one checks
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_if_done(locked)
        locked.rows.all().delete()
        locked.rows_checked = 0
        locked.counts = {}
        locked.findings = {}
        locked.checked_against = {}
        locked.status = ImportBatch.Status.CHECKING
        locked.save(
            update_fields=["rows_checked", "counts", "findings", "checked_against", "status"]
        )
    return locked


def refuse_if_done(batch: ImportBatch) -> None:
    if batch.status == ImportBatch.Status.APPLIED:
        raise AlreadyApplied(
            _("This import was already applied (by %(who)s, %(when)s). Nothing was changed.")
            % {"who": user_name(batch.applied_by), "when": when(batch.applied_at)}
        )
    if batch.status == ImportBatch.Status.REVERTED:
        raise AlreadyApplied(_("This import was applied and then reverted; upload the file again."))


def import_discard(*, batch: ImportBatch, actor: Actor) -> None:
    """Throw away a preview that was not applied."""
    with transaction.atomic():
        lock_year(batch.year)  # first: another apply of the year commits before this one checks
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_if_done(locked)
        event_record(
            actor=actor,
            action=EventKind.IMPORT_DISCARD,
            organisation_id=None,
            obj=locked,
            comment=locked.file_name,
        )
        locked.delete()


def refuse_apply(batch: ImportBatch) -> None:
    """Why ``batch`` cannot be applied now, if it cannot (the page asks before queuing it)."""
    refuse_if_done(batch)
    if batch.status != ImportBatch.Status.READY:
        raise ValidationError(_("The preview is still being checked; wait until it is done."))
    if batch.error_count:
        raise ValidationError(
            _("%(n)s row(s) have errors. Correct the file or reconcile the rows first.")
            % {"n": batch.error_count}
        )


def refuse_revert(batch: ImportBatch) -> None:
    """Why ``batch`` cannot be reverted now, if it cannot."""
    if batch.status == ImportBatch.Status.REVERTED:
        raise AlreadyApplied(
            _("This import was already reverted (by %(who)s, %(when)s). Nothing was changed.")
            % {"who": user_name(batch.reverted_by), "when": when(batch.reverted_at)}
        )
    if batch.status != ImportBatch.Status.APPLIED:
        raise AlreadyApplied(_("Only an applied import can be reverted; this one is not."))


Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


def import_commit(
    *, batch: ImportBatch, actor: Actor, progress: Progress | None = None
) -> ImportBatch:
    """Apply a checked preview: everything or nothing, in one transaction.

    The table is checked again against the data as it is now; when anything differs from what
    the preview showed, nothing is applied and the preview must be checked again. Applies and
    reverts of one year take turns (``locking.lock_year``), on any number of servers.
    ``progress(done, total)`` is told the rows done as the check goes (the task worker's job
    writes it where the page reads it).
    """
    report = progress or _no_progress
    with transaction.atomic():
        lock_year(batch.year)  # first: another apply of the year commits before this one checks
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_apply(locked)
        method = year_method(locked.year, locked.resolutions)
        # Nothing the preview read has changed: its rows are what a check would give again.
        results = unchanged.preview_rows(locked, method)
        if results is None:
            results = _check_again(locked, method, report)
        else:
            report(max(0, locked.rows_total - 1), locked.rows_total)
        # The year's method as the preview checked against it: created, switched, confirmed.
        done = apply_method(year=locked.year, resolutions=locked.resolutions, actor=actor)
        locked.resolutions.setdefault("*applied", {})["year"] = done
        locked.year_created = bool(done.get("created"))
        _apply(locked, results, _known(year_method(locked.year).stored), actor)
        planner.analyze_on_commit(REWRITTEN)
        locked.status = ImportBatch.Status.APPLIED
        locked.applied_by = _user(actor)
        locked.applied_at = timezone.now()
        locked.save(
            update_fields=["status", "applied_by", "applied_at", "year_created", "resolutions"]
        )
        event_record(
            actor=actor,
            action=EventKind.IMPORT_APPLY,
            organisation_id=None,
            obj=locked,
            from_state=ImportBatch.Status.READY,
            to_state=ImportBatch.Status.APPLIED,
            comment=locked.file_name,
            data={"counts": locked.counts, "sha256": locked.checksum, "year": locked.year},
        )
    # Committed: the members are told, the year opens (not before: a failed apply tells nobody).
    signals.applied(batch=locked, actor=actor)
    return locked


def _check_again(batch: ImportBatch, method: YearMethod, report: Progress) -> list[RowResult]:
    """The whole table checked against the data as it is now (inside the commit's transaction),
    refused when anything differs from what the preview showed."""
    table = parsing.Table.from_json(batch.table)
    checker = Checker(
        table=table,
        method=method,
        province_id=batch.province_id,
        resolutions=batch.resolutions,
    )
    total = len(table.rows)
    results: list[RowResult] = []
    for start in range(0, total, CHUNK):
        results += checker.check(table.rows[start : start + CHUNK])
        # The writes that follow are a few bulk statements: the last chunk reports all but
        # them, and the job's end reports the whole.
        report(min(total, start + CHUNK) - (1 if start + CHUNK >= total else 0), total)
    duplicates = duplicate_lines(_keys(results))
    for result in results:
        if result.line in duplicates:
            mark_duplicate(result, duplicates[result.line])
    stored = {
        line: row_signature(status, organisation_id, match, before, after)
        for line, status, organisation_id, match, before, after in ImportRow.objects.filter(
            batch=batch
        ).values_list("line", "status", "organisation_id", "match", "before", "after")
    }
    # Dicts compare by content, whatever the order of keys the database gave back.
    if stored != {r.line: r.signature() for r in results}:
        raise StalePreview(
            _(
                "The stored data changed after this preview (another import or an edit). "
                "Check the file again before applying it."
            )
        )
    return results


def _apply(
    batch: ImportBatch, results: list[RowResult], year: AssessmentYear, actor: Actor
) -> None:
    writes.create_organisations(
        batch, [r for r in results if r.match == ImportRow.Match.CREATE], actor
    )
    writes.aliases_of_choices(batch, [r for r in results if r.chosen], actor)
    writes.district_aliases_of_choices(batch, actor)

    new = [r for r in results if r.effect == ImportRow.Status.NEW]
    changed = [r for r in results if r.effect == ImportRow.Status.CHANGED]
    now = bulk.db_datetime(timezone.now())
    bulk.insert_rows(
        Assessment,
        ["organisation", "year", *FIELDS, "updated_at"],
        (
            (r.organisation_id, year.pk, *writes.assessment_values(_known(r.after)).values(), now)
            for r in new
        ),
    )
    if new:
        made = dict(Assessment.objects.filter(year=year).values_list("organisation_id", "pk"))
        for result in new:
            result.assessment_id = made[_known(result.organisation_id)]
    bulk.update_rows(
        Assessment,
        [*FIELDS, "updated_at"],
        (
            (*writes.assessment_values(_known(r.after)).values(), now, r.assessment_id)
            for r in changed
        ),
    )
    scored = []
    for r in new + changed:
        after = _known(r.after)
        if "scores" in after and (r.before is None or r.before.get("scores") != after["scores"]):
            scored.append((_known(r.assessment_id), after.get("scores")))
    writes.write_scores(year, scored)


def import_revert(
    *, batch: ImportBatch, actor: Actor, progress: Progress | None = None
) -> ImportBatch:
    """Undo an applied import as a whole: what it created is removed, what it changed restored.

    Refused (changing nothing) when an organisation's result was changed after the import, by a
    later import or an edit: that later change must be undone first. ``progress`` as for
    ``import_commit`` (the rows compared with what is stored, then restored).
    """
    report = progress or _no_progress
    with transaction.atomic():
        lock_year(batch.year)
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        refuse_revert(locked)
        report(0, locked.rows_total)
        rows = list(
            ImportRow.objects.filter(
                batch=locked, effect__in=[ImportRow.Status.NEW, ImportRow.Status.CHANGED]
            ).exclude(status=ImportRow.Status.ERROR)
        )
        method = year_method(locked.year)
        with_scores = locked.kind == ImportBatch.Kind.INDICATORS
        org_ids = [r.organisation_id for r in rows if r.organisation_id is not None]
        current = writes.current_snapshots(method.stored, org_ids, with_scores)
        moved = [
            r
            for r in rows
            if not writes.same_snapshot(current.get(r.organisation_id, (None, None))[1], r.after)
        ]
        if moved:
            raise ValidationError(
                _(
                    "These results were changed after the import, so it cannot be reverted as a "
                    "whole: %(rows)s. Revert the later import first."
                )
                % {"rows": "; ".join(later_changes(locked, moved[:10]))}
            )
        new_ids = [current[r.organisation_id][0] for r in rows if r.before is None]
        written = writes.written_on(new_ids)
        if written:
            raise ValidationError(
                _(
                    "Other records (%(what)s) refer to results this import created; remove them first."
                )
                % {"what": ", ".join(written)}
            )
        changed = [r for r in rows if r.before is not None]
        report(max(0, locked.rows_total - 1), locked.rows_total)
        now = bulk.db_datetime(timezone.now())
        bulk.update_rows(
            Assessment,
            [*FIELDS, "updated_at"],
            (
                (
                    *writes.assessment_values(_known(r.before)).values(),
                    now,
                    current[r.organisation_id][0],
                )
                for r in changed
            ),
        )
        if with_scores:
            writes.write_scores(
                method.stored,
                [(current[r.organisation_id][0], _known(r.before).get("scores")) for r in changed],
            )
        try:
            for start in range(0, len(new_ids), 900):
                Assessment.objects.filter(pk__in=new_ids[start : start + 900]).delete()
        except ProtectedError as exc:
            raise ValidationError(
                _(
                    "Other records (%(what)s) refer to results this import created; remove them first."
                )
                % {
                    "what": ", ".join(
                        sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
                    )
                }
            ) from None
        created = [
            r.organisation_id
            for r in rows
            if r.match == ImportRow.Match.CREATE and r.organisation_id is not None
        ]
        removable = (
            Organisation.objects.filter(pk__in=created)
            .annotate(n=Count("assessments", distinct=True) + Count("positions", distinct=True))
            .filter(n=0)
        )
        removed = [o.name for o in removable]
        removable.delete()
        writes.remove_aliases(locked, actor)
        revert_method(
            year=locked.year,
            done=locked.resolutions.get("*applied", {}).get("year", {}),
            actor=actor,
        )
        planner.analyze_on_commit(REWRITTEN)
        locked.status = ImportBatch.Status.REVERTED
        locked.reverted_by = _user(actor)
        locked.reverted_at = timezone.now()
        locked.save(update_fields=["status", "reverted_by", "reverted_at"])
        event_record(
            actor=actor,
            action=EventKind.IMPORT_REVERT,
            organisation_id=None,
            obj=locked,
            from_state=ImportBatch.Status.APPLIED,
            to_state=ImportBatch.Status.REVERTED,
            comment=locked.file_name,
            data={"restored": len(changed), "removed": len(new_ids), "organisations": removed},
        )
    return locked
