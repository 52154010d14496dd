"""Give WeasyPrint's PDFs a text layer that reads back the Thai typed.

A PDF's text layer is each font's ToUnicode map: code → text. WeasyPrint fills it from the first
cluster a glyph is drawn in (``weasyprint/draw/text.py``, ``draw_text``), so in Thai, where one
cluster holds several glyphs (a consonant with its marks; SARA AM shaped as NIKHAHIT + SARA AA;
lowered tone marks swapped with the vowel below), one glyph maps to the empty string, another to
the whole cluster, and a glyph shared by two characters keeps whichever it met first for the whole
document: ``pdftotext`` then gives สานัก for สำนัก.

The fix runs as WeasyPrint's public ``finisher`` hook, on the finished ``pydyf.PDF`` before it is
serialised (no re-parsing, no patched WeasyPrint):

1. Every glyph gets the character(s) it stands for from the font itself: the font's cmap read
   backwards, then GSUB ligatures (a glyph made of several characters), glyph names
   (``uni0E48.low`` is U+0E48) and single substitutions (a variant maps back to its base).
2. Each line's glyphs are grouped into clusters (a base and its marks) and the cluster's text is
   put back in typed order: NIKHAHIT … SARA AA becomes SARA AM, and marks are put in canonical
   order (the font draws the lowered tone mark before the vowel below it).
3. When a glyph must read differently in different places (SARA AA alone, or as the end of SARA
   AM), it gets an extra code (CID) that draws the same glyph through a ``CIDToGIDMap``, with the
   same width; the ToUnicode map then gives each code its own text.

What is drawn does not change: every code still draws the glyph it drew, at the same place.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pydyf
from fontTools import agl
from fontTools.ttLib import TTFont

NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
SARA_AM = "\u0e33"
MAX_CODE = 0xFFFF

_HEX = re.compile(rb"<([0-9a-fA-F]*)>")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_REF = re.compile(rb"^(\d+) (\d+) R$")


def _is_mark(text: str) -> bool:
    """A glyph drawn on the previous base: its characters are all combining marks."""
    return bool(text) and all(unicodedata.category(c) in ("Mn", "Me") for c in text)


def canonical_order(text: str) -> str:
    """Sort each run of combining marks by combining class, as Unicode's canonical ordering does.

    Unlike NFC this composes nothing: only the order changes.
    """
    chars = list(text)
    i = 0
    while i < len(chars):
        if unicodedata.combining(chars[i]):
            j = i
            while j < len(chars) and unicodedata.combining(chars[j]):
                j += 1
            chars[i:j] = sorted(chars[i:j], key=unicodedata.combining)
            i = j
        else:
            i += 1
    return "".join(chars)


@dataclass
class GlyphText:
    """What each glyph of one font stands for, read from the font's own tables."""

    text: dict[int, str]

    @classmethod
    def from_font(cls, font: TTFont) -> GlyphText:
        order = font.getGlyphOrder()
        gid = {name: i for i, name in enumerate(order)}
        text: dict[int, str] = {}
        # The cmap backwards; the lowest code point wins (space before no-break space), and a
        # private-use code (old Thai fonts map lowered tone marks there) only when nothing else.
        private: dict[int, str] = {}
        for code, name in sorted(font.getBestCmap().items(), reverse=True):
            (private if 0xE000 <= code <= 0xF8FF else text)[gid[name]] = chr(code)
        singles: list[tuple[str, str]] = []
        ligatures: list[tuple[list[str], str]] = []
        if "GSUB" in font and font["GSUB"].table.LookupList:
            for lookup in font["GSUB"].table.LookupList.Lookup:
                for sub in lookup.SubTable:
                    if lookup.LookupType == 7:  # Extension: the real subtable inside
                        sub = sub.ExtSubTable
                    kind = getattr(sub, "LookupType", lookup.LookupType)
                    if kind == 1:
                        singles.extend(sub.mapping.items())
                    elif kind == 4:
                        for first, ligs in sub.ligatures.items():
                            for lig in ligs:
                                ligatures.append(([first, *lig.Component], lig.LigGlyph))
        # A ligature glyph stands for all its components (ง with a macron below: two characters).
        # A ligature that also has a presentation-form code point (ﬁ, U+FB01) reads as the
        # letters typed (fi): the cmap's form is only their compatibility equivalent.
        for components, out in ligatures:
            if not all(gid[c] in text for c in components):
                continue
            letters = "".join(text[gid[c]] for c in components)
            current = text.get(gid[out])
            if current is None or unicodedata.normalize("NFKD", current) == letters:
                text[gid[out]] = letters
        # Variants by name (uni0E48.low is U+0E48), then by the substitution that made them.
        for name, i in gid.items():
            if i not in text and "." in name.strip("."):
                value = agl.toUnicode(name)
                if value:
                    text[i] = value
        for source, out in singles:
            if gid[out] not in text and gid[source] in text:
                text[gid[out]] = text[gid[source]]
        for i, value in private.items():
            text.setdefault(i, value)
        return cls(text)

    def read(self, gids: list[int], fallback: dict[int, str]) -> list[str]:
        """The text of each glyph of a line, in typed order (clusters mended)."""
        texts = [self.text.get(g, fallback.get(g, "")) for g in gids]
        i = 0
        while i < len(texts):
            j = i + 1
            while j < len(texts) and _is_mark(texts[j]):
                j += 1
            # SARA AM is drawn as NIKHAHIT (before any tone mark), then SARA AA: the cluster
            # reads without it and SARA AA, the spacing glyph, reads SARA AM.
            am = j < len(texts) and texts[j] == SARA_AA
            nikhahit = [k for k in range(i + 1, j) if texts[k] == NIKHAHIT] if am else []
            if nikhahit:
                texts[nikhahit[-1]] = ""
                texts[j] = SARA_AM
            _mend_cluster(texts, i, j)
            i = j + 1 if nikhahit else j
        return texts


