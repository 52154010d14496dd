"""The PDF's text layer gives back the Thai typed, in every reader's engine (tests/readers.py)."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from ita.documents import engine
from ita.documents.glyphs import GlyphText, canonical_order, cluster_text, clusters
from tests import readers
from tests.pdf import extract

# The module fixtures read the database: pytest-django sets it up only for marked tests.
pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]

FONT = Path(__file__).resolve().parents[2] / "static" / "fonts" / "Laksaman.ttf"


@pytest.fixture(scope="module")
def laksaman() -> tuple[GlyphText, dict[str, int]]:
    font = TTFont(FONT)
    return GlyphText.from_font(font), {n: i for i, n in enumerate(font.getGlyphOrder())}


def test_every_thai_word_of_the_demo_memo_and_report_extracts_exactly(rendered) -> None:
    words = extract.thai_words(extract.document_texts(rendered.memo, rendered.report))
    # Content order (as copy-paste and search read it): every word, exactly.
    raw = extract.word_share(words, extract.pdftotext(rendered.pdf, "-raw"))
    print(f"pdftotext -raw: {raw.exact}/{raw.total} Thai words exact")
    assert raw.missing == ()
    assert raw.total > 300


def test_the_memo_reads_back_exactly_in_pdftotexts_default_layout(rendered) -> None:
    words = extract.thai_words(extract.document_texts(rendered.memo))
    share = extract.word_share(words, rendered.text)
    print(f"pdftotext (layout): {share.exact}/{share.total} Thai words of the memo exact")
    assert share.missing == ()


def test_the_whole_document_in_default_layout_loses_only_table_cells_read_across(rendered) -> None:
    """pdftotext's layout mode reads narrow wrapped table cells side by side; nothing else."""
    words = extract.thai_words(extract.document_texts(rendered.memo, rendered.report))
    share = extract.word_share(words, rendered.text)
    print(f"pdftotext (layout), memo + report: {share.exact}/{share.total} = {share.share:.1%}")
    measure_texts = {
        w
        for m in rendered.report.measures
        for w in extract.thai_words([m.title, *m.steps, m.responsible, m.follow_up])
    }
    # The annex's longest agency names wrap in their column too.
    annex_texts = set(extract.thai_words(r.name for r in rendered.report.annex))
    assert set(share.missing) <= measure_texts | annex_texts
    assert share.share > 0.97


def test_without_the_fix_weasyprint_loses_thai_characters(rendered) -> None:
    """The measurement that motivates the fix (it also shows the check can fail)."""
    words = extract.thai_words(extract.document_texts(rendered.memo, rendered.report))
    plain = engine.render_document(rendered.html, fix_text_layer=False)
    share = extract.word_share(words, extract.pdftotext(plain.pdf, "-raw"))
    print(f"WeasyPrint alone, pdftotext -raw: {share.exact}/{share.total} = {share.share:.1%}")
    assert share.share < 0.8
    assert "สำนักปลัด" in share.missing


def _pages(pdf: bytes, dpi: int, pages: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-l", str(pages), "doc.pdf", "page"],
            cwd=tmp,
            check=True,
        )
        return [p.read_bytes().split(b"\n", 3)[3] for p in sorted(Path(tmp).glob("page*.pgm"))]


def _strongly_different(a: bytes, b: bytes) -> float:
    """The share of pixels whose grey differs by more than a quarter of the range."""
    assert len(a) == len(b)
    return sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > 64) / len(a)


def test_the_fix_draws_the_same_outlines_at_the_same_places(rendered) -> None:
    """A cluster drawn as one glyph is placed to a font unit; only anti-aliasing differs.

    Renderers cache a glyph's bitmap at a quarter-pixel: one glyph where there were three
    moves an edge's grey, never a mark (a mark out of place changes thousands of pixels).
    """
    plain = engine.render_document(rendered.html, fix_text_layer=False)
    before, after = _pages(plain.pdf, 100, 3), _pages(rendered.pdf, 100, 3)
    assert len(before) == 3
    for a, b in zip(before, after, strict=True):
        assert _strongly_different(a, b) < 0.002


def test_a_moved_mark_would_be_seen(rendered) -> None:
    """The measure above can fail: the same page with its body a hundredth of an em wider."""
    html = rendered.html.replace(
        "</head>", "<style>.para { letter-spacing: 0.01em }</style></head>"
    )
    moved = engine.render_document(html, fix_text_layer=False)
    assert (
        _strongly_different(_pages(rendered.pdf, 100, 1)[0], _pages(moved.pdf, 100, 1)[0]) > 0.002
    )


