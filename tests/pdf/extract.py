"""Reading a PDF back as a user's tools do (poppler's pdftotext, pdffonts), and scoring it (tests
only: the verification page reads a PDF's first page itself, ``memos.verification``)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ita.documents.data import MemoDoc, ReportDoc
from ita.lib.thai import thai_digits

_THAI = re.compile(r"[\u0e01-\u0e5b]")


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        Path(file.name).write_bytes(pdf)
        return subprocess.run(
            [tool, *args, file.name, "-"] if tool == "pdftotext" else [tool, *args, file.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdftotext(pdf: bytes, *args: str) -> str:
    return _run("pdftotext", pdf, *args)


def pdffonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name, type, encoding, emb, sub, uni for each font."""
    lines = _run("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type… encoding emb sub uni object-id generation
        fonts.append(
            {
                "name": parts[0],
                "type": " ".join(parts[1:-6]),
                "encoding": parts[-6],
                "emb": parts[-5],
                "sub": parts[-4],
                "uni": parts[-3],
            }
        )
    return fonts


def thai_words(texts: Iterable[str]) -> list[str]:
    """The words typed (runs between spaces) that hold Thai letters."""
    return [w for text in texts for w in text.split() if _THAI.search(w)]


@dataclass(frozen=True)
class WordShare:
    exact: int
    total: int
    missing: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.exact / self.total if self.total else 1.0


def word_share(words: Iterable[str], extracted: str) -> WordShare:
    """How many typed words come back exactly (lines joined: a line may break inside a word)."""
    joined = extracted.replace("\r", "").replace("\n", "").replace("\f", "")
    words = list(words)
    missing = tuple(w for w in words if w not in joined)
    return WordShare(len(words) - len(missing), len(words), missing)


def document_texts(memo: MemoDoc | None = None, report: ReportDoc | None = None) -> list[str]:
    """The user-typed and database texts a memo (and its report) prints, as printed."""
    texts: list[str] = []
    if memo is not None:
        texts += [memo.unit, memo.number, memo.subject, memo.addressee, *memo.body_paragraphs]
        for block in (memo.author, *memo.steps):
            texts += [block.heading, block.name, block.position, block.acting, block.comment]
    if report is not None:
        texts += [report.organisation, report.author_name, report.author_position]
        for section in report.tools:
            texts += [i.name for i in section.indicators] + list(section.findings)
        for m in report.measures:
            texts += [m.title, m.lead, *m.steps, m.responsible, m.period, m.follow_up]
        for row in report.annex:
            texts += [row.name, row.district]
    return [thai_digits(t) for t in texts if t]


def pdfinfo_pages(pdf: bytes) -> int:
    info = _run("pdfinfo", pdf)
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if match is None:
        raise ValueError(f"pdfinfo printed no page count: {info!r}")
    return int(match.group(1))


def pdfimages_count(pdf: bytes) -> int:
    """How many images the PDF draws (pdfimages -list)."""
    return len(_run("pdfimages", pdf, "-list").splitlines()[2:])
