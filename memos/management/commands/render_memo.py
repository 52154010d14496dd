"""manage.py render_memo MEMO_ID -o out.pdf: the memo's official PDF, as the download gives it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ita.documents.render import CatalogueMissing
from memos import archive
from memos.models import Memo


class Command(BaseCommand):
    help = (
        "Write a memo's official PDF (the memo, its comment blocks and its ITA report), "
        "the same bytes as the memo page's download (a decided memo: its stored, signed file)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("memo_id", type=int, help="The memo's id (as in /memos/<id>/).")
        parser.add_argument(
            "-o", "--output", required=True, type=Path, help="Where to write the PDF."
        )

    def handle(self, *args: object, memo_id: int, output: Path, **options: object) -> None:
        memo = (
            Memo.objects.select_related("organisation", "author", "report_year")
            .filter(pk=memo_id)
            .first()
        )
        if memo is None:
            raise CommandError(f"There is no memo {memo_id}.")
        directory = output.parent if str(output.parent) else Path(".")
        # Checked before the render (a second or two): a wrong path fails at once.
        if output.is_dir():
            raise CommandError(f"Cannot write {output}: it is a directory.")
        if not directory.is_dir():
            raise CommandError(f"Cannot write {output}: the folder {directory} does not exist.")
        if not os.access(directory, os.W_OK) or (
            output.exists() and not os.access(output, os.W_OK)
        ):
            raise CommandError(f"Cannot write {output}: permission denied.")
        try:
            pdf = archive.memo_pdf_bytes(memo)
        except (archive.ArchiveError, CatalogueMissing) as error:
            raise CommandError(str(error)) from None
        # Written beside the target, then renamed: an interrupted run never leaves half a PDF.
        part_name = ""
        try:
            with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as part:
                part_name = part.name
                part.write(pdf)
            os.replace(part_name, output)
        except OSError as error:
            if part_name:
                Path(part_name).unlink(missing_ok=True)
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        self.stdout.write(
            f"Wrote {output} ({len(pdf) // 1024} KB): memo {memo.number or memo.pk}, "
            f"{memo.get_state_display()}."
        )
