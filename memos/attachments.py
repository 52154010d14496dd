"""Memo attachments: what may be attached (by content, ``ita.lib.filetypes``), and the check
that a stored file is still the one uploaded (its SHA-256, recorded at upload) before it is
served or printed as signed."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.lib.filetypes import ALLOWED_LABELS, FileType, sniff
from memos.models import Attachment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the name as the user gave it, shown and used on download
    size: int
    sha256: str
    type: FileType


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """The upload's size and type (by content), and its SHA-256; a Thai reason naming the file
    otherwise."""
    name = (upload.name or "file").rsplit("/", 1)[-1].replace("\x00", "")[:200] or "file"
    size = upload.size or 0  # unknown only for a file not uploaded: refused as empty
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": round(size / 1_048_576, 1),
                "limit": settings.MAX_UPLOAD_BYTES // 1_048_576,
            }
        )
    if size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("The file %(name)s is not of a type that can be attached (%(allowed)s)")
            % {"name": name, "allowed": ALLOWED_LABELS}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, size=size, sha256=digest.hexdigest(), type=kind)


def storage_refusal(name: str) -> ValidationError:
    """The storage could not write (full or read-only): say so; nothing was attached."""
    return ValidationError(
        _(
            "The file %(name)s could not be stored: the server's storage is full or "
            "read-only. Nothing was attached; try again later or tell the administrator"
        )
        % {"name": name}
    )


class AttachmentChanged(Exception):
    """The stored file is not the one uploaded (or is gone)."""


def verified_bytes(attachment: Attachment) -> bytes:
    """The stored file, if its SHA-256 is the one recorded when it was uploaded."""
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError) as exc:
        raise AttachmentChanged("missing") from exc
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise AttachmentChanged(hashlib.sha256(data).hexdigest())
    return data


@transaction.atomic(durable=True)
def attachment_mismatch_record(*, attachment: Attachment, found: str, actor: Actor) -> None:
    """A stored file that changed on disk was refused: logged, and in the memo's history."""
    logger.warning(
        "memo attachment changed on disk: memo=%s attachment=%s file=%s expected=%s found=%s",
        attachment.memo_id,
        attachment.pk,
        attachment.file.name,
        attachment.sha256,
        found,
    )
    event_record(
        actor=actor,
        action=EventKind.MEMO_FILE_MISMATCH,
        organisation_id=attachment.memo.organisation_id,
        obj=attachment.memo,
        comment=attachment.name,
        data={"attachment": attachment.pk, "expected": attachment.sha256, "found": found},
    )
