"""The Garuda emblem an organisation uploads for its memos: made safe once, at upload.

What is stored is what every document prints: a PNG of at most ``MAX_WIDTH``×``HEIGHT`` pixels,
8-bit RGB on white (no transparency, no palette), made from the upload in a child process under
a CPU and memory budget (``emblem_worker``). Nothing is drawn from the uploaded file after that,
so no render ever pays for a costly emblem, and no probe runs when a document is built.

Before the child process: the size of the file and, for a PNG, of the image its header declares
(a 30000×30000 PNG is refused without being decoded); an SVG is read with defusedxml (any DTD
refused, in whatever encoding, UTF-16 too), refused when it holds a script, an event handler,
embedded HTML or a reference outside itself, its ``<use>`` elements capped in number, nesting and
in what they draw once expanded, and then reduced to the drawing elements of ``DRAWING`` (a
pattern, a filter, a mask, an image or text is dropped: a 297-byte tiling pattern would
otherwise hang poppler and MuPDF on every page it is printed on). Every refusal names its reason
in the user's language.
"""

from __future__ import annotations

import hashlib
import re
import struct
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

from ita.documents.emblem_worker import HEIGHT, MAX_PIXELS, MAX_WIDTH

if TYPE_CHECKING:
    from django.core.files import File

__all__ = ["CheckedEmblem", "check_emblem", "stored_emblem"]

MAX_BYTES = 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XLINK_HREF = f"{{{XLINK_NS}}}href"
# Elements that run code, embed another document or pull in other files: refused, named.
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}
# What an emblem is drawn with; anything else (pattern, filter, mask, image, text, marker,
# animation, metadata) is dropped before it is drawn.
DRAWING = {
    "svg", "g", "defs", "title", "desc", "style", "symbol", "use", "path", "rect", "circle",
    "ellipse", "line", "polyline", "polygon", "linearGradient", "radialGradient", "stop",
    "clipPath",
}  # fmt: skip
# <use>: how many, how deeply nested, and how many elements the drawing holds once expanded.
MAX_USES = 100
MAX_USE_DEPTH = 4
MAX_DRAWN = 20_000
# Making it, once: seconds of CPU, bytes of address space; the wall clock is generous (a busy
# server), the CPU limit is what stops a bomb.
RENDER_CPU_SECONDS = 10
RENDER_MEMORY = 1536 * 1024 * 1024
RENDER_WALL_SECONDS = 60
# An XML file in UTF-16 or UTF-32 (with or without its byte order mark) or UTF-8.
_XML_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\xfe\xff", b"\x00\x00\x00<")
_URL_IN_CSS = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_IMPORT_IN_CSS = re.compile(r"@import", re.I)
# A stored emblem's name carries the start of its SHA-256: emblems/org12-0123456789abcdef.png
# (the storage may add _<random> when the name is taken).
_STORED_NAME = re.compile(r"-([0-9a-f]{16})(?:_[0-9A-Za-z]+)?\.png$")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


@dataclass(frozen=True)
class CheckedEmblem:
    """The emblem as stored and printed: always a PNG made by ``emblem_worker``."""

    data: bytes
    mime_type: str = "image/png"
    extension: str = "png"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def stored_name(self, owner: str) -> str:
        """``<owner>-<start of its SHA-256>.png``: the name says what the file must hold."""
        return f"{owner}-{self.sha256[:16]}.png"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_fragment(url: str) -> bool:
    return url.strip().startswith("#")


def png_size(data: bytes) -> tuple[int, int] | None:
    """The width and height a PNG's header declares (nothing decoded); None without a header."""
    if len(data) < 24 or not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_png(data: bytes) -> bytes:
    """The PNG, if its header declares a size we decode; refused before decoding otherwise."""
    size = png_size(data)
    if size is None:
        raise ValidationError(_("The PNG file is damaged: %(error)s") % {"error": "IHDR"})
    width, height = size
    if width > MAX_PIXELS or height > MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)s×%(height)s pixels; at most %(max)s×%(max)s are accepted.")
            % {"width": width, "height": height, "max": MAX_PIXELS}
        )
    return data


