from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ita.imports import parsing
from ita.imports.matching import province_key
from ita.imports.messages import ERROR, WARNING, render
from ita.imports.models import ImportBatch, ImportRow
from ita.imports.services import import_commit, import_preview
from ita.organisations.models import Province

STATUSES = ImportRow.Status.values


class Command(BaseCommand):
    help = (
        "Import a published score table (CSV, XLSX or text copied from a PDF) through the same "
        "checks as the browser. Unknown organisations are errors here: reconcile them in the "
        "browser (/imports/). Exits non-zero, changing nothing, when any row is an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The table file.")
        parser.add_argument("--year", type=int, required=True, help="Fiscal year, Buddhist Era.")
        parser.add_argument("--province", help="Province name, e.g. ตรัง (when the table has none).")
        parser.add_argument(
            "--kind",
            choices=[parsing.RESULTS, parsing.INDICATORS],
            help="Table kind; detected from the header when not given.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report only; change nothing."
        )

    def handle(
        self,
        *args: object,
        path: str,
        year: int,
        province: str | None,
        kind: str | None,
        dry_run: bool,
        **options: object,
    ) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        if file.stat().st_size > parsing.MAX_BYTES:
            raise CommandError(
                f"The file is {file.stat().st_size // 1024 // 1024} MB; "
                f"the limit is {parsing.MAX_BYTES // 1024 // 1024} MB."
            )
        prov = None
        if province:
            key = province_key(province)
            prov = next((p for p in Province.objects.all() if province_key(p.name) == key), None)
            if prov is None:
                raise CommandError(f"Unknown province {province!r}.")
        with transaction.atomic():
            try:
                batch = import_preview(
                    data=file.read_bytes(),
                    file_name=file.name,
                    year=year,
                    province=prov,
                    kind=kind,
                    source=ImportBatch.Source.COMMAND,
                    actor=None,
                    progress=self._progress,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self._summary(batch)
            errors = batch.error_count
            if errors or dry_run:
                # The preview's own record is not kept either: the command changed nothing.
                transaction.set_rollback(True)
            else:
                try:
                    batch = import_commit(batch=batch, actor=None)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
        if errors:
            raise CommandError(f"{errors} row(s) with errors; nothing was changed.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Applied as import #{batch.pk}."))

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"checked {done}/{total} rows")

    def _summary(self, batch: ImportBatch) -> None:
        counts = batch.counts
        self.stdout.write(
            f"{batch.get_kind_display()} {batch.year}"
            f"{', ' + batch.province.name if batch.province else ''} ({batch.file_format}): "
            f"{batch.rows_total} rows"
        )
        self.stdout.write(
            "  "
            + ", ".join(f"{s}: {counts.get(s, 0)}" for s in STATUSES)
            + f"; lines skipped (titles, notes, repeated headers): {counts.get('skipped_lines', 0)}"
        )
        for row in batch.rows.exclude(status__in=["new", "changed", "unchanged"]).order_by("line"):
            for entry in row.messages:
                if entry["level"] in (ERROR, WARNING):
                    number = f"no. {row.number}, " if row.number else ""
                    self.stdout.write(
                        f"  line {row.line} ({number}{row.name or '—'}): "
                        f"{entry['level']}: {render(entry)}"
                    )
