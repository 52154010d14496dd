"""Progress on a measure: a note of what was done with its evidence files, checked by their
content and stored whole or not at all (a failed write leaves no file behind).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.filetypes import ALLOWED_LABELS, FileType, sniff
from measures.models import (
    Evidence,
    Measure,
    ProgressUpdate,
)

# Evidence files people attach: documents, spreadsheets, pictures, archives of them.
MAX_FILES_PER_UPDATE = 10


def remove_files(names: Iterable[str | None]) -> None:
    for name in names:
        if name:  # a stored file always has one (FieldFile.name may be None for no file)
            default_storage.delete(name)


def _check_files(files: Sequence[UploadedFile]) -> list[FileType]:
    """Each file's type, judged by its content with the memo attachments' allow-list
    (``ita.lib.filetypes``: never the name or the type the browser declared); a Thai reason
    naming the file otherwise."""
    if len(files) > MAX_FILES_PER_UPDATE:
        raise ValidationError(
            {"files": _("At most %(n)s files per update.") % {"n": MAX_FILES_PER_UPDATE}}
        )
    kinds = []
    for f in files:
        size = f.size or 0  # unknown only for a file not uploaded: refused as empty
        name = PurePath(f.name or "").name
        if size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                {"files": _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
                 % {"name": name, "size": round(size / 1048576, 1),
                    "limit": round(settings.MAX_UPLOAD_BYTES / 1048576, 1)}}
            )  # fmt: skip
        if size == 0:
            raise ValidationError({"files": _("“%(name)s” is empty.") % {"name": name}})
        kind = sniff(f)
        if kind is None:
            raise ValidationError(
                {"files": _("The file %(name)s is not of a type that can be attached (%(allowed)s)")
                 % {"name": name, "allowed": ALLOWED_LABELS}}
            )  # fmt: skip
        kinds.append(kind)
    return kinds


def progress_add(
    *,
    measure: Measure,
    note: str,
    files: Sequence[UploadedFile] = (),
    marks_done: bool = False,
    actor: Actor,
    today: dt.date | None = None,
) -> ProgressUpdate:
    """Add a progress update with its evidence files; ``marks_done`` records the measure as done."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write what was done.")})
    if measure.draft:
        raise ValidationError(_("Keep the suggested measure before recording progress."))
    kinds = _check_files(files)
    saved: list[str | None] = []
    try:
        with transaction.atomic():
            update = ProgressUpdate.objects.create(
                measure=measure,
                note=note,
                marks_done=marks_done,
                author=actor if actor is not None and actor.is_authenticated else None,
            )
            for f, kind in zip(files, kinds, strict=True):
                name = PurePath(f.name or "file").name[:255]
                evidence = Evidence(
                    update=update,
                    original_name=name,
                    size=f.size or 0,  # checked above: never 0
                    content_type=kind.mime,  # what the content is, not what the browser said
                )
                # Stored under the type found (``evidence_path`` keeps only the suffix).
                evidence.file.save(f"file.{kind.extension}", f, save=False)
                saved.append(evidence.file.name)
                evidence.save()
            from_state = measure.status
            if marks_done and measure.done_on is None:
                measure.done_on = today or update.created_at.date()
                measure.save(update_fields=["done_on", "updated_at"])
            event_record(
                actor=actor,
                action=EventKind.MEASURE_PROGRESS,
                organisation_id=measure.assessment.organisation_id,
                obj=measure,
                from_state=from_state,
                to_state=measure.status,
                comment=note,
                data=payloads.ProgressRecorded(
                    update=update.pk, files=[name for name in saved if name]
                ),
            )
    except OSError as exc:
        # A full or read-only media folder: the rows rolled back, the files written go too
        # (the storage leaves no partial file), and the form keeps the note typed.
        remove_files(saved)
        raise ValidationError(
            {
                "files": _(
                    "The files could not be stored: the server's storage is full or read-only. "
                    "Nothing was saved; your note is kept below, try again later"
                )
            }
        ) from exc
    except Exception:
        # The rows rolled back; the files already written must go too.
        remove_files(saved)
        raise
    return update
