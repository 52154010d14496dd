"""Give WeasyPrint's PDFs a text layer that reads back the Thai typed, in every reader.

A PDF's text layer is each font's ToUnicode map: code → text. WeasyPrint fills it from the first
cluster a glyph is drawn in (``weasyprint/draw/text.py``, ``draw_text``), so in Thai, where one
cluster holds several glyphs (a consonant with its marks; SARA AM shaped as NIKHAHIT + SARA AA;
lowered tone marks drawn before the vowel below), one glyph maps to the empty string, another to
the whole cluster, and a glyph shared by two characters keeps whichever it met first for the whole
document: ``pdftotext`` then gives สานัก for สำนัก.

Readers differ on what an empty ToUnicode target means: poppler drops the glyph, PDFium (Chrome,
Edge), pdf.js (Firefox) and MuPDF print the code itself as a character. pdf.js and pdfminer.six
ignore ``/ActualText``. So the fix, run as WeasyPrint's public ``finisher`` hook on the finished
``pydyf.PDF`` (no re-parsing, no patched WeasyPrint), gives every reader glyphs that each stand
for real text, in the order typed:

1. Every glyph reads the character(s) it stands for, from the font itself: the font's cmap read
   backwards, then GSUB ligatures (a glyph made of several characters), glyph names
   (``uni0E48.low`` is U+0E48) and single substitutions (a variant maps back to its base). No
   target is ever empty.
2. Each cluster of several glyphs (a base and its marks; SARA AM, which HarfBuzz draws as
   NIKHAHIT over the consonant, before any tone mark, then SARA AA) becomes one composite glyph
   added to the embedded font: the same outlines at the same offsets (rounded to a font unit,
   below 0.001 pt at 16 pt). It reads the cluster's base (with SARA AM when it ends in one); an
   empty glyph one font unit wide after it reads the marks in canonical order (pdf.js takes a
   glyph whose text holds a combining mark for a zero-width mark, and poppler's layout mode
   moves a glyph of no width to another line).
3. The first and the last cluster of each TJ operator get operators of their own (PDFium joins
   text objects whose boxes overlap in height into one line; see ``_tj``).

What is drawn does not change: the same outlines at the same places.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pydyf
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

from ita.documents.glyphs import GlyphText, cluster_text, clusters

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_REF = re.compile(rb"^(\d+) (\d+) R$")
_CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")


class FontRegistry:
    """The project's own font files, found by their PostScript names."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = {self._ps_name(TTFont(p, lazy=True)): p for p in paths}

    @staticmethod
    def _ps_name(font: TTFont) -> str:
        return str(font["name"].getDebugName(6) or "")

    @cache  # noqa: B019 -- one registry per process; the fonts never change
    def reader(self, ps_name: str) -> GlyphText | None:
        path = self.paths.get(ps_name)
        return GlyphText.from_font(TTFont(path)) if path else None

    def reader_for(self, font_program: bytes) -> GlyphText:
        """Our file when the embedded subset is one of ours (the subset lost GSUB and names)."""
        embedded = TTFont(io.BytesIO(font_program), lazy=True)
        ours = self.reader(self._ps_name(embedded))
        return ours if ours is not None else GlyphText.from_font(embedded)


def _deref(pdf: pydyf.PDF, value: object) -> Any:
    # The object a reference points to, or the value itself; pydyf has no type information.
    if isinstance(value, bytes):
        match = _REF.match(value)
        if match:
            return pdf.objects[int(match.group(1))]
    return value


def _parse_cmap(stream: pydyf.Stream) -> dict[int, str]:
    data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    return {
        int(src, 16): bytes.fromhex(dst.decode()).decode("utf-16-be")
        for src, dst in _BFCHAR.findall(data)
    }


def _parse_widths(array: list) -> dict[int, float]:
    widths: dict[int, float] = {}
    i = 0
    while i < len(array):
        first = int(array[i])
        if isinstance(array[i + 1], list):
            for k, w in enumerate(array[i + 1]):
                widths[first + k] = w
            i += 2
        else:
            for cid in range(first, int(array[i + 1]) + 1):
                widths[cid] = array[i + 2]
            i += 3
    return widths


