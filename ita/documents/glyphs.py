"""What each glyph of a font stands for, and how a run of glyphs groups into clusters that read
in the order typed (``ita.documents.textlayer`` writes them into the PDF's text layer).

A glyph's text comes from the font itself (its cmap read backwards, GSUB ligatures, glyph names,
single substitutions). A cluster is a base and its marks; Thai SARA AM, drawn as NIKHAHIT then
SARA AA, reads as SARA AM; a vowel drawn before its base (Khmer, Indic scripts) reads after it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from fontTools import agl
from fontTools.ttLib import TTFont

NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
SARA_AM = "\u0e33"
COENG = "\u17d2"
# Vowels typed after their consonant but drawn before it (Unicode's Indic positional category
# Left): Khmer, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Malayalam, Sinhala,
# Myanmar. The shaper draws the glyph first; the cluster reads it after its base.
PRE_BASE = frozenset(
    "\u17c1\u17c2\u17c3\u093f\u09bf\u09c7\u09c8\u0a3f\u0abf\u0b47\u0bc6\u0bc7\u0bc8"
    "\u0d46\u0d47\u0d48\u0dd9\u0dda\u0ddb\u1031"
)


@cache
def _is_pre_base(text: str) -> bool:
    return bool(text) and all(c in PRE_BASE for c in text)


@cache
def _is_mark(text: str) -> bool:
    """A glyph drawn on or after the previous base: its characters are all combining marks, or
    it starts with one (a Khmer subscript consonant reads COENG and the consonant; a dependent
    vowel drawn after its base, such as Khmer AA, is a spacing mark)."""
    if not text:
        return False
    if all(unicodedata.category(c) in ("Mn", "Me") for c in text):
        return True
    return unicodedata.category(text[0]) in ("Mn", "Mc", "Me") and text[0] not in PRE_BASE


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
        gid = {name: i for i, name in enumerate(font.getGlyphOrder())}
        text, private = _cmap_backwards(font, gid)
        singles, ligatures = _substitutions(font)
        _read_ligatures(text, gid, ligatures)
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


def _cmap_backwards(font: TTFont, gid: dict[str, int]) -> tuple[dict[int, str], dict[int, str]]:
    """The cmap backwards; the lowest code point wins (space before no-break space), and a
    private-use code (old Thai fonts map lowered tone marks there) kept apart, for when nothing
    else says what the glyph is."""
    text: dict[int, str] = {}
    private: dict[int, str] = {}
    for code, name in sorted((font.getBestCmap() or {}).items(), reverse=True):
        (private if 0xE000 <= code <= 0xF8FF else text)[gid[name]] = chr(code)
    return text, private


def _substitutions(
    font: TTFont,
) -> tuple[list[tuple[str, str]], list[tuple[list[str], str]]]:
    """The font's single substitutions (glyph → variant) and ligatures (components → glyph)."""
    singles: list[tuple[str, str]] = []
    ligatures: list[tuple[list[str], str]] = []
    if "GSUB" not in font or not font["GSUB"].table.LookupList:
        return singles, ligatures
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            if lookup.LookupType == 7:  # Extension: the real subtable inside
                sub = sub.ExtSubTable
            kind = getattr(sub, "LookupType", lookup.LookupType)
            if kind == 1:
                singles.extend(sub.mapping.items())
            elif kind == 4:
                for first, ligs in sub.ligatures.items():
                    ligatures.extend(([first, *lig.Component], lig.LigGlyph) for lig in ligs)
    return singles, ligatures


def _read_ligatures(
    text: dict[int, str], gid: dict[str, int], ligatures: list[tuple[list[str], str]]
) -> None:
    """A ligature glyph stands for all its components (ง with a macron below: two characters).
    A ligature that also has a presentation-form code point (ﬁ, U+FB01) reads as the letters
    typed (fi): the cmap's form is only their compatibility equivalent."""
    for components, out in ligatures:
        if not all(gid[c] in text for c in components):
            continue
        letters = "".join(text[gid[c]] for c in components)
        current = text.get(gid[out])
        if current is None or unicodedata.normalize("NFKD", current) == letters:
            text[gid[out]] = letters


def cluster_text(texts: list[str]) -> str:
    """What a cluster's glyphs (a base and its marks, maybe SARA AA) read, in typed order.

    SARA AM is drawn as NIKHAHIT (before any tone mark) then SARA AA: the cluster reads SARA AM
    at its end. Marks are put in canonical order (the font draws the lowered tone mark before
    the vowel below it).
    """
    if len(texts) > 2 and texts[-1] == SARA_AA and NIKHAHIT in texts[1:-1]:
        at = len(texts) - 2 - texts[-2:0:-1].index(NIKHAHIT)
        texts = [*texts[:at], *texts[at + 1 : -1], SARA_AM]
    lead = 0
    while lead < len(texts) - 1 and _is_pre_base(texts[lead]):
        lead += 1
    if lead:  # a vowel drawn before its base reads after the base and its subscripts
        texts = [*texts[lead:], *texts[:lead]]
    return canonical_order("".join(texts))


def clusters(texts: list[str]) -> list[range]:
    """A run's glyphs grouped: a base, its marks, and SARA AA when it ends a SARA AM."""
    groups: list[range] = []
    i = 0
    while i < len(texts):
        j = i
        # A vowel drawn before its base belongs to the cluster of the base after it.
        while j < len(texts) - 1 and _is_pre_base(texts[j]):
            j += 1
        j += 1
        # Marks, and a consonant joined by COENG (Khmer subscripts, when the face draws COENG
        # and the consonant as two glyphs).
        while j < len(texts) and (_is_mark(texts[j]) or texts[j - 1].endswith(COENG)):
            j += 1
        if j < len(texts) and texts[j] == SARA_AA and NIKHAHIT in texts[i + 1 : j]:
            j += 1
        groups.append(range(i, j))
        i = j
    return groups
