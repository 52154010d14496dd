"""Files the world sends that our demo lacks: emblems, texts and PDFs that hurt.

Each is made here, from nothing but the standard library and Pillow, so a test shows what it is.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image, ImageDraw

# The 297-byte SVG found in the wild: a pattern cell a thousandth of a unit wide, so a reader
# draws a million cells per unit of the page (poppler and MuPDF took over 60 s for page 1).
TILING_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="330" viewBox="0 0 300 330">'
    b'<defs><pattern id="p" width="0.001" height="0.001" patternUnits="userSpaceOnUse">'
    b'<rect width="0.0005" height="0.0005" fill="#c8a200"/></pattern></defs>'
    b'<rect width="300" height="330" fill="url(#p)"/>'
    b'<circle cx="150" cy="150" r="90" fill="#c8a200"/></svg>'
)


def nested_patterns_svg(depth: int = 6) -> bytes:
    """Patterns filled with patterns: each level multiplies what the one above draws."""
    defs = []
    for level in range(depth):
        fill = f"url(#p{level - 1})" if level else "#c8a200"
        defs.append(
            f'<pattern id="p{level}" width="{2 + level}" height="{2 + level}" '
            f'patternUnits="userSpaceOnUse"><rect width="{1 + level}" height="{1 + level}" '
            f'fill="{fill}"/><circle cx="1" cy="1" r="1" fill="{fill}"/></pattern>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="330">'
        f"<defs>{''.join(defs)}</defs>"
        f'<rect width="300" height="330" fill="url(#p{depth - 1})"/></svg>'
    ).encode()


def garuda_png(*, mode: str = "RGBA", size: tuple[int, int] = (600, 660)) -> bytes:
    """An ordinary emblem as offices export it: a coloured drawing on a transparent background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width * 0.3, 0, width * 0.7, height * 0.35), fill=(200, 30, 30, 255))
    draw.polygon(
        [(0, height * 0.3), (width / 2, height * 0.45), (width, height * 0.3), (width / 2, height)],
        fill=(200, 162, 0, 255),
    )
    if mode != "RGBA":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def huge_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid one-bit PNG of ``width``×``height`` pixels in about 100 KB: 112 MB once decoded,
    900 million pixels (Pillow calls it a decompression bomb)."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


# Text a memo may hold that the Thai face has no glyph for.
CJK_WORD = "中文"
KHMER_WORD = "ខ្មែរ"
# A host name as long as DNS allows a label (63) and more: the printed address must fit.
LONG_HOST = "https://" + ".".join(["a" * 63, "b" * 63, "c" * 40]) + ".go.th"


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of ``objects`` (numbered from 1) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def many_signature_fields_pdf(count: int = 1000) -> bytes:
    """A one-page PDF with ``count`` signature fields, each holding an empty signature (about
    0.3 MB): a validator that checks each one spends seconds per field."""
    fields = list(range(4, 4 + count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] /SigFlags 3 >> >>"
        % b" ".join(b"%d 0 R" % n for n in fields),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    contents = b"<" + b"00" * 64 + b">"
    for n in fields:
        objects.append(
            b"<< /FT /Sig /T (Sig%d) /V << /Type /Sig /Filter /Adobe.PPKLite "
            b"/SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 10] /Contents %s >> >>"
            % (n, contents)
        )
    return _pdf(objects)


@functools.cache
def compression_bomb_pdf(megabytes: int = 256) -> bytes:
    """A PDF whose one content stream inflates to ``megabytes`` MB from about 1 MB."""
    packer = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    body = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    return _pdf(objects)


def code_strings_pdf(codes: int = 5000) -> bytes:
    """A PDF whose first page is full of strings shaped like verification codes."""
    letters = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    lines = []
    for n in range(codes):
        code = "".join(letters[(n * 7 + k * 13) % len(letters)] for k in range(10))
        lines.append(
            b"BT /F1 6 Tf 10 %d Td (%s-%s) Tj ET"
            % (800 - (n % 130) * 6, code[:5].encode(), code[5:].encode())
        )
    stream = b"\n".join(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf(objects)