def _mend_cluster(texts: list[str], start: int, end: int) -> None:
    """Give the cluster's base glyph the whole cluster, in typed order; its marks read nothing.

    Marks are drawn raised or shifted (their own baseline, sometimes their own text operator);
    text extractors then split words at them. On the base glyph the cluster stays one piece.
    """
    if end - start > 1:
        texts[start:end] = [canonical_order("".join(texts[start:end]))] + [""] * (end - start - 1)


@dataclass
class _FontPlan:
    """One embedded font: its glyph texts and the codes given out so far."""

    reader: GlyphText | None
    fallback: dict[int, str]
    widths: dict[int, float]
    can_remap: bool
    next_code: int
    codes: dict[tuple[int, str], int] = field(default_factory=dict)
    cid_to_gid: dict[int, int] = field(default_factory=dict)
    to_unicode: dict[int, str] = field(default_factory=dict)

    def code_for(self, gid: int, text: str) -> int:
        """The glyph's own code when its usual text is right here, else an extra code."""
        if gid not in self.to_unicode:
            self.to_unicode[gid] = self.default_text(gid)
        if text == self.to_unicode[gid] or not self.can_remap:
            return gid
        key = (gid, text)
        if key not in self.codes:
            if self.next_code > MAX_CODE:
                return gid
            self.codes[key] = code = self.next_code
            self.next_code += 1
            self.cid_to_gid[code] = gid
            self.to_unicode[code] = text
        return self.codes[key]

    def default_text(self, gid: int) -> str:
        if self.reader is not None and gid in self.reader.text:
            return self.reader.text[gid]
        return self.fallback.get(gid, "")


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


