"""HTML → PDF with WeasyPrint: our fonts only, nothing fetched from outside, a true text layer."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
    document = HTML(string=html, base_url=static_dir().as_uri() + "/", url_fetcher=fetcher).render()
    finisher = TextLayerFixer(font_registry()) if fix_text_layer else None
    options = {"pdf_variant": variant, "pdf_tags": True} if variant else {}
    pdf = document.write_pdf(finisher=finisher, **options)
    return RenderResult(pdf=pdf, pages=len(document.pages), refused=refused)


def render(html: str, *, resources: dict[str, Resource] | None = None) -> bytes:
    """HTML → PDF bytes, with the locked-down fetcher and the text-layer fix."""
    return render_document(html, resources=resources).pdf
