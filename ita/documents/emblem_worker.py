"""Makes an uploaded emblem into the bounded PNG every document prints: run in a child process.

    python -m ita.documents.emblem_worker png|svg CPU_SECONDS MEMORY_BYTES < emblem > emblem.png

``ita.documents.emblem`` runs it once, at upload: an image that takes minutes or gigabytes to
decode or draw is stopped by the limits this process sets on itself before it reads anything
(CPU time and address space; the poppler it starts inherits both). A PNG is decoded, flattened
on white (no transparency, no palette, 8-bit RGB: what PDF/A asks of an image and what every
reader draws alike) and scaled down to fit ``MAX_WIDTH``×``HEIGHT`` pixels. An SVG, already
reduced to drawing elements, is drawn by WeasyPrint as a memo's head draws it, then rasterised
by poppler's ``pdftoppm`` at that size, and made the same kind of PNG. Nothing is ever drawn from
the original file again.

Exit status 0: the PNG on standard output. 2: refused (the reason on standard error, as
``code detail``). Anything else: the limits were reached.
"""

from __future__ import annotations

import io
import logging
import math
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

# 1.5 cm at about 610 dpi: sharp on any printer, a few tens of kilobytes.
HEIGHT = 360
MAX_WIDTH = 720
# What an uploaded PNG may measure before it is decoded.
MAX_PIXELS = 4000


class Refused(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code} {detail}".strip())


def flat_png(image: Image.Image) -> bytes:
    """``image`` on white, 8-bit RGB, at most ``MAX_WIDTH``×``HEIGHT``, as a plain PNG."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    flat.thumbnail((MAX_WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    flat.save(out, "PNG")
    return out.getvalue()


def from_png(data: bytes) -> bytes:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS * MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise Refused("not_png")
            width, height = image.size
            if width > MAX_PIXELS or height > MAX_PIXELS:
                raise Refused("size", f"{width}x{height}")
            image.load()
            return flat_png(image)
    except Refused:
        raise
    except Exception as error:  # any decoder failure is a damaged file
        raise Refused("damaged", str(error)[:200]) from None


class _Errors(logging.Handler):
    """WeasyPrint logs an image it cannot draw and goes on without it: a refusal here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


def from_svg(data: bytes) -> bytes:
    # Imported once the limits hold (main), so that WeasyPrint's own start is inside them too.
    from weasyprint import HTML  # noqa: PLC0415
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class EmblemOnly(URLFetcher):
        """Serves the emblem and nothing else (its references to other files were refused)."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url != "memory:emblem":
                raise ValueError(f"refused: {url[:200]}")
            return URLFetcherResponse(url, data, {"Content-Type": "image/svg+xml"})

    page = (
        f"<!doctype html><html lang='th'><style>@page {{ size: {MAX_WIDTH * 2}px {HEIGHT * 2}px;"
        " margin: 0 } html, body { margin: 0 }"
        f" img {{ display: block; height: {HEIGHT}px; width: auto; max-width: {MAX_WIDTH}px }}"
        "</style><img src='memory:emblem' alt='emblem'></html>"
    )
    errors = _Errors()
    logging.getLogger("weasyprint").addHandler(errors)
    document = HTML(string=page, url_fetcher=EmblemOnly(allowed_protocols={"memory"})).render()
    if errors.seen:
        raise Refused("draw", "; ".join(errors.seen)[:200])
    boxes = [
        box
        for box in document.pages[0]._page_box.descendants()
        if type(box).__name__.endswith("ReplacedBox")
    ]
    if not boxes:
        raise Refused("draw", "no image")
    width = max(1, math.ceil(boxes[0].width))
    height = max(1, math.ceil(boxes[0].height))
    pdf = document.write_pdf()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "emblem.pdf")
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "96", "-png", "-singlefile", "-x", "0", "-y", "0"]
            + ["-W", str(width), "-H", str(height), str(source), str(Path(folder, "out"))],
            check=True,
            capture_output=True,
        )
        with Image.open(Path(folder, "out.png")) as image:
            image.load()
            return flat_png(image)


def main() -> int:
    kind, cpu_seconds, memory = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    data = sys.stdin.buffer.read()
    try:
        png = from_png(data) if kind == "png" else from_svg(data)
    except Refused as refusal:
        sys.stderr.write(str(refusal))
        return 2
    sys.stdout.buffer.write(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
