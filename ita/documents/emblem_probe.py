"""Draws an uploaded emblem once, alone, as a memo's head draws it: run in a child process.

    python -m ita.documents.emblem_probe MIME_TYPE CPU_SECONDS MEMORY_BYTES < emblem

``ita.documents.emblem`` runs it before an emblem is kept: an image that takes minutes or
gigabytes to draw (an SVG of nested ``<use>``) would otherwise stop every PDF of its
organisation. The process limits its own CPU time and address space first, then imports
WeasyPrint (not Django) and draws. Exit status 0: drawn without an error.
"""

from __future__ import annotations

import logging
import resource
import sys

PAGE = (
    "<!doctype html><style>@page { size: A4; margin: 2cm }"
    " img { height: 1.5cm; width: auto; max-width: 3cm }</style>"
    '<img src="memory:emblem" alt="">'
)


class _Errors(logging.Handler):
    """WeasyPrint logs an image it cannot draw and goes on without it: that is a failure here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


def draw(data: bytes, mime_type: str) -> list[str]:
    """Draw the emblem on a page; the errors WeasyPrint logged."""
    # Imported once the limits hold (main), so that WeasyPrint's own start is inside them too.
    from weasyprint import HTML  # noqa: PLC0415
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class EmblemOnly(URLFetcher):
        """Serves the emblem and nothing else (an SVG's references were refused before)."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url != "memory:emblem":
                raise ValueError(f"refused: {url[:200]}")
            return URLFetcherResponse(url, data, {"Content-Type": mime_type})

    errors = _Errors()
    logging.getLogger("weasyprint").addHandler(errors)
    HTML(string=PAGE, url_fetcher=EmblemOnly(allowed_protocols={"memory"})).write_pdf()
    return errors.seen


def main() -> int:
    mime_type, cpu_seconds, memory = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    errors = draw(sys.stdin.buffer.read(), mime_type)
    if errors:
        sys.stderr.write("\n".join(errors)[:2000])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
