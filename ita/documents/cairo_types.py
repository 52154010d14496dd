"""What ``ita.documents.table_pdf`` calls in Pango's, cairo's, fontconfig's and GObject's C
libraries through cffi, as the type checker sees it: each library the functions the module
declares (``table_pdf._CDEF``) or takes from WeasyPrint's binding, each C object a distinct type
(a handle the libraries give and take), and the C structs whose fields it reads.

cffi itself has no type information: these are the C declarations, written again for mypy.
"""

from __future__ import annotations

from typing import NewType, Protocol, TypeVar

# Handles: pointers to C objects that only the libraries read.
Surface = NewType("Surface", object)  # cairo_surface_t *
Cairo = NewType("Cairo", object)  # cairo_t *
ScaledFont = NewType("ScaledFont", object)  # cairo_scaled_font_t *
FontMap = NewType("FontMap", object)  # PangoFontMap *
PangoContext = NewType("PangoContext", object)  # PangoContext *
Font = NewType("Font", object)  # PangoFont *
FontDescription = NewType("FontDescription", object)  # PangoFontDescription *
Layout = NewType("Layout", object)  # PangoLayout *
LayoutIter = NewType("LayoutIter", object)  # PangoLayoutIter *
AttrList = NewType("AttrList", object)  # PangoAttrList *
FcConfig = NewType("FcConfig", object)  # FcConfig *

T_co = TypeVar("T_co", covariant=True)


class Array(Protocol[T_co]):
    """A C array (a pointer to its first item): read by index, with no length of its own."""

    def __getitem__(self, index: int, /) -> T_co: ...


# Structs whose fields are read (or, for an attribute, written).
class Rectangle(Protocol):  # PangoRectangle, in Pango units
    x: int
    y: int
    width: int
    height: int


class Attribute(Protocol):  # PangoAttribute: the bytes of the text it covers
    start_index: int
    end_index: int


class GlyphGeometry(Protocol):  # PangoGlyphGeometry, in Pango units
    width: int
    x_offset: int
    y_offset: int


class GlyphInfo(Protocol):  # PangoGlyphInfo
    glyph: int
    geometry: GlyphGeometry


class GlyphString(Protocol):  # PangoGlyphString
    num_glyphs: int
    log_clusters: Array[int]  # each glyph's cluster: its first byte in the item's text
    glyphs: Array[GlyphInfo]


class Analysis(Protocol):  # PangoAnalysis
    font: Font


class Item(Protocol):  # PangoItem: a run's bytes of the layout's text, and its font
    offset: int
    length: int
    analysis: Analysis


class GlyphItem(Protocol):  # PangoGlyphItem (PangoLayoutRun)
    item: Item
    glyphs: GlyphString


class Runs(Protocol):  # GSList of PangoGlyphItem *, ended by NULL
    data: GlyphItem
    next: Runs


class LayoutLine(Protocol):  # PangoLayoutLine, owned by its layout
    runs: Runs


# The libraries: the functions called, with their C signatures.
class CairoLib(Protocol):
    def cairo_pdf_surface_create_for_stream(
        self, write: object, closure: object, width: float, height: float, /
    ) -> Surface: ...
    def cairo_pdf_surface_set_metadata(
        self, surface: Surface, key: int, text: bytes, /
    ) -> None: ...
    def cairo_surface_status(self, surface: Surface, /) -> int: ...
    def cairo_surface_finish(self, surface: Surface, /) -> None: ...
    def cairo_surface_destroy(self, surface: Surface, /) -> None: ...
    def cairo_create(self, surface: Surface, /) -> Cairo: ...
    def cairo_destroy(self, cr: Cairo, /) -> None: ...
    def cairo_show_page(self, cr: Cairo, /) -> None: ...
    def cairo_move_to(self, cr: Cairo, x: float, y: float, /) -> None: ...
    def cairo_line_to(self, cr: Cairo, x: float, y: float, /) -> None: ...
    def cairo_set_line_width(self, cr: Cairo, width: float, /) -> None: ...
    def cairo_stroke(self, cr: Cairo, /) -> None: ...
    def cairo_fill(self, cr: Cairo, /) -> None: ...
    def cairo_set_source_rgba(
        self, cr: Cairo, red: float, green: float, blue: float, alpha: float, /
    ) -> None: ...
    def cairo_set_scaled_font(self, cr: Cairo, font: ScaledFont, /) -> None: ...
    def cairo_show_text_glyphs(
        self,
        cr: Cairo,
        utf8: bytes,
        utf8_length: int,
        glyphs: object,  # cairo_glyph_t[]
        glyph_count: int,
        clusters: object,  # cairo_text_cluster_t[]
        cluster_count: int,
        flags: int,
        /,
    ) -> None: ...
    def cairo_glyph_path(self, cr: Cairo, glyphs: object, count: int, /) -> None: ...


