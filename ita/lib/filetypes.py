"""What a file is, read from its content (never its name): the allow-list of memo attachments.

PDF; Word, Excel and PowerPoint (OOXML, checked as a zip holding the parts of its kind and no
macros, and the older OLE2 format); OpenDocument text, spreadsheet and presentation; PNG, JPEG,
GIF and WebP pictures. Anything else (programs, web pages, scripts, plain archives) is refused,
and so is an office document (a zip) that carries a program or a script among its parts, whatever
the part is called (its first bytes are read, as the file's are).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    mime: str
    extension: str


PDF = FileType("pdf", "PDF", "application/pdf", "pdf")
PNG = FileType("png", "PNG", "image/png", "png")
JPEG = FileType("jpeg", "JPEG", "image/jpeg", "jpg")
GIF = FileType("gif", "GIF", "image/gif", "gif")
WEBP = FileType("webp", "WebP", "image/webp", "webp")
OLE = FileType("ole", "Word/Excel/PowerPoint 97–2003", "application/octet-stream", "bin")
DOCX = FileType(
    "docx",
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLSX = FileType(
    "xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
)
PPTX = FileType(
    "pptx",
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
)
ODT = FileType("odt", "OpenDocument", "application/vnd.oasis.opendocument.text", "odt")
ODS = FileType("ods", "OpenDocument", "application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = FileType("odp", "OpenDocument", "application/vnd.oasis.opendocument.presentation", "odp")

# Shown in the browser when served (everything else is a download).
INLINE = frozenset({PDF, PNG, JPEG, GIF, WEBP})
ALLOWED_LABELS = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP"
_OOXML = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ODF = {t.mime: t for t in (ODT, ODS, ODP)}
# Zips whose directory is larger than this are not office documents we take.
_MAX_ZIP_ENTRIES = 5000
# Parts of an office document that are programs or scripts, by name ...
_PROGRAM_SUFFIXES = (
    ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js",
    ".jse", ".wsf", ".wsh", ".hta", ".jar", ".sh", ".lnk", ".cpl", ".pif", ".reg", ".elf",
)  # fmt: skip
# ... or by their first bytes (Windows and DOS programs, ELF, Mach-O, scripts with #!, Java).
_PROGRAM_HEADS = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"#!",
    b"\xca\xfe\xba\xbe",
)  # fmt: skip


def sniff(stream: Readable) -> FileType | None:
    """The allowed type the content is, or None. Reads from the start; leaves the stream there."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        try:
            return _zip_type(stream)
        finally:
            stream.seek(0)
    return None


def _zip_type(stream: Readable) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return None
            names = {i.filename for i in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # macros
            if _holds_program(archive, infos):
                return None
            if "[Content_Types].xml" in names:
                return next((t for part, t in _OOXML.items() if part in names), None)
            if "mimetype" in names:
                mime = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return _ODF.get(mime)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return None


def _holds_program(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bool:
    """A part named as a program or script, or one whose first bytes are a program's (a few
    bytes of each are inflated, never the whole part)."""
    for info in infos:
        if info.is_dir():
            continue
        if info.filename.lower().rstrip(". ").endswith(_PROGRAM_SUFFIXES):
            return True
        with archive.open(info) as part:
            head = part.read(4)
        if head.startswith(_PROGRAM_HEADS):
            return True
    return False


def served_as(stream: Readable) -> tuple[str, bool]:
    """How a stored file is served: the type its content is (``application/octet-stream`` when
    it is none of the allowed ones, whatever was recorded when it was uploaded), and whether it
    may be shown inline (a picture or a PDF) rather than downloaded."""
    kind = sniff(stream)
    if kind is None:
        return "application/octet-stream", False
    return kind.mime, kind in INLINE