class TextLayerFixer:
    """A WeasyPrint ``finisher``: rewrites the fonts' ToUnicode maps and text codes."""

    def __init__(self, registry: FontRegistry) -> None:
        self.registry = registry

    def __call__(self, document: object, pdf: pydyf.PDF) -> None:
        plans = self._plans(pdf)
        if not plans:
            return
        for obj in pdf.objects:
            # Content streams hold one operator per item; a font program is a single item.
            if isinstance(obj, pydyf.Stream) and len(obj.stream) > 1:
                self._rewrite(obj, plans)
        for font_dict, plan in plans.values():
            self._finish_font(pdf, font_dict, plan)

    def _plans(self, pdf: pydyf.PDF) -> dict[bytes, tuple[pydyf.Dictionary, _FontPlan]]:
        """Each Type0 font by its resource name (the part of BaseFont before '+')."""
        plans = {}
        for obj in pdf.objects:
            if not (isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Type0"):
                continue
            base = pydyf._to_bytes(obj["BaseFont"])
            resource = base[1:].split(b"+", 1)[0]
            descendant = _deref(pdf, obj["DescendantFonts"][0])
            descriptor = _deref(pdf, descendant["FontDescriptor"])
            program = descriptor.get("FontFile2")
            to_unicode = _deref(pdf, obj["ToUnicode"])
            fallback = _parse_cmap(to_unicode)
            widths = _parse_widths(descendant.get("W", []))
            reader = None
            if program is not None:
                font_stream = _deref(pdf, program)
                reader = self.registry.reader_for(b"".join(font_stream.stream))
            # Extra codes need an identity encoding and a TrueType CID font (CIDToGIDMap).
            can_remap = (
                reader is not None
                and obj.get("Encoding") == "/Identity-H"
                and descendant.get("CIDToGIDMap") == "/Identity"
            )
            top = max([*widths, *fallback, 0])
            plans[resource] = (
                obj,
                _FontPlan(reader, fallback, widths, can_remap, next_code=top + 1),
            )
        return plans

    def _rewrite(
        self, stream: pydyf.Stream, plans: dict[bytes, tuple[pydyf.Dictionary, _FontPlan]]
    ) -> None:
        """Read each text object's glyphs per font, then put back the codes chosen.

        WeasyPrint writes one operator per stream item (``BT``, ``/F 12 Tf``, ``[<…>…] TJ``),
        so the items are read as they are, without parsing the stream again.
        """
        items = stream.stream
        font: _FontPlan | None = None
        gids: list[int] = []
        # (item index, start in gids, glyph count) of each hex string of the current run
        strings: list[tuple[int, int, int]] = []
        # item index → the new codes of each of its hex strings (None: unchanged)
        changed: dict[int, list[list[int] | None]] = {}

        def flush() -> None:
            if font is not None and gids:
                if font.reader is not None:
                    texts = font.reader.read(gids, font.fallback)
                else:
                    texts = [font.fallback.get(g, "") for g in gids]
                codes = [font.code_for(g, t) for g, t in zip(gids, texts, strict=True)]
                if codes != gids:
                    for index, start, count in strings:
                        new = codes[start : start + count]
                        changed.setdefault(index, []).append(
                            new if new != gids[start : start + count] else None
                        )
                    for index in {i for i, _, _ in strings}:
                        if all(c is None for c in changed[index]):
                            del changed[index]
            gids.clear()
            strings.clear()

        for index, item in enumerate(items):
            if type(item) is not bytes:
                continue
            tail = item[-2:]
            if tail == b"TJ":
                if font is None:
                    continue
                for match in _HEX.finditer(item):
                    raw = bytes.fromhex(match.group(1).decode())
                    count = len(raw) // 2
                    strings.append((index, len(gids), count))
                    gids.extend(struct.unpack(f">{count}H", raw))
            elif tail == b"Tf":
                flush()
                name = item.split(None, 1)[0][1:]
                font = plans[name][1] if name in plans else None
            elif item == b"BT" or item == b"ET":
                flush()
        flush()

        for index, replacements in changed.items():
            parts = iter(replacements)

            def replace(match: re.Match[bytes], parts: Iterator[list[int] | None] = parts) -> bytes:
                codes = next(parts)
                if codes is None:
                    return match.group(0)
                return b"<" + struct.pack(f">{len(codes)}H", *codes).hex().encode() + b">"

            items[index] = _HEX.sub(replace, items[index])

    @staticmethod
    def _finish_font(pdf: pydyf.PDF, font_dict: pydyf.Dictionary, plan: _FontPlan) -> None:
        for gid in plan.fallback:
            plan.to_unicode.setdefault(gid, plan.default_text(gid))
        to_unicode = _deref(pdf, font_dict["ToUnicode"])
        to_unicode.stream = _to_unicode_stream(plan.to_unicode, to_unicode.compress)
        if not plan.cid_to_gid:
            return
        descendant = _deref(pdf, font_dict["DescendantFonts"][0])
        top = max(plan.cid_to_gid)
        table = bytearray()
        for cid in range(top + 1):
            table += plan.cid_to_gid.get(cid, cid).to_bytes(2, "big")
        cid_map = pydyf.Stream([bytes(table)], compress=to_unicode.compress)
        pdf.add_object(cid_map)
        descendant["CIDToGIDMap"] = cid_map.reference
        widths = descendant.get("W")
        if widths is not None:
            for cid, gid in sorted(plan.cid_to_gid.items()):
                widths.extend([cid, pydyf.Array([plan.widths.get(gid, 0)])])
