"""The Garuda emblem an organisation uploads for its memos: PNG or SVG, checked before it is kept.

The emblem is drawn into official PDFs, so it must be an image and nothing else: a PNG that
decodes, or an SVG with no script, no event handler, no embedded HTML and no reference to
anything outside itself (which the PDF renderer would otherwise try to fetch).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    # A DOCTYPE can declare entities (billion laughs) or external ones (local files): refuse it.
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ValidationError(_("The SVG file declares a DOCTYPE or entities; remove them."))
    try:
        root = ET.fromstring(data)
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
    return CheckedEmblem(data, "image/svg+xml", "svg")


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
        return check_png(data)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return check_svg(stripped)
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
