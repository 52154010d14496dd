"""Benchmark: a nationwide indicator table (8,400 organisations) through the import service.

    .venv/bin/python bench/import.py                       # SQLite (a temporary file)
    DATABASE_URL=postgres://ita:ita-ci@127.0.0.1:5432/ita .venv/bin/python bench/import.py

It builds a throw-away test database (Django's test-database machinery; your data is not touched),
77 provinces, 924 districts and 8,400 organisations, generates a CSV with 10 indicators and a total
per organisation, then times, in the same run:

- the preview (parse, match, check every row, store the preview rows) and the commit (written
  in one transaction; the rows as previewed when nothing the preview read has changed), first as
  new results, then as changed scores, then once more after an organisation was added (the
  commit checks every row again);
- a per-row import of the same rows: the organisations' and indicators' ids read once, then per
  row ``save()`` of the assessment and of each indicator score (inside one transaction);
- the floor: PostgreSQL ``COPY`` of the same rows (on SQLite, ``executemany`` INSERTs instead);

and prints the ratios and the peak memory. Goal: preview and commit each within 2× the floor.

    .venv/bin/python bench/import.py first                 # only the nationwide first import

The nationwide first import (``first``): on a fresh install (the gazetteer only, no organisation),
an ITAS-style table (`# หน่วยงาน อำเภอ จังหวัด คะแนนเฉลี่ย`) of 8,400 organisations named after the
gazetteer's subdistricts (and each province's อบจ.), none of which exists yet: the preview, the
one-step creation of every organisation the gazetteer places (a full check again), and the commit
that creates them with their results. Against it, today's path before the gazetteer's one step:
one click per organisation (mark the row to create, then the whole table is checked again),
measured for a few clicks in the same run and multiplied by the number of rows.
"""

from __future__ import annotations

import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "8400"))
PROVINCES = 77
DISTRICTS_PER_PROVINCE = 12
YEAR = 2564
T = TypeVar("T")


def _prepare_database() -> str:
    if not hasattr(_prepare_database, "ready"):
        setup_test_environment()  # once per process (both benchmarks run in one)
        _prepare_database.ready = True  # type: ignore[attr-defined]
    if connection.vendor == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench-import.sqlite3"
        # A file, not the in-memory default: closer to how the application runs.
        connection.settings_dict["TEST"]["NAME"] = str(path)
    return connection.creation.create_test_db(verbosity=0, autoclobber=True)


def _build_directory() -> None:
    from ita.lib.thai import name_key
    from ita.organisations.models import District, Organisation, Province
    from ita.results import services

    services.year_create(year=YEAR - 1, actor=None)
    services.year_create(year=YEAR, actor=None)
    provinces = Province.objects.bulk_create(
        Province(name=f"จังหวัดทดสอบ{p:02d}") for p in range(PROVINCES)
    )
    districts = District.objects.bulk_create(
        District(province=p, name=f"อำเภอ{p.pk}-{d:02d}", name_key=name_key(f"อำเภอ{p.pk}-{d:02d}"))
        for p in provinces
        for d in range(DISTRICTS_PER_PROVINCE)
    )
    Organisation.objects.bulk_create(
        Organisation(
            name=f"องค์การบริหารส่วนตำบลทดสอบ{n:05d}",
            name_key=name_key(f"องค์การบริหารส่วนตำบลทดสอบ{n:05d}"),
            kind="sao",
            district=districts[n % len(districts)],
        )
        for n in range(ORGANISATIONS)
    )


def _add_organisation() -> None:
    from ita.lib.thai import name_key
    from ita.organisations.models import District, Organisation

    name = "องค์การบริหารส่วนตำบลเพิ่มภายหลัง"
    Organisation.objects.create(
        name=name, name_key=name_key(name), kind="sao", district=District.objects.first()
    )


