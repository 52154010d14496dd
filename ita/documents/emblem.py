"""The Garuda emblem an organisation uploads for its memos: PNG or SVG, checked before it is kept.

The emblem is drawn into official PDFs, so it must be an image and nothing else: a PNG that
decodes, or an SVG with no script, no event handler, no embedded HTML and no reference to
anything outside itself (which the PDF renderer would otherwise try to fetch). An SVG is read
with defusedxml: any DTD is refused, in whatever encoding the file is written (UTF-16 too).
``<use>`` elements are capped in number, nesting and in what they draw once expanded (a 1 KB
file of nested ``<use>`` draws a hundred million shapes). Last, the emblem is drawn once, alone,
in a child process under a time and memory limit (``emblem_probe``): what cannot be drawn there
is refused, so a kept emblem never stops its organisation's PDFs.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from django.core.files import File

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements that run code, embed another document or pull in other files.
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}
# <use>: how many, how deeply nested, and how many elements the drawing holds once expanded.
MAX_USES = 100
MAX_USE_DEPTH = 4
MAX_DRAWN = 20_000
# Drawing it once, alone: seconds of CPU, bytes of address space; the wall clock is generous
# (a busy server), the CPU limit is what stops a bomb.
RENDER_CPU_SECONDS = 10
RENDER_MEMORY = 1536 * 1024 * 1024
RENDER_WALL_SECONDS = 90
# An XML file in UTF-16 or UTF-32 (with or without its byte order mark) or UTF-8.
_XML_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\xfe\xff", b"\x00\x00\x00<")
_URL_IN_CSS = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_IMPORT_IN_CSS = re.compile(r"@import", re.I)


@dataclass(frozen=True)
class CheckedEmblem:
    data: bytes
    mime_type: str
    extension: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_fragment(url: str) -> bool:
    return url.strip().startswith("#")


def check_png(data: bytes) -> CheckedEmblem:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            width, height = image.size
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The PNG file is damaged: %(error)s") % {"error": error}) from None
    if kind != "PNG":
        raise ValidationError(_("The file is not a PNG image."))
    if width > MAX_PIXELS or height > MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)s×%(height)s pixels; at most %(max)s×%(max)s are accepted.")
            % {"width": width, "height": height, "max": MAX_PIXELS}
        )
    return CheckedEmblem(data, "image/png", "png")


def check_svg(data: bytes) -> CheckedEmblem:
    try:
        # forbid_dtd: a DOCTYPE can declare entities (billion laughs) or external ones (files).
        root = parse_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ValidationError(
            _("The SVG file declares a DOCTYPE or entities; remove them.")
        ) from None
    except ET.ParseError as error:
        raise ValidationError(
            _("The SVG file is not valid XML: %(error)s") % {"error": error}
        ) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError(_("The file is not an SVG image (its root element is not <svg>)."))
    for element in root.iter():
        name = _local(element.tag)
        if name in FORBIDDEN_ELEMENTS:
            raise ValidationError(
                _("The SVG file contains a <%(element)s> element, which is not allowed.")
                % {"element": name}
            )
        for attribute, value in element.attrib.items():
            attr = _local(attribute)
            if attr.lower().startswith("on"):
                raise ValidationError(
                    _("The SVG file contains an event handler (%(attribute)s).")
                    % {"attribute": attr}
                )
            if (attribute == XLINK_HREF or attr == "href") and not _is_fragment(value):
                raise ValidationError(
                    _("The SVG file refers to something outside itself (%(url)s).")
                    % {"url": value[:80]}
                )
            if attr == "style" or "url(" in value:
                _check_css(value)
        if name == "style":
            _check_css(element.text or "")
    _check_uses(root)
    return CheckedEmblem(data, "image/svg+xml", "svg")


def _check_uses(root: ET.Element) -> None:
    """Refuse ``<use>`` bombs: too many, nested too deep, or drawing too much once expanded."""
    uses = [e for e in root.iter() if _local(e.tag) == "use"]
    if len(uses) > MAX_USES:
        raise ValidationError(
            _("The SVG file has %(count)s <use> elements; at most %(max)s are accepted.")
            % {"count": len(uses), "max": MAX_USES}
        )
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    # Per element: (elements drawn with every <use> expanded, <use> nesting below it).
    seen: dict[int, tuple[int, int]] = {}
    visiting: set[int] = set()

    def weigh(element: ET.Element) -> tuple[int, int]:
        key = id(element)
        if key in seen:
            return seen[key]
        if key in visiting:
            raise ValidationError(_("The SVG file's <use> elements refer to themselves."))
        visiting.add(key)
        drawn, depth = 1, 0
        for child in element:
            child_drawn, child_depth = weigh(child)
            drawn, depth = drawn + child_drawn, max(depth, child_depth)
        if _local(element.tag) == "use":
            href = element.get(XLINK_HREF) or element.get("href") or ""
            target = ids.get(href.strip().lstrip("#"))
            if target is not None:
                target_drawn, target_depth = weigh(target)
                drawn, depth = drawn + target_drawn, max(depth, target_depth + 1)
        visiting.discard(key)
        if depth > MAX_USE_DEPTH:
            raise ValidationError(
                _("The SVG file nests <use> elements %(depth)s deep; at most %(max)s are accepted.")
                % {"depth": depth, "max": MAX_USE_DEPTH}
            )
        if drawn > MAX_DRAWN:
            raise ValidationError(
                _("The SVG file would draw more than %(max)s shapes; simplify it.")
                % {"max": MAX_DRAWN}
            )
        seen[key] = (drawn, depth)
        return drawn, depth

    try:
        weigh(root)
    except RecursionError:
        raise ValidationError(_("The SVG file is nested too deeply.")) from None


def check_drawable(
    emblem: CheckedEmblem,
    *,
    cpu_seconds: int = RENDER_CPU_SECONDS,
    memory: int = RENDER_MEMORY,
) -> CheckedEmblem:
    """The emblem, once drawn alone in a child process within the limits; refused otherwise."""
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ita.documents.emblem_probe",
                emblem.mime_type,
                str(cpu_seconds),
                str(memory),
            ],
            input=emblem.data,
            capture_output=True,
            timeout=RENDER_WALL_SECONDS,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ValidationError(
            _("The image takes too long to draw; export it again as a simpler file.")
        ) from None
    if result.returncode != 0:
        raise ValidationError(
            _("The image could not be drawn within %(seconds)s seconds and %(mb)s MB.")
            % {"seconds": cpu_seconds, "mb": memory // (1024 * 1024)}
        )
    return emblem


def _check_css(css: str) -> None:
    if _IMPORT_IN_CSS.search(css):
        raise ValidationError(_("The SVG file's style imports another file."))
    for url in _URL_IN_CSS.findall(css):
        if not _is_fragment(url):
            raise ValidationError(
                _("The SVG file refers to something outside itself (%(url)s).") % {"url": url[:80]}
            )


def check_emblem(data: bytes, filename: str | None = "") -> CheckedEmblem:
    """The emblem if it is a safe PNG or SVG; a ValidationError naming the problem otherwise."""
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s KB; the emblem may be at most %(max)s KB.")
            % {"size": len(data) // 1024, "max": MAX_BYTES // 1024}
        )
    if data.startswith(PNG_MAGIC):
        return check_drawable(check_png(data))
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return check_drawable(check_svg(stripped))
    if data.startswith(_XML_STARTS):
        # Another encoding: the parser reads it as it is, DOCTYPE check included.
        return check_drawable(check_svg(data))
    raise ValidationError(
        _("%(name)s is neither a PNG nor an SVG image.") % {"name": filename or _("The file")}
    )


def validate_emblem_file(file: File[bytes]) -> None:
    """Model/form field validator: the uploaded file must pass ``check_emblem``."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    file.seek(position)
    check_emblem(data, getattr(file, "name", "") or "")