class PangoCairoLib(Protocol):
    def pango_cairo_font_map_new_for_font_type(self, font_type: int, /) -> FontMap: ...
    def pango_cairo_update_context(self, cr: Cairo, context: PangoContext, /) -> None: ...
    def pango_cairo_font_get_scaled_font(self, font: Font, /) -> ScaledFont: ...


class PangoLib(Protocol):
    def pango_font_map_create_context(self, font_map: FontMap, /) -> PangoContext: ...
    def pango_font_describe_with_absolute_size(self, font: Font, /) -> FontDescription: ...
    def pango_font_description_new(self) -> FontDescription: ...
    def pango_font_description_free(self, description: FontDescription, /) -> None: ...
    def pango_font_description_get_family(
        self, description: FontDescription, /
    ) -> object: ...  # const char *, read with ffi.string
    def pango_font_description_get_weight(self, description: FontDescription, /) -> int: ...
    def pango_font_description_get_size(self, description: FontDescription, /) -> int: ...
    def pango_font_description_set_family(
        self, description: FontDescription, family: bytes, /
    ) -> None: ...
    def pango_font_description_set_weight(
        self, description: FontDescription, weight: int, /
    ) -> None: ...
    def pango_font_description_set_absolute_size(
        self, description: FontDescription, size: float, /
    ) -> None: ...
    def pango_layout_new(self, context: PangoContext, /) -> Layout: ...
    def pango_layout_set_font_description(
        self, layout: Layout, description: FontDescription, /
    ) -> None: ...
    def pango_layout_set_width(self, layout: Layout, width: int, /) -> None: ...
    def pango_layout_set_wrap(self, layout: Layout, wrap: int, /) -> None: ...
    def pango_layout_set_alignment(self, layout: Layout, alignment: int, /) -> None: ...
    def pango_layout_set_text(self, layout: Layout, text: bytes, length: int, /) -> None: ...
    def pango_layout_set_attributes(self, layout: Layout, attributes: AttrList, /) -> None: ...
    def pango_attr_list_new(self) -> AttrList: ...
    def pango_attr_list_insert(self, attributes: AttrList, attribute: Attribute, /) -> None: ...
    def pango_attr_list_unref(self, attributes: AttrList, /) -> None: ...
    def pango_attr_allow_breaks_new(self, allow: int, /) -> Attribute: ...
    def pango_layout_get_iter(self, layout: Layout, /) -> LayoutIter: ...
    def pango_layout_iter_next_line(self, lines: LayoutIter, /) -> int: ...
    def pango_layout_iter_get_line_readonly(self, lines: LayoutIter, /) -> LayoutLine: ...
    def pango_layout_iter_get_line_extents(
        self, lines: LayoutIter, ink: object, logical: Rectangle, /
    ) -> None: ...  # ink: NULL (not asked for)
    def pango_layout_iter_get_baseline(self, lines: LayoutIter, /) -> int: ...
    def pango_layout_iter_free(self, lines: LayoutIter, /) -> None: ...


class PangoFT2Lib(Protocol):
    def pango_fc_font_map_set_config(self, font_map: object, config: FcConfig, /) -> None: ...


class FontconfigLib(Protocol):
    def FcConfigCreate(self) -> FcConfig: ...
    def FcConfigAppFontAddFile(self, config: FcConfig, path: bytes, /) -> int: ...


class GObjectLib(Protocol):
    def g_object_ref(self, instance: object, /) -> object: ...
    def g_object_unref(self, instance: object, /) -> None: ...
