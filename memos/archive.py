"""The decided memo as a document of record: rendered once, signed, stored, served as those bytes.

- ``memo_archive(memo_id)``: at the decision (a task, ``memos.tasks.memo_archive_task``), the memo
  is rendered, signed with the organisation's certificate when it has one
  (``memos.signing``; PAdES, an incremental update), written to storage and read back, and only
  then recorded (``MemoArchive``: the file, its SHA-256, the signer's certificate) with a history
  row. Plain and idempotent: a memo already archived is left as it is, a retry after a failure
  starts again, and a file whose row was never written is never served.
- ``memo_pdf_bytes(memo)``: the bytes every download serves (the memo page, ``render_memo``, the
  public reports): the stored file once decided (archived on the spot if the task has not run
  yet), otherwise a render cached by the hash of the document it prints, so repeated downloads
  of one version render once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from pyhanko.sign.timestamps import TimestampRequestError

from ita.documents import render, signing
from ita.history.models import EventKind
from ita.history.services import event_record
from memos import documents
from memos.models import Memo, MemoArchive, SigningCertificate, SignOff, State
from memos.signing import credentials_of

logger = logging.getLogger(__name__)

# A render is kept a day in the cache; a new version of the document has a new key anyway.
CACHE_SECONDS = 24 * 3600


class ArchiveError(RuntimeError):
    """The stored file is missing or no longer matches its recorded SHA-256."""


def _load(memo_id: int) -> Memo | None:
    return (
        Memo.objects.select_related("organisation", "author", "report_year")
        .filter(pk=memo_id)
        .first()
    )


class SigningDelayed(RuntimeError):
    """The timestamp authority did not answer: the memo is stored signed once it does (the
    archiving task retries with back-off; a download asks to try again)."""


def timestamp_authority() -> signing.TimestampAuthority | None:
    """The configured RFC 3161 authority (``TIMESTAMP_URL``), or None: signatures are B-B."""
    if not settings.TIMESTAMP_URL:
        return None
    roots: tuple[bytes, ...] = ()
    if settings.TIMESTAMP_ROOTS:
        pem = Path(settings.TIMESTAMP_ROOTS).read_bytes()
        roots = tuple(
            c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(pem)
        )
    return signing.TimestampAuthority(
        settings.TIMESTAMP_URL, roots, fetch=settings.TIMESTAMP_FETCH_REVOCATION
    )


def _sign(memo: Memo, pdf: bytes) -> tuple[bytes, bytes, str, str]:
    """``pdf`` signed with the organisation's certificate, with that certificate (DER), its
    subject and the signature's PAdES level; the PDF unchanged and no certificate when the
    organisation has none valid today."""
    row = SigningCertificate.objects.filter(organisation=memo.organisation).first()
    if row is None or not (row.not_before <= timezone.now() <= row.not_after):
        return pdf, b"", "", ""
    credentials = credentials_of(memo.organisation)
    if credentials is None:
        logger.error("memo %s: the signing key of %s cannot be opened", memo.pk, memo.organisation)
        return pdf, b"", "", ""
    try:
        signed = signing.sign_document(
            pdf,
            credentials,
            reason=f"บันทึกข้อความ ที่ {memo.number_display} รหัสตรวจสอบ {memo.verify_code}",
            location=memo.organisation.name,
            authority=timestamp_authority(),
        )
    except TimestampRequestError as error:
        raise SigningDelayed(f"memo {memo.pk}: no timestamp: {error}") from error
    return signed.pdf, credentials.der(), credentials.subject, signed.level


def memo_archive(memo_id: int) -> MemoArchive | None:
    """Render, sign and store the decided memo ``memo_id``; None for a memo not decided.

    Safe to run again (and to run twice at once): the first stored row wins, a second run
    returns it, and a file written by a run that lost is removed.
    """
    existing = MemoArchive.objects.filter(memo_id=memo_id).first()
    if existing is not None:
        return existing
    memo = _load(memo_id)
    if memo is None or memo.state != State.DECIDED:
        return None
    pdf, certificate, signer, level = _sign(memo, documents.memo_pdf(memo))
    digest = hashlib.sha256(pdf).hexdigest()
    archive = MemoArchive(
        memo=memo,
        sha256=digest,
        size=len(pdf),
        content_hash=memo.content_hash(),
        certificate=certificate,
        signer=signer[:300],
        signature_level=level,
    )
    # The whole PDF is in memory before storage sees it; read back and compared before the row
    # that serves it is written: a file cut short by a crash is never served.
    archive.file.save(f"memo-{digest}.pdf", ContentFile(pdf), save=False)
    try:
        with archive.file.storage.open(archive.file.name or "", "rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() != digest:
                raise ArchiveError(f"memo {memo_id}: the stored file differs from the render")
        with transaction.atomic():
            archive.save()
            event_record(
                actor=None,
                action=EventKind.MEMO_ARCHIVE,
                organisation_id=memo.organisation_id,
                obj=memo,
                data={"sha256": digest, "size": len(pdf), "signed_by": signer, "level": level},
            )
    except IntegrityError:
        archive.file.delete(save=False)  # another run stored it first: theirs stands
        return MemoArchive.objects.get(memo_id=memo_id)
    except Exception:
        archive.file.delete(save=False)
        raise
    return archive


def stored_bytes(archive: MemoArchive) -> bytes:
    """The archived file, checked against its recorded SHA-256 (``ArchiveError`` if not)."""
    try:
        with archive.file.storage.open(archive.file.name or "", "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise ArchiveError(f"memo {archive.memo_id}: the archived file is missing") from None
    if hashlib.sha256(data).hexdigest() != archive.sha256:
        raise ArchiveError(f"memo {archive.memo_id}: the archived file was changed")
    return data


def document_key(memo: Memo) -> str:
    """The cache key of the memo's document: the SHA-256 of the HTML a render prints (as
    ``documents.memo_pdf`` builds it) and of its emblem, so any change of data or template is
    a new version."""
    doc = documents.memo_doc(memo)
    if memo.report_sent and memo.state not in Memo.EDITABLE_STATES:
        html = render.memo_html(doc, report_part=memo.report_sent)
    elif memo.implementation_id is not None:
        html = render.memo_html(doc, report_part=documents.memo_implementation_part(memo))
    else:
        html = render.memo_html(doc, documents.memo_report(memo))
    digest = hashlib.sha256(html.encode())
    if doc.emblem is not None:
        digest.update(doc.emblem.data)
    return f"memo-pdf:{digest.hexdigest()}"


def ready_pdf(memo: Memo) -> bytes | None:
    """The memo's PDF when it needs no render: the stored file of a decided memo, or the
    cached render of this version of an undecided one; None otherwise.

    ``memo`` with ``organisation`` and ``report_year`` loaded. Raises ``ArchiveError`` when the
    stored file of a decided memo is missing or changed (it is never replaced silently)."""
    if memo.state == State.DECIDED:
        archive = archive_of(memo)
        if archive is not None:
            return stored_bytes(archive)
        return None
    pdf = cache.get(document_key(memo))
    return pdf if isinstance(pdf, bytes) else None


def make_pdf(memo: Memo) -> bytes:
    """Render the memo's PDF now: a decided memo's document of record is made and stored,
    another memo's render is cached for its version."""
    if memo.state == State.DECIDED:
        archive = archive_of(memo) or memo_archive(memo.pk)
        if archive is not None:
            return stored_bytes(archive)
    # Rendered as every render is (``memos.documents.memo_pdf``): nothing here to keep in step
    # with how the document is made.
    pdf = documents.memo_pdf(memo)
    cache.set(document_key(memo), pdf, CACHE_SECONDS)
    return pdf


