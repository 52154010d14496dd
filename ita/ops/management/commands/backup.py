from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ita.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the database and the uploaded files (MEDIA_ROOT) into one archive, with a "
        "manifest of every table's rows and every file's hash (SQLite or PostgreSQL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help="The archive to write (default: backups/ita-<date and time>.tar.gz).",
        )

    def handle(self, *args: object, output: str | None, **options: object) -> None:
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M%S")
        target = Path(output) if output else Path("backups") / f"ita-{stamp}.tar.gz"
        try:
            summary = backup(target)
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup written: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.path}: {summary.engine}, {summary.tables} tables, {summary.rows} rows, "
                f"{summary.files} files."
            )
        )