def _table(seed: int) -> tuple[bytes, list[tuple[str, str, str, list[Decimal], Decimal]]]:
    from ita.organisations.models import Organisation
    from ita.results import rules
    from ita.results.models import AssessmentYear

    specs = AssessmentYear.objects.get(year=YEAR).indicator_specs
    rng = random.Random(seed)
    rows = []
    for org in Organisation.objects.select_related("district__province").order_by("pk"):
        scores = [Decimal(rng.randint(5000, 10000)) / 100 for _ in range(10)]
        total = rules.round2(rules.compute_total(specs, dict(enumerate(scores, start=1))))
        rows.append((org.name, org.district.name, org.district.province.name, scores, total))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["หน่วยงาน", "อำเภอ", "จังหวัด", *(f"indicator_{n}" for n in range(1, 11)), "คะแนน"]
    )
    for name, district, province, scores, total in rows:
        writer.writerow([name, district, province, *scores, total])
    return out.getvalue().encode("utf-8"), rows


def _timed(label: str, func: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"  {label:<52} {elapsed:7.2f} s")
    return result, elapsed


def _clear() -> None:
    from ita.imports.models import ImportBatch
    from ita.results.models import Assessment, IndicatorScore

    with transaction.atomic():
        ImportBatch.objects.all().delete()
        IndicatorScore.objects.all().delete()
        Assessment.objects.all().delete()


def _naive(rows: list) -> None:
    """Per row, ``save()`` of the assessment and of each indicator score: the ids it needs (the
    organisations by their place, the indicators) read once beforehand, not a query per row."""
    from ita.organisations.models import Organisation
    from ita.results.models import Assessment, AssessmentYear, IndicatorScore

    year = AssessmentYear.objects.get(year=YEAR)
    indicators = {i.number: i for i in year.indicators.all()}
    org_ids = {
        (name, district, province): pk
        for pk, name, district, province in Organisation.objects.values_list(
            "pk", "name", "district__name", "district__province__name"
        )
    }
    with transaction.atomic():
        for name, district, province, scores, total in rows:
            org_id = org_ids[(name, district, province)]
            level = year.rate(total) or ""
            assessment = Assessment(
                organisation_id=org_id,
                year=year,
                total=total,
                level=level,
                passed=year.passes(total),
                level_source="computed" if level else "",
                passed_source="computed",
            )
            assessment.save()
            for number, score in enumerate(scores, start=1):
                IndicatorScore(
                    assessment=assessment, indicator=indicators[number], score=score
                ).save()


