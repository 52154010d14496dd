"""The rules of ISO 19005-2/-3 (PDF/A-2b, PDF/A-3b) that our documents can break, checked twice:
by the rules here, with pikepdf, each named by its clause, and by ``page`` (PyPI:
page-validation), an independent validator of PDF/A-1 to -3 checked against veraPDF's test corpus,
which runs in the test process without Java (the PyPI packages that wrap veraPDF download it at
run time, which these machines cannot). Each sees what the other misses: ``page`` knows every
clause; the rules here know what WeasyPrint, the text-layer fix, the emblem and pyHanko write
(``page`` 0.11 does not compare the Info dictionary with the XMP, 6.6.2.3.1, which signing broke).

``violations(pdf)`` lists every breach the rules here find, ``validator_failures(pdf)`` those
``page`` finds ([] for a conforming file); ``assert_pdfa(pdf)`` fails naming both.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import page as page_validation
import pikepdf
from fontTools.ttLib import TTFont

_PDFAID = re.compile(rb"pdfaid:part[>=\"']+\s*(\d)")
_CONFORMANCE = re.compile(rb"pdfaid:conformance[>=\"']+\s*([ABU])", re.I)
_XPACKET = re.compile(rb"<\?xpacket\s+begin=[^?]*\?>")
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# 6.6.2.3.1: each Info entry and the XMP property that must say the same.
_INFO_IN_XMP = {
    "/Title": "{http://purl.org/dc/elements/1.1/}title",
    "/Author": "{http://purl.org/dc/elements/1.1/}creator",
    "/Subject": "{http://purl.org/dc/elements/1.1/}description",
    "/Keywords": "{http://ns.adobe.com/pdf/1.3/}Keywords",
    "/Creator": "{http://ns.adobe.com/xap/1.0/}CreatorTool",
    "/Producer": "{http://ns.adobe.com/pdf/1.3/}Producer",
    "/CreationDate": "{http://ns.adobe.com/xap/1.0/}CreateDate",
    "/ModDate": "{http://ns.adobe.com/xap/1.0/}ModifyDate",
}
_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Z+-])(\d{2})?'?(\d{2})?'?)?$"
)
_XMP_DATE = re.compile(
    r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"(?:(Z)|([+-])(\d{2}):(\d{2}))?)?$"
)


def _name(value: object) -> str:
    return str(value) if value is not None else ""


def _images(pdf: pikepdf.Pdf):
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            yield obj


def _fonts(pdf: pikepdf.Pdf):
    seen = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", {})
        for _key, font in dict(resources.get("/Font", {})).items():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            yield font


def _glyph_codes(pdf: pikepdf.Pdf, font_key: pikepdf.Name, page: pikepdf.Page) -> set[int]:
    """Every two-byte code shown in ``font_key`` on ``page`` (Type0 fonts, Identity-H)."""
    codes: set[int] = set()
    current = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf":
            current = operands[0]
        elif current == font_key and op in ("Tj", "TJ", "'", '"'):
            strings = operands[0] if op == "TJ" else operands[-1:]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    codes.update(
                        int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)
                    )
    return codes


def _xmp_properties(xmp: bytes) -> dict[str, list[str]]:
    """Every simple property of the XMP packet, by its expanded name: its value, or the items of
    its array (a language alternative's x-default first)."""
    found: dict[str, list[str]] = {}
    root = ET.fromstring(xmp)
    for description in root.iter(f"{_RDF}Description"):
        for name, value in description.attrib.items():
            if not name.startswith(_RDF):
                found[name] = [value]
        for child in description:
            items = list(child.iter(f"{_RDF}li"))
            if items:
                items.sort(key=lambda li: li.get(_XML_LANG) != "x-default")
                found[child.tag] = [li.text or "" for li in items]
            else:
                found[child.tag] = [child.text or ""]
    return found


def _date(text: str, pattern: re.Pattern[str]) -> tuple | None:
    """A PDF or XMP date as (the instant in UTC or local, its precision), None if malformed."""
    match = pattern.match(text.strip())
    if match is None:
        return None
    groups = match.groups()
    parts = [int(g) if g else None for g in groups[:6]]
    precision = sum(1 for p in parts if p is not None)
    year, month, day, hour, minute, second = (
        p or d for p, d in zip(parts, (0, 1, 1, 0, 0, 0), strict=True)
    )
    moment = dt.datetime(year, month, day, hour, minute, second)
    if pattern is _PDF_DATE:
        sign, tz_hours, tz_minutes = groups[6:9]
    else:
        sign = "Z" if groups[6] else groups[7]
        tz_hours, tz_minutes = groups[8:10]
    if sign:
        offset = dt.timedelta(hours=int(tz_hours or 0), minutes=int(tz_minutes or 0))
        moment = moment - offset if sign == "+" else moment + offset if sign == "-" else moment
    return moment, precision, bool(sign)


def _metadata_violations(pdf: pikepdf.Pdf, xmp: bytes) -> list[str]:
    """6.6.2.1 (the XMP packet's header) and 6.6.2.3.1 (Info and XMP say the same)."""
    found: list[str] = []
    header = _XPACKET.search(xmp)
    if header is not None and re.search(rb"\b(bytes|encoding)=", header.group(0)):
        found.append("6.6.2.1: the XMP packet header has a bytes or encoding attribute")
    try:
        properties = _xmp_properties(xmp)
    except ET.ParseError as error:
        return [*found, f"6.6.2.1: the XMP metadata is not well-formed XML ({error})"]
    info = pdf.trailer.get("/Info")
    for key, prop in _INFO_IN_XMP.items():
        if info is None or key not in info:
            continue
        value, xmp_values = str(info[key]), properties.get(prop)
        if xmp_values is None:
            found.append(f"6.6.2.3.1: Info {key} has no {prop} in the XMP")
            continue
        if key in ("/CreationDate", "/ModDate"):
            same = _date(value, _PDF_DATE) == _date(xmp_values[0], _XMP_DATE) is not None
        elif key == "/Author":
            same = xmp_values == [value]
        else:
            same = xmp_values[0] == value
        if not same:
            found.append(f"6.6.2.3.1: Info {key} {value!r} is not the XMP's {xmp_values!r}")
    return found


def violations(data: bytes) -> list[str]:
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        # 6.6.2.1 / 6.6.4: XMP metadata in the catalogue, claiming the part and conformance.
        metadata = root.get("/Metadata")
        xmp = metadata.read_bytes() if metadata is not None else b""
        part, conformance = _PDFAID.search(xmp), _CONFORMANCE.search(xmp)
        if part is None or part.group(1) not in (b"2", b"3"):
            found.append("6.6.4: no PDF/A-2 or -3 identification in the XMP metadata")
        if conformance is None:
            found.append("6.6.4: no conformance level in the XMP metadata")
        if xmp:
            found.extend(_metadata_violations(pdf, xmp))
        # 6.1.3: no encryption; a file identifier in the trailer.
        if pdf.is_encrypted:
            found.append("6.1.3: encrypted")
        if "/ID" not in pdf.trailer:
            found.append("6.1.3: no /ID in the trailer")
        # 6.2.3: an output intent with its ICC profile (device colour spaces need one).
        intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
        profile_ok = bool(intents) and "/DestOutputProfile" in intents[0]
        if not profile_ok:
            found.append("6.2.3: no GTS_PDFA1 output intent with a DestOutputProfile")
        rgb_intent = profile_ok and int(intents[0].DestOutputProfile.get("/N", 0)) == 3
        # 6.2.8: images: no /Interpolate true, no /Alternates, no /OPI; colour as the intent.
        for image in _images(pdf):
            if image.get("/Interpolate") is True or _name(image.get("/Interpolate")) == "true":
                found.append(f"6.2.8: image {image.objgen} has /Interpolate true")
            for key in ("/Alternates", "/OPI"):
                if key in image:
                    found.append(f"6.2.8: image {image.objgen} has {key}")
            space = _name(image.get("/ColorSpace"))
            if space == "/DeviceRGB" and not rgb_intent:
                found.append(f"6.2.4.3: image {image.objgen} is DeviceRGB without an RGB intent")
            if space == "/DeviceCMYK":
                found.append(f"6.2.4.3: image {image.objgen} is DeviceCMYK")
            if int(image.get("/BitsPerComponent", 8)) not in (1, 2, 4, 8, 16):
                found.append(f"6.2.8: image {image.objgen} has an invalid BitsPerComponent")
        # 6.2.11: fonts embedded, widths as the program has them, no .notdef shown.
        for page in pdf.pages:
            resources = page.obj.get("/Resources", {})
            for key, font in dict(resources.get("/Font", {})).items():
                found.extend(_font_violations(pdf, pikepdf.Name(key), font, page))
        # 6.1.7 and 6.1.13: no JavaScript, no actions that launch or reach outside.
        names = root.get("/Names", {})
        if "/JavaScript" in names or "/AA" in root or "/OpenAction" in root:
            found.append("6.6.1: the catalogue has JavaScript or automatic actions")
        # 6.3.2-3: annotations print, are not hidden, and have an appearance when they show.
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                flags = int(annot.get("/F", 0))
                if _name(annot.get("/Subtype")) == "/Popup":
                    continue
                if not flags & 4 or flags & (1 | 2 | 32):
                    found.append(f"6.3.2: annotation {annot.objgen} flags {flags}")
                rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
                visible = rect[2] - rect[0] > 0 and rect[3] - rect[1] > 0
                if visible and "/AP" not in annot:
                    found.append(f"6.3.3: annotation {annot.objgen} has no appearance")
    return sorted(set(found))


def _font_violations(
    pdf: pikepdf.Pdf, key: pikepdf.Name, font: pikepdf.Dictionary, page: pikepdf.Page
) -> list[str]:
    found: list[str] = []
    subtype = _name(font.get("/Subtype"))
    if subtype == "/Type3":
        return found
    descendant = font.DescendantFonts[0] if subtype == "/Type0" else font
    descriptor = descendant.get("/FontDescriptor")
    name = _name(font.get("/BaseFont"))
    program = None
    if descriptor is not None:
        program = next(
            (descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor),
            None,
        )
    if program is None:
        return [f"6.2.11.4.1: font {name} is not embedded"]
    if subtype != "/Type0":
        return found
    if _name(descendant.get("/Subtype")) == "/CIDFontType2" and "/CIDToGIDMap" not in descendant:
        found.append(f"6.2.11.3.2: font {name} has no CIDToGIDMap")
    encoding = font.get("/Encoding")
    codes = _glyph_codes(pdf, key, page)
    if isinstance(encoding, pikepdf.Stream):
        # A CMap of its own: which codes show CID 0, the .notdef glyph.
        text = encoding.read_bytes().decode("latin-1")
        notdef = {
            int(code, 16)
            for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", text)
            if int(cid) == 0
        }
        shown = codes & notdef
    else:
        shown = codes & {0}
    if shown:
        found.append(f"6.2.11.8: font {name} shows .notdef ({len(shown)} codes)")
    # 6.2.11.5: the widths in the font dictionary are those of the embedded program.
    if _name(descendant.get("/Subtype")) == "/CIDFontType2":
        ttf = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
        upem = ttf["head"].unitsPerEm
        order = ttf.getGlyphOrder()
        metrics = ttf["hmtx"].metrics
        widths = list(descendant.get("/W", []))
        i = 0
        while i < len(widths):
            first = int(widths[i])
            if isinstance(widths[i + 1], pikepdf.Array):
                pairs = [(first + k, float(w)) for k, w in enumerate(widths[i + 1])]
                i += 2
            else:
                pairs = [(c, float(widths[i + 2])) for c in range(first, int(widths[i + 1]) + 1)]
                i += 3
            for cid, width in pairs:
                if cid not in codes or cid >= len(order):
                    continue
                actual = metrics[order[cid]][0] * 1000 / upem
                if abs(actual - width) > 1:
                    found.append(f"6.2.11.5: font {name} glyph {cid} width {width} != {actual}")
    return found


def validator_failures(pdf: bytes) -> list[str]:
    """What ``page`` finds against the part and conformance the file's XMP claims (PDF/A-3b for
    every document we write), each as its rule and message, less two misreadings of its, each
    checked here before it is dropped:

    - STREAM-LENGTH: a stream whose compressed bytes end with a CR (0x0D) before the LF that
      ends the data; ``page`` takes the CR for part of the end of line (1 stream in 256).
    - SIGNATURE-BYTERANGE: a signature that covers its whole revision, followed by a later
      incremental update (the validation data of PAdES B-LT, which must come after the
      signature it validates; ISO 19005-2 allows incremental updates).
    """
    report = page_validation.validate_pdf_bytes(pdf)
    found = set()
    for failure in report.failures:
        rule = failure.rule_id.split("-", 1)[-1]
        if rule == "STREAM-LENGTH-001" and _length_ends_on_cr(pdf, failure.object_id):
            continue
        if rule == "SIGNATURE-BYTERANGE-001" and _signatures_cover_their_revisions(pdf):
            continue
        found.add(f"{failure.rule_id}: {failure.message}")
    return sorted(found)


def _length_ends_on_cr(pdf: bytes, object_id: page_validation.PdfObjectId | None) -> bool:
    """Each copy of the object is a stream whose /Length bytes end with CR, followed by the LF
    and ``endstream``: the length is right."""
    if object_id is None:
        return False
    header = re.compile(
        rb"(?:^|[\r\n])%d %d obj\s*<<" % (object_id.object_number, object_id.generation)
    )
    matches = list(header.finditer(pdf))
    for match in matches:
        start = pdf.find(b"stream", match.end())
        length = re.search(rb"/Length (\d+)(?! \d+ R)", pdf[match.end() : start])
        if length is None or pdf[start + 6 : start + 7] != b"\n":
            return False
        data_end = start + 7 + int(length.group(1))
        if pdf[data_end - 1 : data_end] != b"\r" or not pdf.startswith(b"\nendstream", data_end):
            return False
    return bool(matches)


def _signatures_cover_their_revisions(pdf: bytes) -> bool:
    """Each signature's byte range runs from the file's first byte to the end of a revision
    (its %%EOF), leaving out only its own /Contents, and the file ends with a revision."""
    ends = [m.end() for m in re.finditer(rb"%%EOF(?:\r\n|\r|\n)?", pdf)]
    ranges = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    if not ranges or not ends or ends[-1] != len(pdf):
        return False
    for a, b, c, d in ((int(v) for v in r) for r in ranges):
        contents = pdf[a + b : c].strip()
        if a != 0 or not (contents.startswith(b"<") and contents.endswith(b">")):
            return False
        if c + d not in ends:
            return False
    return True


def assert_pdfa(pdf: bytes) -> None:
    found = violations(pdf) + [f"validator {f}" for f in validator_failures(pdf)]
    assert found == [], "not PDF/A: " + "; ".join(found[:20])
