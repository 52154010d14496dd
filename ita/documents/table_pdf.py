"""The outgoing register's PDF drawn straight with Pango and cairo, page after page as its rows
arrive: a year of any size in one pass, with a part's rows in memory.

WeasyPrint lays out every line of text in Python (about 0.6 ms a line: a register of 10,000
numbers is 240,000 lines, minutes of CPU); the register is one ruled table, so here Pango breaks
each cell's text into lines (libthai's dictionary, as WeasyPrint's Pango does) and cairo draws the
lines and the rules into a PDF written to the output as each page ends. cairo's PDF keeps the text
readable: each glyph's cluster is written with its text (a mark-bearing Thai cluster as
``/ActualText``), so สำนักปลัด comes back whole in poppler, PDFium and MuPDF.

The fonts are the shipped ones only (a fontconfig of our own: Laksaman, and GNU Unifont for a
character Laksaman lacks), never the machine's. The libraries are Pango's and cairo's C
libraries, loaded through cffi (WeasyPrint's own binding layer): ``libpangocairo-1.0-0`` and
``libcairo2`` (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import IO, cast

from cffi import FFI
from fontTools.ttLib import TTFont

from ita.documents import cairo_types as c
from ita.documents.data import RegisterRow
from ita.documents.engine import fonts_dir, printable
from ita.documents.glyphs import GlyphText
from ita.lib import thai

# What WeasyPrint's binding (weasyprint.text.ffi, included below) does not declare.
_CDEF = """
typedef int cairo_status_t;
typedef struct _cairo_surface cairo_surface_t;
typedef struct _cairo cairo_t;
typedef struct _cairo_scaled_font cairo_scaled_font_t;
typedef struct { unsigned long index; double x; double y; } cairo_glyph_t;
typedef struct { int num_bytes; int num_glyphs; } cairo_text_cluster_t;
typedef cairo_status_t (*cairo_write_func_t)(void *, const unsigned char *, unsigned int);
cairo_surface_t *cairo_pdf_surface_create_for_stream(
    cairo_write_func_t, void *, double, double);
void cairo_pdf_surface_set_metadata(cairo_surface_t *, int, const char *);
cairo_status_t cairo_surface_status(cairo_surface_t *);
void cairo_surface_finish(cairo_surface_t *);
void cairo_surface_destroy(cairo_surface_t *);
cairo_t *cairo_create(cairo_surface_t *);
void cairo_destroy(cairo_t *);
void cairo_show_page(cairo_t *);
void cairo_move_to(cairo_t *, double, double);
void cairo_line_to(cairo_t *, double, double);
void cairo_set_line_width(cairo_t *, double);
void cairo_stroke(cairo_t *);
void cairo_fill(cairo_t *);
void cairo_set_source_rgba(cairo_t *, double, double, double, double);
void cairo_set_scaled_font(cairo_t *, const cairo_scaled_font_t *);
void cairo_show_text_glyphs(cairo_t *, const char *, int, const cairo_glyph_t *, int,
    const cairo_text_cluster_t *, int, int);
void cairo_glyph_path(cairo_t *, const cairo_glyph_t *, int);

FcConfig *FcConfigCreate(void);

void *g_object_ref(void *);