def _floor(rows: list) -> str:
    """The fastest the database itself takes the same rows: COPY (PostgreSQL) or executemany."""
    from django.utils import timezone

    from ita.organisations.models import Organisation
    from ita.results.models import AssessmentYear

    year = AssessmentYear.objects.get(year=YEAR)
    indicators = dict(year.indicators.values_list("number", "pk"))
    org_ids = dict(Organisation.objects.values_list("name", "pk"))
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(
                "COPY ita_assessment (organisation_id, year_id, total, level, passed, derived, "
                "level_source, passed_source, updated_at) FROM STDIN"
            ) as copy:
                for name, _d, _p, _scores, total in rows:
                    copy.write_row(
                        (
                            org_ids[name],
                            year.pk,
                            total,
                            "A",
                            True,
                            False,
                            "computed",
                            "computed",
                            now,
                        )
                    )
            cursor.execute(
                "SELECT organisation_id, id FROM ita_assessment WHERE year_id = %s", [year.pk]
            )
            assessment_ids = dict(cursor.fetchall())
            with cursor.copy(
                "COPY ita_indicatorscore (assessment_id, indicator_id, score) FROM STDIN"
            ) as copy:
                for name, _d, _p, scores, _total in rows:
                    for number, score in enumerate(scores, start=1):
                        copy.write_row((assessment_ids[org_ids[name]], indicators[number], score))
            return "PostgreSQL COPY"
        cursor.executemany(
            "INSERT INTO ita_assessment (organisation_id, year_id, total, level, passed, derived, "
            "level_source, passed_source, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (org_ids[r[0]], year.pk, str(r[4]), "A", True, False, "computed", "computed", now)
                for r in rows
            ],
        )
        cursor.execute(
            "SELECT organisation_id, id FROM ita_assessment WHERE year_id = %s", [year.pk]
        )
        assessment_ids = dict(cursor.fetchall())
        cursor.executemany(
            "INSERT INTO ita_indicatorscore (assessment_id, indicator_id, score) VALUES (%s, %s, %s)",
            [
                (assessment_ids[org_ids[r[0]]], indicators[n], str(s))
                for r in rows
                for n, s in enumerate(r[3], start=1)
            ],
        )
        return "SQLite executemany INSERT (no COPY in SQLite)"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _first_table() -> tuple[bytes, int]:
    """An ITAS-style table of organisations that do not exist yet, placed by the gazetteer."""
    from ita.organisations.models import Province, Subdistrict

    rng = random.Random(2566)
    rows: list[tuple[str, str, str]] = []
    for province in Province.objects.exclude(name="กรุงเทพมหานคร").select_related():
        capital = province.districts.filter(code__endswith="01").first()
        if capital is not None:
            rows.append((f"องค์การบริหารส่วนจังหวัด{province.name}", capital.name, province.name))
    subdistricts = list(
        Subdistrict.objects.exclude(district__province__name="กรุงเทพมหานคร")
        .select_related("district__province")
        .order_by("code")
    )
    for sub in subdistricts:
        rows.append(
            (f"องค์การบริหารส่วนตำบล{sub.name}", sub.district.name, sub.district.province.name)
        )
    for sub in subdistricts:
        if len(rows) >= ORGANISATIONS:
            break
        rows.append((f"เทศบาลตำบล{sub.name}", sub.district.name, sub.district.province.name))
    rows = rows[:ORGANISATIONS]
    lines = ["#\tหน่วยงาน\tอำเภอ\tจังหวัด\tคะแนนเฉลี่ย"]
    for n, (name, district, province) in enumerate(rows, start=1):
        lines.append(f"{n}\t{name}\t{district}\t{province}\t{rng.randint(5000, 10000) / 100:.2f}")
    return "\n".join(lines).encode("utf-8"), len(rows)