def memo_pdf_bytes(
    memo: Memo,
    *,
    rendering: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
) -> bytes:
    """The bytes to serve for the memo's PDF: stored if decided, a cached render otherwise,
    rendered now when neither is there (``rendering`` is entered around a render only)."""
    pdf = ready_pdf(memo)
    if pdf is None:
        with rendering():
            pdf = make_pdf(memo)
    return pdf


def archive_of(memo: Memo) -> MemoArchive | None:
    return MemoArchive.objects.filter(memo=memo).first()


@dataclass(frozen=True)
class Record:
    """What the memo page says about the document of record (two queries)."""

    verify_code: str
    changed_after_signing: bool
    decided: bool
    archive: MemoArchive | None
    has_certificate: bool
    certificate_is_test: bool
    timestamp_authority: bool  # a TIMESTAMP_URL is configured: signatures will be B-T


def record_of(memo: Memo, signoffs: list[SignOff] | None = None) -> Record:
    certificate = SigningCertificate.objects.filter(organisation=memo.organisation_id).first()
    return Record(
        verify_code=memo.verify_code,
        changed_after_signing=documents.changed_after_signing(memo, signoffs),
        decided=memo.state == State.DECIDED,
        archive=archive_of(memo) if memo.state == State.DECIDED else None,
        has_certificate=certificate is not None,
        certificate_is_test=certificate is not None and certificate.self_signed,
        timestamp_authority=bool(settings.TIMESTAMP_URL),
    )