def _to_unicode_stream(mapping: dict[int, str], compress: bool) -> list[bytes]:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(
            f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode() for code, text in batch
        )
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return lines


Component = tuple[int, int, int]  # glyph id, offset x and y in font units


class _Program:
    """One embedded font program: the cluster glyphs added to it, made on first need."""

    def __init__(self, stream: pydyf.Stream) -> None:
        self.stream = stream
        self.font: TTFont | None = None
        self.added: dict[tuple[tuple[Component, ...], int, str], int] = {}
        self.texts: dict[int, str] = {}
        self.advances: dict[int, int] = {}

    def _open(self) -> TTFont:
        if self.font is None:
            # The same bytes at every render: no new modification time in the head table.
            # The glyphs already there are written back as they were read (no bounding boxes
            # recomputed: it would decode every glyph); the added ones update the head's box
            # and maxp's composite limits below.
            data = b"".join(self.stream.stream)
            self.font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        return self.font

    def pad_to(self, gid: int) -> None:
        """Empty glyphs up to ``gid``, so that the next glyph added is glyph ``gid``."""
        font = self._open()
        order = list(font.getGlyphOrder())
        while len(order) < gid:
            name = f"pad{len(order)}"
            order.append(name)
            glyph = Glyph()
            glyph.numberOfContours = 0
            font["glyf"].glyphs[name] = glyph
            font["hmtx"].metrics[name] = (0, 0)
        font.setGlyphOrder(order)
        font["glyf"].glyphOrder = order
        font["maxp"].numGlyphs = len(order)

    def cluster(self, components: tuple[Component, ...], advance: int, text: str) -> int:
        """One glyph drawing each component at its offset: a whole cluster, read as one."""
        key = (components, advance, text)
        if key not in self.added:
            font = self._open()
            order = list(font.getGlyphOrder())
            glyf = font["glyf"]
            glyph = Glyph()
            glyph.numberOfContours = -1 if components else 0
            glyph.components = []
            for gid, dx, dy in components:
                component = GlyphComponent()
                component.glyphName, component.x, component.y = order[gid], dx, dy
                component.flags = 0
                glyph.components.append(component)
            name = f"cluster{len(self.added)}"
            new = self.added[key] = len(order)
            order.append(name)
            font.setGlyphOrder(order)
            glyf.glyphOrder = order
            glyf.glyphs[name] = glyph
            if components:
                glyph.recalcBounds(glyf)
                self._account(glyph, len(components))
            else:
                del glyph.components
            font["hmtx"].metrics[name] = (advance, getattr(glyph, "xMin", 0))
            font["maxp"].numGlyphs = len(order)
            self.texts[new] = text
            self.advances[new] = advance
        return self.added[key]

    def _account(self, glyph: Glyph, count: int) -> None:
        """The font's overall box and composite limits, with this glyph in them."""
        assert self.font is not None
        head, maxp = self.font["head"], self.font["maxp"]
        head.xMin, head.yMin = min(head.xMin, glyph.xMin), min(head.yMin, glyph.yMin)
        head.xMax, head.yMax = max(head.xMax, glyph.xMax), max(head.yMax, glyph.yMax)
        points, contours, depth = glyph.getCompositeMaxpValues(self.font["glyf"])
        maxp.maxCompositePoints = max(maxp.maxCompositePoints, points)
        maxp.maxCompositeContours = max(maxp.maxCompositeContours, contours)
        maxp.maxComponentElements = max(maxp.maxComponentElements, count)
        maxp.maxComponentDepth = max(maxp.maxComponentDepth, depth)

    def finish(self) -> None:
        if self.font is None:
            return
        out = io.BytesIO()
        self.font.save(out)
        data = out.getvalue()
        self.stream.stream = [data]
        self.stream.extra["Length1"] = len(data)