def first_import() -> None:
    """The nationwide first import on a fresh install (see the module's docstring)."""
    from ita.imports.choices import import_create_missing, import_row_resolve
    from ita.imports.models import ImportRow
    from ita.imports.services import (
        import_check,
        import_commit,
        import_preview,
        import_recheck,
    )
    from ita.organisations.models import Organisation

    old_name = connection.settings_dict["NAME"]
    _prepare_database()
    try:
        assert not Organisation.objects.exists()
        data, n = _first_table()
        print(f"database: {connection.vendor}; first import of {n} organisations, none stored")

        def finish(batch: ImportBatch) -> ImportBatch:
            while batch.status == ImportBatch.Status.CHECKING:
                batch = import_check(batch=batch)
            return batch

        from ita.imports.models import ImportBatch

        batch, t_preview = _timed(
            "preview (parse, match, place by the gazetteer)",
            lambda: import_preview(data=data, file_name="first.tsv", year=2566),
        )
        assert batch.findings.get("placeable") == n, batch.findings

        # Today's path: one click per organisation, each followed by a full check.
        clicks = 3
        unknown = list(ImportRow.objects.filter(batch=batch, status="error").order_by("line"))
        start = time.perf_counter()
        for row in unknown[:clicks]:
            finish(import_row_resolve(batch=batch, row=row, create=True, actor=None))
        t_click = (time.perf_counter() - start) / clicks
        print(f"  {'one click (mark a row, check the table again)':<52} {t_click:7.2f} s")
        batch = finish(import_recheck(batch=batch, actor=None))

        batch, t_create = _timed(
            "create the N placed (one step, checked again)",
            lambda: finish(import_create_missing(batch=batch, actor=None)),
        )
        assert batch.counts["error"] == 0 and batch.counts["new"] == n, batch.counts
        _b, t_commit = _timed(
            "commit (organisations and results)", lambda: import_commit(batch=batch, actor=None)
        )
        assert Organisation.objects.count() == n
        ours = t_preview + t_create + t_commit
        clicking = t_preview + t_click * n + t_commit
        print()
        print(f"first import, preview + one step + commit: {ours:.1f} s")
        print(
            f"one click per organisation ({n} × {t_click:.2f} s, measured on {clicks} clicks): "
            f"{clicking / 60:.0f} min"
        )
        print(f"ratio (clicks / one step):  {clicking / ours:6.0f}×")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    from ita.imports.models import ImportBatch
    from ita.imports.services import import_commit, import_preview, import_revert
    from ita.results.models import Assessment, IndicatorScore

    old_name = connection.settings_dict["NAME"]
    _prepare_database()
    try:
        print(
            f"database: {connection.vendor}; {ORGANISATIONS} organisations, {os.cpu_count()} CPUs"
        )
        _build_directory()
        data, rows = _table(seed=1)
        changed_data, _rows2 = _table(seed=2)
        print(f"table: {len(rows)} rows × (10 indicators + total), {len(data) / 1024:.0f} KiB CSV")

        def preview(payload: bytes) -> ImportBatch:
            return import_preview(data=payload, file_name="nationwide.csv", year=YEAR)

        batch, t_preview = _timed(
            "preview (parse, match, check, store), new results", lambda: preview(data)
        )
        assert batch.counts["error"] == 0 and batch.counts["new"] == len(rows), batch.counts
        _b, t_commit = _timed("commit, new results", lambda: import_commit(batch=batch, actor=None))
        assert IndicatorScore.objects.count() == 10 * len(rows)
        batch2, t_preview2 = _timed("preview, every score changed", lambda: preview(changed_data))
        assert batch2.counts["changed"] == len(rows), batch2.counts
        _b, t_commit2 = _timed(
            "commit, every score changed", lambda: import_commit(batch=batch2, actor=None)
        )
        _timed("revert the second import", lambda: import_revert(batch=batch2, actor=None))
        batch3 = preview(changed_data)
        _add_organisation()  # what the preview read has changed: the commit checks every row
        _b, t_commit3 = _timed(
            "commit of changes, checked again (a new organisation)",
            lambda: import_commit(batch=batch3, actor=None),
        )
        import_revert(batch=batch3, actor=None)
        rss = _peak_rss_mb()

        _clear()
        _r, t_naive = _timed(
            "per-row ORM save(), ids read once (one transaction)", lambda: _naive(rows)
        )
        assert Assessment.objects.count() == len(rows)
        _clear()
        floor_label, t_floor = _timed(
            "floor: COPY / executemany of the same rows", lambda: _floor(rows)
        )
        assert IndicatorScore.objects.count() == 10 * len(rows)
        _clear()

        tracemalloc.start()
        traced = preview(data)
        import_commit(batch=traced, actor=None)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print()
        print(f"preview {t_preview:.2f} s, commit {t_commit:.2f} s")
        print(f"commit of changes: preview {t_preview2:.2f} s, commit {t_commit2:.2f} s")
        print(f"per-row save() / commit:            {t_naive / t_commit:6.1f}×")
        print(f"per-row save() / (preview+commit):  {t_naive / (t_preview + t_commit):6.1f}×")
        print(f"floor: {floor_label}, {t_floor:.2f} s (goal: preview and commit each within 2×)")
        print(f"preview / floor:                    {t_preview / t_floor:6.1f}×")
        print(f"commit / floor:                     {t_commit / t_floor:6.1f}×")
        print(f"preview of changes / floor:         {t_preview2 / t_floor:6.1f}×")
        print(f"commit of changes / floor:          {t_commit2 / t_floor:6.1f}×")
        print(f"commit checked again / floor:       {t_commit3 / t_floor:6.1f}×")
        print(
            f"peak memory: Python allocations {peak / 1024 / 1024:.0f} MiB during preview+commit; "
            f"process peak RSS {rss:.0f} MiB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    if "first" in sys.argv[1:]:
        first_import()
    else:
        main()
        first_import()
