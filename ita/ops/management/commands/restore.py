import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ita.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an EMPTY database of the same engine and an "
        "empty MEDIA_ROOT, then check every table's rows and every file's hash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")

    def handle(self, *args: object, archive: str, **options: object) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            summary = restore(path)
        except (BackupError, OSError, ValueError, tarfile.TarError) as error:
            raise CommandError(f"Not restored: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path}: {summary.engine}, {summary.tables} tables, "
                f"{summary.rows} rows, {summary.files} files, all as in the manifest."
            )
        )
