"""A PDF read back by the engines of the readers people use, as copy-paste and search read it.

- poppler (Evince, Okular): ``pdftotext -raw`` (content order) from Debian's poppler-utils;
- PDFium (Chrome, Edge): ``pypdfium2``, the text of each page's character range, and its search;
- pdf.js (Firefox and many web viewers): ``tools/pdfjs/text.mjs`` run with node (``make pdfjs``);
- MuPDF (SumatraPDF, many phone readers): ``mutool draw -F txt`` from Debian's mupdf-tools;
- pdfminer.six, which many Python tools read PDFs with.

Every one of them is installed by ``make install`` (``.ci/system-deps`` and ``make pdfjs``).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2
from pdfminer.high_level import extract_text

from tests.pdf import extract

PDFJS = Path(__file__).resolve().parents[1] / "tools" / "pdfjs" / "text.mjs"


def _with_file(pdf: bytes, command: list[str]) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        Path(file.name).write_bytes(pdf)
        return subprocess.run(
            [part.replace("{}", file.name) for part in command],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def poppler(pdf: bytes) -> str:
    return extract.pdftotext(pdf, "-raw")


def pdfium(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\f".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def pdfium_search(pdf: bytes, word: str) -> int:
    """How many times PDFium's search (Chrome's Ctrl+F) finds ``word``."""
    document = pypdfium2.PdfDocument(pdf)
    found = 0
    try:
        for page in document:
            search = page.get_textpage().search(word)
            while search.get_next():
                found += 1
    finally:
        document.close()
    return found


def pdfjs(pdf: bytes) -> str:
    return _with_file(pdf, ["node", str(PDFJS), "{}"])


def mupdf(pdf: bytes) -> str:
    return _with_file(pdf, ["mutool", "draw", "-q", "-F", "txt", "{}"])


def pdfminer(pdf: bytes) -> str:
    return extract_text(io.BytesIO(pdf))


ENGINES: dict[str, Callable[[bytes], str]] = {
    "poppler": poppler,
    "PDFium": pdfium,
    "pdf.js": pdfjs,
    "MuPDF": mupdf,
    "pdfminer.six": pdfminer,
}


def joined(text: str) -> str:
    """Lines joined as a reader's search joins them (a line may break inside a Thai word)."""
    return text.replace("\r", "").replace("\n", "").replace("\f", "")
