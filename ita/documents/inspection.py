"""What a PDF someone hands us holds, read so that no file can exhaust the server.

``/verify/`` is public: anyone may upload a file built to be expensive (a thousand signature
fields, a stream that inflates to gigabytes, pages full of code-like strings). So:

1. ``precheck`` counts, in the raw bytes and before any parser sees them, the objects (those
   packed in object streams too), pages and signature fields; a file over ``LIMITS`` is refused
   naming what is over.
2. ``inspect`` parses it in a child process (``inspection_worker``) limited to ``CPU_SECONDS`` of
   CPU and ``MEMORY`` bytes of address space (poppler, which it starts, inherits both): the text
   of its first page and each signature as pyHanko checks it (at most ``MAX_SIGNATURES``).

The caller limits how many inspections run at once on a machine (``ita.lib.slots``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from dataclasses import dataclass

from django.conf import settings

MAX_PAGES = 500
MAX_OBJECTS = 20_000
MAX_SIGNATURES = 10
CPU_SECONDS = 15
MEMORY = 1024 * 1024 * 1024
WALL_SECONDS = 60
# The first page's text is read for a verification code: a page of text is a few kilobytes, read
# by poppler in a fraction of a second (a page that inflates to gigabytes is stopped).
MAX_TEXT = 20_000
TEXT_CPU_SECONDS = 3

_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_OBJECT_STREAM_COUNT = re.compile(rb"/N\s+(\d+)")
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
_SIGNATURE_FIELD = re.compile(rb"/FT\s*/Sig\b")


@dataclass(frozen=True)
class Refusal:
    """Why a file was not read: ``code`` one of ``not_pdf``, ``objects``, ``pages``,
    ``signatures``, ``budget``; ``count`` and ``limit`` when something was counted."""

    code: str
    count: int = 0
    limit: int = 0


def precheck(pdf: bytes) -> Refusal | None:
    """A refusal when the raw bytes show more than we read; None when the file may be parsed."""
    if not pdf.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return Refusal("not_pdf")
    objects = len(_OBJECT.findall(pdf))
    for match in _OBJECT_STREAM.finditer(pdf):
        # An object stream's dictionary says how many objects it packs (/N): within its bounds.
        start = pdf.rfind(b"<<", 0, match.start())
        end = pdf.find(b">>", match.end())
        found = _OBJECT_STREAM_COUNT.search(pdf, max(start, 0), end if end > 0 else len(pdf))
        objects += int(found.group(1)) if found else 0
    if objects > MAX_OBJECTS:
        return Refusal("objects", objects, MAX_OBJECTS)
    pages = len(_PAGE.findall(pdf))
    if pages > MAX_PAGES:
        return Refusal("pages", pages, MAX_PAGES)
    fields = len(_SIGNATURE_FIELD.findall(pdf))
    if fields > MAX_SIGNATURES:
        return Refusal("signatures", fields, MAX_SIGNATURES)
    return None


@dataclass(frozen=True)
class FoundSignature:
    """One embedded signature as pyHanko reads it, trust aside (the caller knows whom to trust:
    ``certificate`` is the signer's, DER)."""

    field: str
    signer: str
    certificate: bytes
    issuer: str
    self_signed: bool
    signed_at: dt.datetime | None
    intact: bool
    valid: bool
    whole_file: bool
    # The RFC 3161 timestamp on the signature: when, by whom, and whether it verifies.
    timestamp_at: dt.datetime | None = None
    timestamp_authority: str = ""
    timestamp_ok: bool = False


@dataclass(frozen=True)
class Inspection:
    readable: bool
    refusal: Refusal | None = None
    first_page_text: str = ""
    signatures: tuple[FoundSignature, ...] = ()
    validation_data: bool = False  # the file carries a DSS (certificates, revocation data)


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _signature(item: dict) -> FoundSignature:
    return FoundSignature(
        field=item["field"],
        signer=item["signer"],
        certificate=bytes.fromhex(item["certificate"]),
        issuer=item["issuer"],
        self_signed=item["self_signed"],
        signed_at=_moment(item["signed_at"]),
        intact=item["intact"],
        valid=item["valid"],
        whole_file=item["whole_file"],
        timestamp_at=_moment(item["timestamp_at"]),
        timestamp_authority=item["timestamp_authority"],
        timestamp_ok=item["timestamp_ok"],
    )


def inspect(pdf: bytes, *, cpu_seconds: int = CPU_SECONDS, memory: int = MEMORY) -> Inspection:
    """``pdf`` read within the limits: its first page's text and its signatures."""
    refusal = precheck(pdf)
    if refusal is not None:
        return Inspection(readable=refusal.code != "not_pdf", refusal=refusal)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ita.documents.inspection_worker", str(cpu_seconds)]
            + [str(memory), str(MAX_SIGNATURES), str(MAX_TEXT), str(TEXT_CPU_SECONDS)],
            input=pdf,
            capture_output=True,
            timeout=WALL_SECONDS,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Inspection(readable=True, refusal=Refusal("budget"))
    if result.returncode == 3:
        count = int(result.stdout or 0)
        return Inspection(readable=True, refusal=Refusal("signatures", count, MAX_SIGNATURES))
    if result.returncode == 2:
        return Inspection(readable=False)
    if result.returncode != 0:
        return Inspection(readable=True, refusal=Refusal("budget"))
    found = json.loads(result.stdout)
    return Inspection(
        readable=True,
        first_page_text=found["text"],
        signatures=tuple(_signature(s) for s in found["signatures"]),
        validation_data=found["dss"],
    )