@dataclass
class _FontPlan:
    """One embedded font: its glyph texts, widths and program (and its own encoding CMap, which
    WeasyPrint writes when a glyph is missing from the font: it maps those codes to .notdef)."""

    reader: GlyphText | None
    fallback: dict[int, str]
    widths: dict[int, float]
    program: _Program | None
    upem: int = 1000
    encoding: pydyf.Stream | None = None

    def text(self, gid: int) -> str:
        if self.program is not None and gid in self.program.texts:
            return self.program.texts[gid]
        if self.reader is not None and gid in self.reader.text:
            return self.reader.text[gid]
        return self.fallback.get(gid, "")

    def width(self, gid: int) -> float:
        if gid in self.widths:
            return self.widths[gid]
        if self.program is not None and gid in self.program.advances:
            return self.program.advances[gid] * 1000 / self.upem
        return 1000


@dataclass
class _Shown:
    """One TJ operator of a run: its glyphs and places (thousandths of an em), its rise."""

    index: int
    glyphs: list[tuple[int, float]]
    start: float
    end: float
    rise: float  # thousandths of an em
    segment: int  # operators of one segment are drawn one after the other, from one Tm


_TOKEN = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")


def _drawn(item: bytes, plan: _FontPlan, x: float) -> tuple[list[tuple[int, float]], float]:
    """A TJ operator's glyphs with their places (thousandths of an em), and where it ends."""
    glyphs: list[tuple[int, float]] = []
    body = item[: item.rindex(b"]")]
    widths = plan.widths
    for hex_string, number in _TOKEN.findall(body):
        if number:
            x -= float(number)
            continue
        raw = bytes.fromhex(hex_string.decode())
        for gid in struct.unpack(f">{len(raw) // 2}H", raw):
            glyphs.append((gid, x))
            width = widths.get(gid)
            x += plan.width(gid) if width is None else width
    return glyphs, x


def _number(value: float) -> bytes:
    return (f"{value:.6f}".rstrip("0").rstrip(".") or "0").encode()


def _tj(
    clusters: list[list[tuple[int, float]]], start: float, end: float, plan: _FontPlan
) -> bytes:
    """TJ operators drawing each glyph at its place, the pen ending where it ended.

    The first and the last cluster get operators of their own: PDFium (Chrome, Edge) takes two
    text objects whose boxes overlap in height for one line, and Thai marks make a line's box
    taller than the line, so a word wrapped at the end of a line would read with a space in
    it. A single cluster's box does not reach the next line's.
    """
    pieces = [clusters[:1], clusters[1:-1], clusters[-1:]] if len(clusters) > 2 else [clusters]
    if len(clusters) == 2:
        pieces = [clusters[:1], clusters[1:]]
    operators: list[bytes] = []
    pen = start
    for number, piece in enumerate(pieces):
        parts: list[bytes] = []
        run: list[int] = []

        def close(run: list[int] = run, parts: list[bytes] = parts) -> None:
            if run:
                parts.append(b"<" + struct.pack(f">{len(run)}H", *run).hex().encode() + b">")
                run.clear()

        for gid, x in (glyph for cluster in piece for glyph in cluster):
            if abs(pen - x) > 1e-6:
                close()
                parts.append(_number(pen - x))
            run.append(gid)
            pen = x + plan.width(gid)
        close()
        if number == len(pieces) - 1 and abs(pen - end) > 1e-6:
            parts.append(_number(pen - end))
        operators.append(b"[" + b" ".join(parts) + b"] TJ")
    return b"\n".join(operators)


