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
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from ita.documents import signing
from memos import archive, documents
from memos.models import Memo, MemoArchive, SignOff, State

logger = logging.getLogger(__name__)

CODE = re.compile(r"\b([23456789A-HJKMNP-Z]{5})-?([23456789A-HJKMNP-Z]{5})\b")
# Reading a file's first page must not hold a request for long.
TEXT_TIMEOUT_SECONDS = 10


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
class FileFinding:
    readable: bool  # a PDF pyHanko can read
    sha256: str
    memo: Finding | None = None
    same_as_decided: bool = False  # byte for byte the stored file of a decided memo
    signatures: tuple[signing.SignatureCheck, ...] = field(default_factory=tuple)

    @property
    def signatures_ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def _first_page_text(pdf: bytes) -> str:
    """The first page's text (poppler), or "" when it cannot be read in time."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        Path(file.name).write_bytes(pdf)
        try:
            return subprocess.run(
                ["pdftotext", "-f", "1", "-l", "1", "-q", file.name, "-"],
                check=False,
                capture_output=True,
                text=True,
                timeout=TEXT_TIMEOUT_SECONDS,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""


def by_file(pdf: bytes) -> FileFinding:
    """What an uploaded PDF is: which memo, whether it is the decided file, its signatures."""
    digest = hashlib.sha256(pdf).hexdigest()
    stored = (
        MemoArchive.objects.select_related("memo", "memo__organisation")
        .filter(sha256=digest)
        .first()
    )
    memo = stored.memo if stored is not None else None
    if memo is None and pdf.startswith(b"%PDF"):
        codes = [normalise_code(m.group(0)) for m in CODE.finditer(_first_page_text(pdf))]
        memo = next((m for m in (_memo(c) for c in codes) if m is not None), None)
    roots: list[bytes] = []
    if memo is not None:
        known = stored or archive.archive_of(memo)
        if known is not None and known.signed:
            roots.append(bytes(known.certificate))
    try:
        checks = tuple(signing.check_signatures(pdf, roots))
    except ValueError:
        return FileFinding(readable=False, sha256=digest)
    return FileFinding(
        readable=True,
        sha256=digest,
        memo=finding(memo) if memo is not None else None,
        same_as_decided=stored is not None,
        signatures=checks,
    )