def check_svg(data: bytes) -> bytes:
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
    return reduced(root)


def reduced(root: ET.Element) -> bytes:
    """The SVG with only its drawing elements (``DRAWING``), as UTF-8."""

    def prune(element: ET.Element) -> None:
        for child in list(element):
            if _local(child.tag) in DRAWING and child.tag.startswith(f"{{{SVG_NS}}}"):
                prune(child)
            else:
                element.remove(child)

    prune(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


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


def _made(kind: str, data: bytes, *, cpu_seconds: int, memory: int) -> CheckedEmblem:
    """The PNG ``emblem_worker`` makes of ``data`` within the limits; refused otherwise."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ita.documents.emblem_worker", kind]
            + [str(cpu_seconds), str(memory)],
            input=data,
            capture_output=True,
            timeout=RENDER_WALL_SECONDS,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ValidationError(
            _("The image takes too long to draw; export it again as a simpler file.")
        ) from None
    if result.returncode == 2:
        code, _space, detail = result.stderr.decode("utf-8", "replace").partition(" ")
        if code == "size":
            width, _x, height = detail.partition("x")
            raise ValidationError(
                _("The image is %(width)s×%(height)s pixels; at most %(max)s×%(max)s are accepted.")
                % {"width": width, "height": height, "max": MAX_PIXELS}
            )
        if code == "draw":
            raise ValidationError(
                _("The SVG file could not be drawn: %(error)s") % {"error": detail[:200]}
            )
        raise ValidationError(_("The PNG file is damaged: %(error)s") % {"error": detail[:200]})
    made = result.stdout
    size = png_size(made)
    if result.returncode != 0 or size is None:
        raise ValidationError(
            _("The image could not be drawn within %(seconds)s seconds and %(mb)s MB.")
            % {"seconds": cpu_seconds, "mb": memory // (1024 * 1024)}
        )
    return CheckedEmblem(made)


def _check_css(css: str) -> None:
    if _IMPORT_IN_CSS.search(css):
        raise ValidationError(_("The SVG file's style imports another file."))
    for url in _URL_IN_CSS.findall(css):
        if not _is_fragment(url):
            raise ValidationError(
                _("The SVG file refers to something outside itself (%(url)s).") % {"url": url[:80]}
            )


def check_emblem(
    data: bytes,
    filename: str | None = "",
    *,
    cpu_seconds: int = RENDER_CPU_SECONDS,
    memory: int = RENDER_MEMORY,
) -> CheckedEmblem:
    """The emblem made safe (a bounded PNG) if it is a PNG or SVG we accept; a ValidationError
    naming the problem otherwise."""
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s KB; the emblem may be at most %(max)s KB.")
            % {"size": len(data) // 1024, "max": MAX_BYTES // 1024}
        )
    limits = {"cpu_seconds": cpu_seconds, "memory": memory}
    if data.startswith(PNG_MAGIC):
        return _made("png", check_png(data), **limits)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return _made("svg", check_svg(stripped), **limits)
    if data.startswith(_XML_STARTS):
        # Another encoding: the parser reads it as it is, DOCTYPE check included.
        return _made("svg", check_svg(data), **limits)
    raise ValidationError(
        _("%(name)s is neither a PNG nor an SVG image.") % {"name": filename or _("The file")}
    )


def stored_emblem(data: bytes, name: str) -> CheckedEmblem | None:
    """A stored emblem as it was made at upload, or None: its name must carry the start of its
    SHA-256 and its header a size within bounds (a file changed or put there by hand is not
    printed). Nothing is decoded or drawn: this is what a document's build pays."""
    match = _STORED_NAME.search(name)
    size = png_size(data)
    if match is None or size is None or size[0] > MAX_WIDTH or size[1] > HEIGHT:
        return None
    emblem = CheckedEmblem(data)
    return emblem if emblem.sha256.startswith(match.group(1)) else None


def validate_emblem_file(file: File[bytes]) -> None:
    """Model/form field validator: the uploaded file must pass ``check_emblem``."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    file.seek(position)
    check_emblem(data, getattr(file, "name", "") or "")