class TextLayerFixer:
    """A WeasyPrint ``finisher``: each glyph reads its own text, drawn in the order typed."""

    def __init__(self, registry: FontRegistry) -> None:
        self.registry = registry

    def __call__(self, document: object, pdf: pydyf.PDF) -> None:
        plans = self._plans(pdf)
        if not plans:
            return
        for _font_dict, plan in plans.values():
            self._draw_missing(plan)
        for obj in pdf.objects:
            # Content streams hold one operator per item; a font program is a single item.
            if isinstance(obj, pydyf.Stream) and len(obj.stream) > 1:
                self._rewrite(obj, plans)
        programs = {id(p.program): p.program for _, p in plans.values() if p.program}
        for program in programs.values():
            program.finish()
        for font_dict, plan in plans.values():
            self._finish_font(pdf, font_dict, plan)

    def _plans(self, pdf: pydyf.PDF) -> dict[bytes, tuple[pydyf.Dictionary, _FontPlan]]:
        """Each Type0 font by its resource name (the part of BaseFont before '+')."""
        plans = {}
        programs: dict[int, _Program] = {}
        for obj in pdf.objects:
            if not (isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Type0"):
                continue
            base = pydyf._to_bytes(obj["BaseFont"])
            resource = base[1:].split(b"+", 1)[0]
            descendant = _deref(pdf, obj["DescendantFonts"][0])
            descriptor = _deref(pdf, descendant["FontDescriptor"])
            program_ref = descriptor.get("FontFile2")
            fallback = _parse_cmap(_deref(pdf, obj["ToUnicode"]))
            widths = _parse_widths(descendant.get("W", []))
            reader, program, upem = None, None, 1000
            encoding = _deref(pdf, obj.get("Encoding"))
            own_cmap = isinstance(encoding, pydyf.Stream)
            if program_ref is not None:
                font_stream = _deref(pdf, program_ref)
                data = b"".join(font_stream.stream)
                reader = self.registry.reader_for(data)
                upem = TTFont(io.BytesIO(data), lazy=True)["head"].unitsPerEm
                # New glyphs need code = CID = glyph id: the identity encoding, or WeasyPrint's
                # own CMap (codes are glyph ids there too), to which the new codes are added.
                if (encoding == "/Identity-H" or own_cmap) and descendant.get(
                    "CIDToGIDMap"
                ) == "/Identity":
                    program = programs.setdefault(id(font_stream), _Program(font_stream))
            plan = _FontPlan(
                reader, fallback, widths, program, upem, encoding if own_cmap else None
            )
            plans[resource] = (obj, plan)
        return plans

    def _rewrite(
        self, stream: pydyf.Stream, plans: dict[bytes, tuple[pydyf.Dictionary, _FontPlan]]
    ) -> None:
        """Read each run of one font (its TJ operators), then redraw those that must change.

        WeasyPrint writes one operator per stream item (``BT``, ``/F 12 Tf``, ``[<…>…] TJ``),
        so the items are read as they are, without parsing the stream again. A raised mark
        gets its own TJ operator after ``Ts``; the pen runs on from one TJ to the next until
        the next ``Tm``.
        """
        items = stream.stream
        font: _FontPlan | None = None
        size = rise = 0.0
        x = 0.0
        segment = 0
        run: list[_Shown] = []

        def flush() -> None:
            if font is not None and run:
                self._redraw(items, run, font)
            run.clear()

        for index, item in enumerate(items):
            if type(item) is not bytes:
                continue
            tail = item[-2:]
            if tail == b"TJ":
                if font is not None and size:
                    glyphs, end = _drawn(item, font, x)
                    run.append(_Shown(index, glyphs, x, end, rise * 1000 / size, segment))
                    x = end
            elif tail == b"Tf":
                flush()
                name, value = item.split()[:2]
                font = plans[name[1:]][1] if name[1:] in plans else None
                size = abs(float(value))
            elif tail == b"Ts":
                rise = float(item.split()[0])
            elif tail in (b"Tm", b"Td", b"TD", b"T*"):
                x = 0.0
                segment += 1
            elif item == b"BT" or item == b"ET":
                flush()
                x, segment = 0.0, segment + 1
        flush()

    @staticmethod
    def _redraw(items: list, run: list[_Shown], plan: _FontPlan) -> None:
        """Each cluster of several glyphs becomes one glyph, drawn by its base's operator."""
        program = plan.program
        if program is None:
            return
        flat = [(n, gid, x) for n, shown in enumerate(run) for gid, x in shown.glyphs]
        read = plan.text
        texts = [read(gid) for _, gid, _ in flat]
        redrawn: list[list[list[tuple[int, float]]]] = [[] for _ in run]
        scale = plan.upem / 1000
        for group in clusters(texts):
            if len(group) == 1:
                m, gid, mx = flat[group.start]
                redrawn[m].append([(gid, mx)])
                continue
            members = [flat[k] for k in group]
            n, base, x = members[0]
            if len(members) == 1 or any(run[m].segment != run[n].segment for m, _, _ in members):
                for m, gid, mx in members:
                    redrawn[m].append([(gid, mx)])
                continue
            components = tuple(
                (gid, round((mx - x) * scale), round((run[m].rise - run[n].rise) * scale))
                for m, gid, mx in members
            )
            advance = round(sum(plan.width(gid) for _, gid, _ in members) * scale)
            text = cluster_text([texts[k] for k in group])
            # pdf.js takes a glyph whose text holds a combining mark for a zero-width mark (it
            # does not advance, and a space comes after it): the cluster's glyph reads its base,
            # and an empty glyph at its end, one font unit wide (poppler's layout mode moves a
            # glyph of no width to another line), reads the marks.
            head, marks = text[:1], text[1:]
            if not any(unicodedata.category(c) == "Mn" for c in marks):
                head, marks = text, ""
            tail = 1 if marks else 0
            glyph = program.cluster(components, advance - tail, head)
            drawn = [(glyph, x)]
            if marks:
                drawn.append((program.cluster((), tail, marks), x + plan.width(glyph)))
            redrawn[n].append(drawn)
        for shown, clusters_now in zip(run, redrawn, strict=True):
            if len(clusters_now) > 1 or [g for c in clusters_now for g in c] != shown.glyphs:
                items[shown.index] = _tj(clusters_now, shown.start, shown.end, plan)

    @staticmethod
    def _draw_missing(plan: _FontPlan) -> None:
        """A font with glyphs it lacks comes with WeasyPrint's own encoding, which shows them as
        .notdef (PDF/A forbids it, and pdfminer reads no text through such an encoding): each
        missing code gets a glyph of its own at that code, drawing the .notdef box and reading
        the character, and the font goes back to the identity encoding."""
        if plan.encoding is None or plan.program is None:
            return
        text = b"\n".join(pydyf._to_bytes(item) for item in plan.encoding.stream)
        missing = sorted(
            int(code, 16) for code, cid in _CIDCHAR.findall(text) if int(cid) == 0 and code
        )
        scale = plan.upem / 1000
        for code in (c for c in missing if c):
            plan.program.pad_to(code)
            plan.program.cluster(
                ((0, 0, 0),), round(plan.widths.get(code, 1000) * scale), plan.text(code)
            )

    @staticmethod
    def _finish_font(pdf: pydyf.PDF, font_dict: pydyf.Dictionary, plan: _FontPlan) -> None:
        """Every glyph its own text (never an empty target); widths of the added glyphs."""
        added = plan.program.advances if plan.program is not None else {}
        mapping = {gid: plan.text(gid) for gid in [*plan.fallback, *added]}
        mapping = {gid: text for gid, text in mapping.items() if text}
        to_unicode = _deref(pdf, font_dict["ToUnicode"])
        to_unicode.stream = _to_unicode_stream(mapping, to_unicode.compress)
        descendant = _deref(pdf, font_dict["DescendantFonts"][0])
        widths = descendant.get("W")
        if widths is not None:
            for gid in sorted(added):
                widths.extend([gid, pydyf.Array([plan.width(gid)])])
        if plan.encoding is not None and plan.program is not None:
            # Every code now has a glyph of its own (``_draw_missing``): code = glyph id.
            font_dict["Encoding"] = "/Identity-H"