PangoFontMap *pango_cairo_font_map_new_for_font_type(int);
void pango_cairo_update_context(cairo_t *, PangoContext *);
cairo_scaled_font_t *pango_cairo_font_get_scaled_font(PangoFont *);
void pango_layout_set_alignment(PangoLayout *, int);
PangoAttribute *pango_attr_allow_breaks_new(int);
PangoLayoutIter *pango_layout_get_iter(PangoLayout *);
int pango_layout_iter_next_line(PangoLayoutIter *);
PangoLayoutLine *pango_layout_iter_get_line_readonly(PangoLayoutIter *);
void pango_layout_iter_get_line_extents(PangoLayoutIter *, PangoRectangle *, PangoRectangle *);
int pango_layout_iter_get_baseline(PangoLayoutIter *);
void pango_layout_iter_free(PangoLayoutIter *);
"""

_PANGO_SCALE = 1024
_WRAP_WORD, _WRAP_WORD_CHAR = 0, 2
_ALIGN_CENTER = 1
_WEIGHT_BOLD = 700
_CAIRO_FONT_TYPE_FT = 1
_METADATA_TITLE = 0

# The page, as the register's form had it in HTML: A4 landscape, margins 1.5 cm (2 cm left).
_CM = 72 / 2.54
PAGE_WIDTH, PAGE_HEIGHT = 29.7 * _CM, 21.0 * _CM
LEFT, RIGHT, TOP, BOTTOM = 2 * _CM, 1.5 * _CM, 1.5 * _CM, 1.5 * _CM
TABLE_WIDTH = PAGE_WIDTH - LEFT - RIGHT
FONT_SIZE, LINE = 14.0, 14.0 * 1.25  # pt; a line is 1.25 of the size, as the form's CSS
HEADING_SIZE, HEADING_LINE = 20.0, 25.0
FOOT_SIZE = 12.0
SMALLEST = 9.0  # pt: a heading or a reference no smaller
PAD_X, PAD_Y, RULE = 4.0, 1.0, 0.5
HEADINGS = ("เลขทะเบียนส่ง", "ที่", "ลงวันที่", "จาก", "ถึง", "เรื่อง", "การปฏิบัติ", "หมายเหตุ")
REFERENCE = 1  # the column of ที่
SHARES = (0.06, 0.10, 0.09, 0.17, 0.13, 0.31, 0.07, 0.07)  # of the table's width
EMPTY = "ยังไม่มีหนังสือส่งในปีนี้"
# Laksaman, and GNU Unifont for a character Laksaman lacks (as ita.documents.engine's faces).
REGULAR, BOLD, FALLBACK = "Laksaman.ttf", "Laksaman-Bold.ttf", "Unifont.ttf"
FACES = (REGULAR, BOLD, FALLBACK)


class _Either:
    """A C library's functions: those this module declares, else WeasyPrint's."""

    def __init__(self, ours: object, theirs: object) -> None:
        self.ours, self.theirs = ours, theirs

    def __getattr__(self, name: str) -> object:
        try:
            function = getattr(self.ours, name)
        except AttributeError:
            function = getattr(self.theirs, name)
        setattr(self, name, function)
        return function


class _Native:
    """The C libraries, loaded once per process (WeasyPrint has loaded Pango's already)."""

    def __init__(self) -> None:
        from weasyprint.text import ffi as weasyprint  # noqa: PLC0415 (Pango, fonts: ~0.4 s)

        self.ffi = FFI()
        self.ffi.include(weasyprint.ffi)
        self.ffi.cdef(_CDEF)
        self.cairo: c.CairoLib = self.ffi.dlopen("libcairo.so.2")
        self.pangocairo: c.PangoCairoLib = self.ffi.dlopen("libpangocairo-1.0.so.0")
        # A function declared here is called through this binding, the rest through WeasyPrint's
        # (the types are shared: the second includes the first). Each function of the library's
        # type is declared in one of the two.
        self.pango = cast(
            c.PangoLib, _Either(self.ffi.dlopen("libpango-1.0.so.0"), weasyprint.pango)
        )
        self.pangoft2: c.PangoFT2Lib = weasyprint.pangoft2
        self.fontconfig = cast(
            c.FontconfigLib,
            _Either(self.ffi.dlopen("libfontconfig.so.1"), weasyprint.fontconfig),
        )
        self.gobject = cast(
            c.GObjectLib, _Either(self.ffi.dlopen("libgobject-2.0.so.0"), weasyprint.gobject)
        )


@cache
def _native() -> _Native:
    return _Native()


@cache
def _font_map() -> c.FontMap:
    """Pango's font map over our fonts only (the process keeps it)."""
    native = _native()
    config = native.fontconfig.FcConfigCreate()
    for face in FACES:
        if not native.fontconfig.FcConfigAppFontAddFile(config, str(fonts_dir() / face).encode()):
            raise FileNotFoundError(fonts_dir() / face)
    font_map = native.pangocairo.pango_cairo_font_map_new_for_font_type(_CAIRO_FONT_TYPE_FT)
    native.pangoft2.pango_fc_font_map_set_config(
        native.ffi.cast("PangoFcFontMap *", font_map), config
    )
    return font_map


@dataclass
class _Face:
    scaled: c.ScaledFont
    glyphs: GlyphText  # what each glyph reads
    nominal: dict[str, tuple[int, float]]  # each character's own glyph and its advance (pt)


@cache
def _font_file(face: str) -> tuple[GlyphText, dict[str, tuple[int, int]], int]:
    """What each glyph of a shipped face reads; each character's own glyph and its advance in
    font units; the units per em."""
    font = TTFont(fonts_dir() / face)
    order = {name: i for i, name in enumerate(font.getGlyphOrder())}
    metrics = font["hmtx"]
    nominal = {
        chr(code): (order[name], metrics[name][0])
        for code, name in (font.getBestCmap() or {}).items()
    }
    return GlyphText.from_font(font), nominal, font["head"].unitsPerEm


_FACES: dict[int, _Face] = {}


def _face(font: c.Font) -> _Face:
    """The cairo font and glyph texts of a Pango font (Pango keeps its fonts: one per size)."""
    key = int(_native().ffi.cast("uintptr_t", font))
    known = _FACES.get(key)
    if known is None:
        native = _native()
        description = native.pango.pango_font_describe_with_absolute_size(font)
        try:
            family = native.ffi.string(
                native.pango.pango_font_description_get_family(description)
            ).decode()
            bold = native.pango.pango_font_description_get_weight(description) >= _WEIGHT_BOLD
            size = native.pango.pango_font_description_get_size(description) / _PANGO_SCALE
        finally:
            native.pango.pango_font_description_free(description)
        name = FALLBACK if "unifont" in family.lower() else BOLD if bold else REGULAR
        glyphs, nominal, units = _font_file(name)
        native.gobject.g_object_ref(font)  # kept, so that its address never names another font
        known = _FACES[key] = _Face(
            native.pangocairo.pango_cairo_font_get_scaled_font(font),
            glyphs,
            {c: (gid, advance * size / units) for c, (gid, advance) in nominal.items()},
        )
    return known


@cache
def _font(size: float, bold: bool) -> c.FontDescription:
    native = _native()
    description = native.pango.pango_font_description_new()
    native.pango.pango_font_description_set_family(description, b"Laksaman")
    if bold:
        native.pango.pango_font_description_set_weight(description, _WEIGHT_BOLD)
    native.pango.pango_font_description_set_absolute_size(description, size * _PANGO_SCALE)
    return description


@cache
def _phrases(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The names kept on one line (as ``pdf_tags.unbroken`` keeps them in the HTML documents)."""
    kept = {thai.thai_digits(n) for n in (*names, *thai.UNBREAKABLE) if n.strip()}
    if not kept:
        return None
    return re.compile("|".join(re.escape(p) for p in sorted(kept, key=len, reverse=True)))


_WORDS = re.compile(r"\S+")


@dataclass
class _Line:
    line: c.LayoutLine
    top: float  # from the cell's top
    baseline: float


class _Text:
    """A piece of text broken into lines ``width`` wide, each line ``LINE`` high (the CSS box
    model: the font's own height centred in the line)."""

    def __init__(
        self,
        page: _Page,
        text: str,
        width: float,
        *,
        size: float = FONT_SIZE,
        line: float = LINE,
        bold: bool = False,
        centred: bool = False,
        names: tuple[str, ...] = (),
        whole_words: bool = False,
        wrap: int = _WRAP_WORD_CHAR,
    ) -> None:
        native = page.native
        pango = native.pango
        self.native = native
        self.layout = pango.pango_layout_new(page.context)
        pango.pango_layout_set_font_description(self.layout, _font(size, bold))
        pango.pango_layout_set_width(self.layout, max(1, int(width * _PANGO_SCALE)))
        pango.pango_layout_set_wrap(self.layout, wrap)
        if centred:
            pango.pango_layout_set_alignment(self.layout, _ALIGN_CENTER)
        text = printable(text)
        self.encoded = encoded = text.encode()
        pango.pango_layout_set_text(self.layout, encoded, len(encoded))
        pattern = _WORDS if whole_words else _phrases(names)
        if pattern is not None:
            attributes = pango.pango_attr_list_new()
            for found in pattern.finditer(text):
                attribute = pango.pango_attr_allow_breaks_new(0)
                attribute.start_index = len(text[: found.start()].encode())
                attribute.end_index = len(text[: found.end()].encode())
                pango.pango_attr_list_insert(attributes, attribute)
            pango.pango_layout_set_attributes(self.layout, attributes)
            pango.pango_attr_list_unref(attributes)
        self.lines: list[_Line] = []
        self.x_offsets: list[float] = []
        self.widest = 0.0  # the longest line's width
        logical: c.Rectangle = page.native.ffi.new("PangoRectangle *")
        lines = pango.pango_layout_get_iter(self.layout)
        try:
            while True:
                pango.pango_layout_iter_get_line_extents(lines, page.native.ffi.NULL, logical)
                first_top = logical.y / _PANGO_SCALE
                baseline = pango.pango_layout_iter_get_baseline(lines) / _PANGO_SCALE
                ascent = baseline - first_top
                height = logical.height / _PANGO_SCALE
                top = len(self.lines) * line
                self.lines.append(
                    _Line(
                        pango.pango_layout_iter_get_line_readonly(lines),
                        top,
                        top + (line - height) / 2 + ascent,
                    )
                )
                self.x_offsets.append(logical.x / _PANGO_SCALE)
                self.widest = max(self.widest, (logical.x + logical.width) / _PANGO_SCALE)
                if not pango.pango_layout_iter_next_line(lines):
                    break
        finally:
            pango.pango_layout_iter_free(lines)
        self.height = len(self.lines) * line

    def draw(self, page: _Page, x: float, y: float, first: int = 0, last: int | None = None):
        """Lines ``first`` to ``last`` (excluded) with the first at ``y``."""
        chosen = self.lines[first:last]
        if not chosen:
            return
        shift = chosen[0].top
        for line, offset in zip(chosen, self.x_offsets[first:last], strict=False):
            _show(page, line.line, self.encoded, x + offset, y + line.baseline - shift)

    def close(self) -> None:
        self.native.gobject.g_object_unref(self.layout)


_EMPTY_GLYPH, _UNKNOWN_GLYPH = 0x0FFFFFFF, 0x10000000
_Glyph = tuple[int, float, float]  # glyph id, x, y
# The ink of the text drawn only to be read (under the outlines it reads): clear enough never to
# show, not clear enough for cairo to leave it out.
_READ_ONLY_ALPHA = 1 / 255


@dataclass
class _Piece:
    """Glyphs drawn in one go: as text, each cluster (text, glyphs) mapping its glyphs to its
    text; or as outlines only (no text), followed by their text in read-only ink."""

    pairs: list[tuple[bytes, list[_Glyph]]]
    outlines: list[_Glyph]


def _split(
    face: _Face, text: bytes, glyphs: list[_Glyph], pen: tuple[float, float], shifted: bool
) -> _Piece:
    """A cluster's glyphs as text, glyph by glyph where each glyph's own text, in the order
    drawn, is the text typed (ผู้: ผ, ู, ้). Otherwise (SARA AM, drawn as NIKHAHIT and SARA AA;
    a tone mark drawn before the vowel below) its glyphs are drawn as outlines, and the text
    typed is drawn over them in read-only ink with each character's own glyph, so that the
    text map never gives a glyph two texts (cairo would fall back to ``/ActualText``, which
    pdf.js, MuPDF and pdfminer.six do not read)."""
    own = [face.glyphs.text.get(gid, "") for gid, _x, _y in glyphs]
    typed = text.decode()
    if len(glyphs) == 1 and own[0] == typed and not shifted:
        return _Piece([(text, glyphs)], [])
    if all(own) and "".join(own) == typed and not shifted:
        return _Piece([(t.encode(), [g]) for t, g in zip(own, glyphs, strict=True)], [])
    if not all(c in face.nominal for c in typed):
        return _Piece([(text, glyphs)], [])  # cairo's /ActualText: read by some readers only
    pairs = []
    x, y = pen
    for char in typed:
        gid, advance = face.nominal[char]
        pairs.append((char.encode(), [(gid, x, y)]))
        x += advance
    return _Piece(pairs, glyphs)


def _show(page: _Page, line: c.LayoutLine, text: bytes, x: float, y: float) -> None:
    """One laid-out line, its baseline at ``x``, ``y``: each run's clusters drawn in order, with
    the text they stand for (``_split``)."""
    native = page.native
    ffi = native.ffi
    cursor = 0
    runs = line.runs
    while runs != ffi.NULL:
        run = runs.data
        runs = runs.next
        item, glyphs = run.item, run.glyphs
        face = _face(item.analysis.font)
        count, logs = glyphs.num_glyphs, glyphs.log_clusters
        start, end = item.offset, item.offset + item.length
        pieces: list[_Piece] = []
        pending = b""  # text whose glyphs draw nothing (a zero-width character): joins the next
        i = 0
        while i < count:
            j = i + 1
            while j < count and logs[j] == logs[i]:
                j += 1
            cluster = pending + text[start + logs[i] : start + logs[j] if j < count else end]
            pen = (x + cursor / _PANGO_SCALE, y)
            shifted = False  # a mark moved sideways onto its base (ปี): read from the pen
            drawn: list[_Glyph] = []
            for k in range(i, j):
                info = glyphs.glyphs[k]
                geometry = info.geometry
                if not (info.glyph & _UNKNOWN_GLYPH or info.glyph == _EMPTY_GLYPH):
                    drawn.append(
                        (
                            info.glyph,
                            x + (cursor + geometry.x_offset) / _PANGO_SCALE,
                            y + geometry.y_offset / _PANGO_SCALE,
                        )
                    )
                cursor += geometry.width
                shifted = shifted or geometry.x_offset != 0
            i = j
            if not drawn:
                pending = cluster
                continue
            pending = b""
            piece = _split(face, cluster, drawn, pen, shifted)
            if pieces and not piece.outlines and not pieces[-1].outlines:
                pieces[-1].pairs.extend(piece.pairs)
            else:
                pieces.append(piece)
        if pending and pieces:
            last = pieces[-1].pairs[-1]
            pieces[-1].pairs[-1] = (last[0] + pending, last[1])
        for piece in pieces:
            _draw(page, face, piece)


def _draw(page: _Page, face: _Face, piece: _Piece) -> None:
    ffi, cairo, cr = page.native.ffi, page.native.cairo, page.cr
    cairo.cairo_set_scaled_font(cr, face.scaled)
    if piece.outlines:
        cairo.cairo_glyph_path(cr, ffi.new("cairo_glyph_t[]", piece.outlines), len(piece.outlines))
        cairo.cairo_fill(cr)
        cairo.cairo_set_source_rgba(cr, 0, 0, 0, _READ_ONLY_ALPHA)
    utf8 = b"".join(t for t, _g in piece.pairs)
    drawn = [g for _t, gs in piece.pairs for g in gs]
    cairo.cairo_show_text_glyphs(
        cr,
        utf8,
        len(utf8),
        ffi.new("cairo_glyph_t[]", drawn),
        len(drawn),
        ffi.new("cairo_text_cluster_t[]", [(len(t), len(g)) for t, g in piece.pairs]),
        len(piece.pairs),
        0,
    )
    if piece.outlines:
        cairo.cairo_set_source_rgba(cr, 0, 0, 0, 1)


class _Page:
    """The PDF being written, with the page in hand."""

    def __init__(self, out: IO[bytes], title: str) -> None:
        self.native = native = _native()
        ffi = native.ffi

        @ffi.callback("cairo_status_t(void *, const unsigned char *, unsigned int)")
        def write(_closure: object, data: object, length: int) -> int:
            try:
                out.write(ffi.buffer(data, length))
            except Exception:
                self.failed = True
                return 11  # CAIRO_STATUS_WRITE_ERROR
            return 0

        self.failed = False
        self._write = write  # kept alive while cairo holds it
        self.surface = native.cairo.cairo_pdf_surface_create_for_stream(
            write, ffi.NULL, PAGE_WIDTH, PAGE_HEIGHT
        )
        native.cairo.cairo_pdf_surface_set_metadata(self.surface, _METADATA_TITLE, title.encode())
        self.cr = native.cairo.cairo_create(self.surface)
        self.context = native.pango.pango_font_map_create_context(_font_map())
        native.pangocairo.pango_cairo_update_context(self.cr, self.context)
        native.cairo.cairo_set_line_width(self.cr, RULE)
        self.number = 1
        self.y = TOP

    def rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.native.cairo.cairo_move_to(self.cr, x0, y0)
        self.native.cairo.cairo_line_to(self.cr, x1, y1)

    def stroke(self) -> None:
        self.native.cairo.cairo_stroke(self.cr)

    def next(self) -> None:
        self.native.cairo.cairo_show_page(self.cr)
        self.number += 1
        self.y = TOP

    def finish(self) -> None:
        cairo = self.native.cairo
        cairo.cairo_destroy(self.cr)
        self.native.gobject.g_object_unref(self.context)
        cairo.cairo_surface_finish(self.surface)
        status = cairo.cairo_surface_status(self.surface)
        cairo.cairo_surface_destroy(self.surface)
        if self.failed or status:
            raise OSError(f"the register's PDF could not be written (cairo status {status})")


def _columns() -> list[tuple[float, float]]:
    """Each column's left edge and width."""
    edges, x = [], LEFT
    for share in SHARES:
        edges.append((x, TABLE_WIDTH * share))
        x += TABLE_WIDTH * share
    return edges


class _Row:
    """A row of cells, laid out; drawn whole or a slice of its lines at a time."""

    def __init__(
        self, page: _Page, cells: Sequence[str], names: tuple[str, ...], *, heads: bool = False
    ) -> None:
        columns = _columns()
        if len(cells) == 1:  # one cell across the table ("no memo yet")
            columns = [(LEFT, TABLE_WIDTH)]
        self.columns = columns
        self.texts = [
            _fitted(page, text, width - 2 * PAD_X - RULE, heading=heads)
            if heads or index == REFERENCE
            else _Text(page, text, width - 2 * PAD_X - RULE, names=names)
            for index, (text, (_x, width)) in enumerate(zip(cells, columns, strict=True))
        ]
        self.lines = max(len(t.lines) for t in self.texts)

    def height(self, first: int = 0, last: int | None = None) -> float:
        last = self.lines if last is None else last
        return (last - first) * LINE + 2 * PAD_Y + RULE

    def draw(self, page: _Page, first: int = 0, last: int | None = None) -> None:
        """Lines ``first`` to ``last`` of every cell at the page's ``y``, ruled around."""
        top = page.y
        bottom = top + self.height(first, last)
        for text, (x, _width) in zip(self.texts, self.columns, strict=True):
            text.draw(page, x + RULE / 2 + PAD_X, top + RULE / 2 + PAD_Y, first, last)
        page.rule(LEFT, top, LEFT + TABLE_WIDTH, top)
        page.rule(LEFT, bottom, LEFT + TABLE_WIDTH, bottom)
        for x, _width in self.columns:
            page.rule(x, top, x, bottom)
        page.rule(LEFT + TABLE_WIDTH, top, LEFT + TABLE_WIDTH, bottom)
        page.stroke()
        page.y = bottom

    def close(self) -> None:
        for text in self.texts:
            text.close()


def _fitted(page: _Page, text: str, width: float, *, heading: bool) -> _Text:
    """A column's heading (bold, broken only between words: เลข/ทะเบียน/ส่ง) or a reference
    (ตง ๗๘๒๐๑/๑๒๓, on one line, so that a search finds it whole), at the largest size up to the
    text's at which it fits its narrow column; at the smallest, a reference breaks at its space
    and a word longer than the column breaks where it must."""
    size = FONT_SIZE
    while True:
        smallest = size <= SMALLEST
        laid = _Text(
            page,
            text,
            width,
            size=size,
            bold=heading,
            whole_words=not heading,
            wrap=_WRAP_WORD_CHAR if smallest else _WRAP_WORD,
        )
        if smallest or (laid.widest <= width and (heading or len(laid.lines) == 1)):
            return laid
        laid.close()
        size -= 1


def _cells(row: RegisterRow) -> list[str]:
    return [
        thai.thai_digits(row.number),
        thai.thai_digits(row.reference),
        thai.date_th(row.date, digits=True) if isinstance(row.date, dt.date) else "",
        thai.thai_digits(row.sender),
        thai.thai_digits(row.addressee),
        thai.thai_digits(row.subject),
        row.action,
        row.note,
    ]


def _foot(page: _Page) -> None:
    """The page's number at the foot, on the right: หน้า ๑, counted over the whole register."""
    text = _Text(page, f"หน้า {thai.thai_digits(page.number)}", TABLE_WIDTH, size=FOOT_SIZE)
    try:
        width = TABLE_WIDTH - max(_line_width(page, text), 0)
        text.draw(page, LEFT + width, PAGE_HEIGHT - BOTTOM + 0.3 * _CM)
    finally:
        text.close()


def _line_width(page: _Page, text: _Text) -> float:
    logical: c.Rectangle = page.native.ffi.new("PangoRectangle *")
    lines = page.native.pango.pango_layout_get_iter(text.layout)
    try:
        page.native.pango.pango_layout_iter_get_line_extents(lines, page.native.ffi.NULL, logical)
    finally:
        page.native.pango.pango_layout_iter_free(lines)
    return (logical.x + logical.width) / _PANGO_SCALE


def write_register(
    out: IO[bytes],
    *,
    organisation: str,
    year: int,
    names: tuple[str, ...],
    rows: Iterable[RegisterRow],
) -> int:
    """Write the register of ``organisation``'s fiscal ``year`` to ``out`` as ``rows`` arrive
    (read them a part at a time: only the row in hand is laid out); the number of pages."""
    title = f"ทะเบียนหนังสือส่ง {organisation} ปีงบประมาณ {year}"
    page = _Page(out, title)
    header = _Row(page, HEADINGS, (), heads=True)
    try:
        heading = _Text(
            page,
            f"ทะเบียนหนังสือส่ง\n{thai.thai_digits(organisation)}"
            f" ปีงบประมาณ พ.ศ. {thai.thai_digits(year)}",
            TABLE_WIDTH,
            size=HEADING_SIZE,
            line=HEADING_LINE,
            bold=True,
            centred=True,
            names=names,
        )
        heading.draw(page, LEFT, TOP)
        page.y = TOP + heading.height + 6
        heading.close()
        header.draw(page)
        bottom = PAGE_HEIGHT - BOTTOM
        empty = True
        for record in rows:
            empty = False
            _place(page, _Row(page, _cells(record), names), header, bottom)
        if empty:
            _place(page, _Row(page, [EMPTY], names), header, bottom)
        _foot(page)
    finally:
        header.close()
        pages = page.number
        page.finish()
    return pages


def _place(page: _Page, row: _Row, header: _Row, bottom: float) -> None:
    """The row on this page if it fits, else on the next (under the column headings again); a
    row taller than a whole page continues line by line over as many pages as it needs."""
    try:
        if page.y + row.height() > bottom:
            _foot(page)
            page.next()
            header.draw(page)
        first = 0
        while page.y + row.height(first) > bottom:
            room = int((bottom - page.y - 2 * PAD_Y - RULE) // LINE)
            row.draw(page, first, first + max(room, 1))
            first += max(room, 1)
            _foot(page)
            page.next()
            header.draw(page)
        row.draw(page, first)
    finally:
        row.close()
