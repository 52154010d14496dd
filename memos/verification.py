"""``/verify/``: what a printed code or a PDF file is, for anyone who holds one (no login).

Only what the paper already shows its holder is said: the memo's number, date, organisation and
subject, who signed each step and when, and the decision. Never the body, the comments, the
attachments or anything of a draft that was never sent. Whether a file is the one decided is a
byte-for-byte comparison (SHA-256) with the stored file; its signatures are checked with pyHanko
against the certificate the stored file was signed with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ita.documents import inspection, signing
from ita.lib import slots
from memos import archive, documents
from memos.models import Memo, MemoArchive, SignOff, State

logger = logging.getLogger(__name__)

CODE = re.compile(r"\b([23456789A-HJKMNP-Z]{5})-?([23456789A-HJKMNP-Z]{5})\b")


def normalise_code(text: str) -> str:
    """``abcde fghjk`` / ``ABCDEFGHJK`` → ``ABCDE-FGHJK``; "" when it is not a code."""
    match = CODE.search(re.sub(r"[\s\-]+", "", text.upper())[:10].ljust(10))
    return f"{match.group(1)}-{match.group(2)}" if match else ""


@dataclass(frozen=True)
class Step:
    heading: str
    decision: str
    name: str
    position: str
    acting: str
    signed_at: dt.datetime


@dataclass(frozen=True)
class Finding:
    """A memo as ``/verify/`` describes it (``sent`` False: a draft, nothing else is said)."""

    code: str
    sent: bool
    number: str = ""
    date: dt.date | None = None
    organisation: str = ""
    subject: str = ""
    state: str = ""
    decided: bool = False
    withdrawn: bool = False
    author: str = ""
    author_position: str = ""
    steps: tuple[Step, ...] = ()
    changed_after_signing: bool = False
    archive: MemoArchive | None = None
    archive_intact: bool | None = None  # the stored file still has its recorded SHA-256

    @property
    def archive_test_only(self) -> bool:
        return self.archive is not None and signing.TEST_ONLY in self.archive.signer


def _memo(code: str) -> Memo | None:
    return Memo.objects.select_related("organisation").filter(verify_code=code).first()


def finding(memo: Memo) -> Finding:
    if memo.round == 0 and memo.register_number is None:
        return Finding(code=memo.verify_code, sent=False)
    signoffs = [s for s in memo.signoffs.all() if s.round == memo.round]
    for s in signoffs:
        s.memo = memo
    stored = archive.archive_of(memo) if memo.state == State.DECIDED else None
    intact = None
    if stored is not None:
        try:
            archive.stored_bytes(stored)
            intact = True
        except archive.ArchiveError:
            intact = False
    acting = documents.ACTING
    return Finding(
        code=memo.verify_code,
        sent=True,
        number=memo.number_display,
        date=memo.date,
        organisation=memo.organisation.name,
        subject=memo.subject,
        state=memo.get_state_display(),
        decided=memo.state == State.DECIDED,
        withdrawn=memo.state == State.WITHDRAWN,
        author=memo.signature_name,
        author_position=memo.signature_position,
        steps=tuple(
            Step(
                heading=s.heading,
                decision=s.printed_decision or s.get_decision_display(),
                name=s.signer_name,
                position=s.signer_position,
                acting=f"{acting}{s.acting_for}" if s.acting_for else "",
                signed_at=timezone.localtime(s.signed_at),
            )
            for s in sorted(signoffs, key=_step_order)
        ),
        changed_after_signing=documents.changed_after_signing(memo, signoffs),
        archive=stored,
        archive_intact=intact,
    )


def _step_order(signoff: SignOff) -> tuple[dt.datetime, int]:
    return (signoff.signed_at, signoff.pk)


def by_code(text: str) -> Finding | None:
    code = normalise_code(text)
    memo = _memo(code) if code else None
    return finding(memo) if memo is not None else None


@dataclass(frozen=True)
class SignatureFinding:
    """One signature in an uploaded file, as ``/verify/`` words it: who signed, who vouches for
    the signer's certificate, when, and whether a timestamp proves when."""

    found: inspection.FoundSignature
    trusted: bool  # made with the certificate the stored file of this memo was signed with

    @property
    def signer(self) -> str:
        return self.found.signer

    @property
    def test_only(self) -> bool:
        return signing.TEST_ONLY in self.found.signer

    @property
    def self_signed(self) -> bool:
        return self.found.self_signed

    @property
    def vouched(self) -> bool:
        """A certificate someone else issued (not self-signed, not a test one)."""
        return not self.self_signed and not self.test_only

    @property
    def intact(self) -> bool:
        return self.found.intact and self.found.valid

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and self.found.whole_file


@dataclass(frozen=True)
class FileFinding:
    readable: bool  # a PDF we could read within the limits
    sha256: str
    memo: Finding | None = None
    same_as_decided: bool = False  # byte for byte the stored file of a decided memo
    signatures: tuple[SignatureFinding, ...] = field(default_factory=tuple)
    refusal: inspection.Refusal | None = None
    validation_data: bool = False


class Busy(Exception):
    """Every slot for checking files on this machine is taken."""


# How many codes of a file's first page are looked up (in one query).
MAX_CODES = 50


def _memo_by_codes(text: str) -> Memo | None:
    """The memo of the first code on the page that is one: one query, whatever the page holds."""
    codes = list(dict.fromkeys(normalise_code(m.group(0)) for m in CODE.finditer(text)))
    codes = [c for c in codes if c][:MAX_CODES]
    if not codes:
        return None
    found = {
        m.verify_code: m
        for m in Memo.objects.select_related("organisation").filter(verify_code__in=codes)
    }
    return next((found[c] for c in codes if c in found), None)


def by_file(pdf: bytes) -> FileFinding:
    """What an uploaded PDF is: which memo, whether it is the decided file, its signatures.

    The file is counted before it is parsed and parsed in a child process within a budget
    (``ita.documents.inspection``), at most ``VERIFY_SLOTS`` at once on a machine (``Busy``
    when none frees within ``VERIFY_WAIT``).
    """
    digest = hashlib.sha256(pdf).hexdigest()
    stored = (
        MemoArchive.objects.select_related("memo", "memo__organisation")
        .filter(sha256=digest)
        .first()
    )
    try:
        with slots.slot(
            Path(settings.RENDER_LOCK_DIR) / "verify",
            settings.VERIFY_SLOTS,
            wait=settings.VERIFY_WAIT,
        ):
            read = inspection.inspect(pdf)
    except slots.Busy:
        raise Busy from None
    if not read.readable or read.refusal is not None:
        return FileFinding(readable=read.readable, sha256=digest, refusal=read.refusal)
    memo = stored.memo if stored is not None else _memo_by_codes(read.first_page_text)
    known = stored if stored is not None else (archive.archive_of(memo) if memo else None)
    certificate = bytes(known.certificate) if known is not None and known.signed else b""
    return FileFinding(
        readable=True,
        sha256=digest,
        memo=finding(memo) if memo is not None else None,
        same_as_decided=stored is not None,
        signatures=tuple(
            SignatureFinding(s, trusted=bool(certificate) and s.certificate == certificate)
            for s in read.signatures
        ),
        validation_data=read.validation_data,
    )