def test_every_engine_gives_back_the_thai_typed(rendered) -> None:
    """PDFium (Chrome, Edge), pdf.js (Firefox), MuPDF, poppler and pdfminer.six alike."""
    memo_words = extract.thai_words(extract.document_texts(rendered.memo))
    words = extract.thai_words(extract.document_texts(rendered.memo, rendered.report))
    for name, read in readers.ENGINES.items():
        text = read(rendered.pdf)
        memo, whole = extract.word_share(memo_words, text), extract.word_share(words, text)
        print(
            f"{name}: memo {memo.exact}/{memo.total}, memo and report {whole.exact}/{whole.total}"
        )
        assert memo.share >= 0.97, (name, memo.missing)
        assert whole.share >= 0.97, (name, whole.missing)
        assert "สำนักปลัด" in readers.joined(text), name


def test_chromes_search_finds_words_with_marks(rendered) -> None:
    for word in ("สำนักปลัด", "ผู้บริหาร", "บันทึกข้อความ", "งบประมาณ", "ดำเนินงาน"):
        assert readers.pdfium_search(rendered.pdf, word) >= 1, word


def _to_unicode_maps(pdf: bytes) -> list[bytes]:
    """Every font's ToUnicode CMap, read with pdfminer.six (the objects are in object streams)."""
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    maps = []
    for xref in document.xrefs:
        for number in xref.get_objids():
            obj = document.getobj(number)
            if isinstance(obj, dict) and "ToUnicode" in obj:
                maps.append(resolve1(obj["ToUnicode"]).get_data())
    return maps


def test_no_glyph_code_maps_to_empty_text(rendered) -> None:
    """PDFium, pdf.js and MuPDF print the code itself for an empty target (ส่ǰวน)."""
    maps = _to_unicode_maps(rendered.pdf)
    assert maps
    for cmap in maps:
        assert b"beginbfchar" in cmap
        assert re.search(rb"<[0-9a-fA-F]+>\s*<>", cmap) is None


def test_weasyprint_alone_leaves_empty_targets(rendered) -> None:
    """The check above can fail: WeasyPrint's own maps have them."""
    plain = engine.render_document(rendered.html, fix_text_layer=False)
    assert any(re.search(rb"<[0-9a-fA-F]+>\s*<>", m) for m in _to_unicode_maps(plain.pdf))


def _gids(names: dict[str, int], *glyphs: str) -> list[int]:
    return [names[g] for g in glyphs]


def _texts(reader: GlyphText, names: dict[str, int], *glyphs: str) -> list[str]:
    return [reader.text[g] for g in _gids(names, *glyphs)]


def test_sara_am_drawn_as_nikhahit_and_sara_aa_reads_as_sara_am(laksaman) -> None:
    reader, names = laksaman
    # น้ำ is drawn น, NIKHAHIT, MAI THO, SARA AA (HarfBuzz moves NIKHAHIT before the tone mark).
    texts = _texts(reader, names, "uni0E19", "uni0E4D", "uni0E49", "uni0E32")
    assert clusters(texts) == [range(0, 4)]
    assert cluster_text(texts) == "น้ำ"


def test_sara_aa_alone_still_reads_as_sara_aa(laksaman) -> None:
    reader, names = laksaman
    texts = _texts(reader, names, "uni0E07", "uni0E32", "uni0E19")
    assert clusters(texts) == [range(0, 1), range(1, 2), range(2, 3)]


def test_a_lowered_tone_mark_drawn_before_the_vowel_below_reads_in_typed_order(laksaman) -> None:
    reader, names = laksaman
    # ปู่ is drawn ป, MAI EK (lowered variant), SARA UU.
    texts = _texts(reader, names, "uni0E1B", "uni0E48.low", "uni0E39")
    assert clusters(texts) == [range(0, 3)]
    assert cluster_text(texts) == "ปู่"


def test_variant_glyphs_read_as_their_base_letters_not_private_use_codes(laksaman) -> None:
    reader, names = laksaman
    assert reader.text[names["uni0E48.low"]] == "\u0e48"
    assert reader.text[names["uni0E0D.descless"]] == "ญ"


def test_canonical_order_sorts_marks_by_combining_class_only() -> None:
    assert canonical_order("ป\u0e48\u0e39") == "ป\u0e39\u0e48"
    assert canonical_order("กา") == "กา"
