"""HTML → PDF with WeasyPrint: our fonts only, nothing fetched from outside, a true text layer."""

from __future__ import annotations

import logging
import mimetypes
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings

from ita.documents.textlayer import FontRegistry, TextLayerFixer

logger = logging.getLogger(__name__)

# In-memory resources (an uploaded emblem) are named memory:<name> in the HTML.
MEMORY_SCHEME = "memory"


def fonts_subset_without_a_clock() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz. Without HarfBuzz's subsetter (Debian's
    libharfbuzz-subset0) it falls back to fontTools, which writes the current time into every
    embedded font: the same memo would no longer render to the same bytes."""
    from weasyprint.text import ffi  # noqa: PLC0415 (see _make_fetcher)

    return ffi.harfbuzz_subset is not None


def static_dir() -> Path:
    """The project's own static files: fonts and the documents' stylesheet live here."""
    return Path(settings.BASE_DIR, "static").resolve()


def fonts_dir() -> Path:
    return static_dir() / "fonts"


@cache
def font_registry() -> FontRegistry:
    """The shipped fonts, read once per process (their tables are cached with them)."""
    return FontRegistry(sorted(fonts_dir().glob("*.ttf")))


# The Thai faces, and the face every character they lack is drawn from: GNU Unifont (the whole
# Basic Multilingual Plane; static/fonts/README.md). It is loaded only by a document that needs
# it (a 10 MB face costs a render time to load), so the stylesheet names it and the engine adds
# its @font-face when the text holds a character the Thai faces lack.
THAI_FACES = ("Laksaman.ttf", "Laksaman-Bold.ttf")
FALLBACK_FACE = "Unifont.ttf"
FALLBACK_RULE = (
    f'<style>@font-face {{ font-family: "ITA Fallback"; src: url(fonts/{FALLBACK_FACE}); }}</style>'
)
# Printed as itself by no face we ship (outside the fallback too: emoji, historic scripts): it
# prints as U+FFFD, which every face-less reader reads, never as .notdef (PDF/A forbids it).
UNPRINTABLE = "\ufffd"


def _cmap(name: str) -> frozenset[str]:
    from fontTools.ttLib import TTFont  # noqa: PLC0415 (fontTools is WeasyPrint's; see below)

    return frozenset(chr(c) for c in TTFont(fonts_dir() / name, lazy=True).getBestCmap())


@cache
def _coverage() -> tuple[frozenset[str], frozenset[str]]:
    """The characters the Thai faces draw (both), and those the fallback draws."""
    thai = frozenset.intersection(*(_cmap(name) for name in THAI_FACES))
    return thai, _cmap(FALLBACK_FACE)


def _drawable(char: str) -> bool:
    """Characters that print nothing, needing no face: controls, joiners, format marks."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def printable(text: str) -> str:
    """``text`` with each character that no face of ours has (emoji, historic scripts) as
    U+FFFD."""
    thai, fallback = _coverage()
    for char in {c for c in set(text) - thai - fallback if not _drawable(c)}:
        text = text.replace(char, UNPRINTABLE)
    return text


def with_fallback(html: str) -> str:
    """``html`` as our faces can print it: the fallback face added when a character needs it,
    and a character that no face of ours has printed as U+FFFD."""
    thai, _fallback = _coverage()
    if not any(c not in thai and not _drawable(c) for c in set(html)):
        return html
    html = printable(html)
    head = html.find("</head>")
    if head < 0:
        return FALLBACK_RULE + html
    return html[:head] + FALLBACK_RULE + html[head:]


@dataclass(frozen=True)
class Resource:
    """A file handed to the renderer from memory (never from a path or URL the user chose)."""

    data: bytes
    mime_type: str


class RefusedURL(ValueError):
    """A document asked for something outside what it may read."""


def _make_fetcher(resources: dict[str, Resource], refused: list[str]):
    # Imported here, not to dodge a cycle: WeasyPrint's import (Pango, fonts, about 0.4 s) is
    # paid by the first render only, not by every process that never prints.
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    root = static_dir()

    class LockedFetcher(URLFetcher):
        """Serves files under the static directory and the given resources; refuses the rest.

        No network, no file outside static/ (a path is resolved first, so ``..`` and symlinks
        cannot leave it), no ``data:`` URLs (user text is escaped, but a template slip must
        not become a way in).
        """

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme == MEMORY_SCHEME and parts.path in resources:
                resource = resources[parts.path]
                return URLFetcherResponse(url, resource.data, {"Content-Type": resource.mime_type})
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            refused.append(url)
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise RefusedURL(f"refused: {url[:200]}")

    return LockedFetcher(allowed_protocols={"file", MEMORY_SCHEME})


def unfiltered_metadata(pdf: pydyf.PDF) -> None:
    """The catalogue's XMP packet is written as it is, not compressed: a PDF/A validator
    (page's METADATA-FILTER rule) refuses a Filter on it, and a tool that scans a file for its
    XMP packet finds it. WeasyPrint compresses every stream; the packet is a few kilobytes."""
    reference = pdf.catalog.get("Metadata")  # b"12 0 R", as WeasyPrint writes it
    if not isinstance(reference, bytes):
        return
    metadata = pdf.objects[int(reference.split()[0])]
    if isinstance(metadata, pydyf.Stream):
        metadata.compress = False


# The document of record is archival: PDF/A-3b (fonts embedded, an sRGB output intent, XMP
# metadata), tagged for screen readers where WeasyPrint tags (headings, paragraphs, tables).
ARCHIVAL = "pdf/a-3b"


@dataclass
class RenderResult:
    pdf: bytes
    pages: int
    refused: list[str] = field(default_factory=list)


def render_document(
    html: str,
    *,
    resources: dict[str, Resource] | None = None,
    fix_text_layer: bool = True,
    variant: str | None = ARCHIVAL,
) -> RenderResult:
    """Lay out ``html`` (relative URLs resolve inside static/) and return the PDF.

    ``resources`` are served as ``memory:<name>``; everything else outside static/ is refused
    and listed in ``refused``. The metadata (title, author, subject, keywords, dates) come from
    the HTML's ``<title>`` and ``<meta>`` elements; ``variant=None`` writes a plain PDF.
    """
    from weasyprint import HTML  # noqa: PLC0415 (see _make_fetcher)

    refused: list[str] = []
    fetcher = _make_fetcher(resources or {}, refused)
    html = with_fallback(html)
    document = HTML(string=html, base_url=static_dir().as_uri() + "/", url_fetcher=fetcher).render()
    fixer = TextLayerFixer(font_registry()) if fix_text_layer else None

    def finisher(doc: object, pdf: pydyf.PDF) -> None:
        if fixer is not None:
            fixer(doc, pdf)
        unfiltered_metadata(pdf)

    options = {"pdf_variant": variant, "pdf_tags": True} if variant else {}
    pdf = document.write_pdf(finisher=finisher, **options)
    return RenderResult(pdf=pdf, pages=len(document.pages), refused=refused)


def render(html: str, *, resources: dict[str, Resource] | None = None) -> bytes:
    """HTML → PDF bytes, with the locked-down fetcher and the text-layer fix."""
    return render_document(html, resources=resources).pdf
