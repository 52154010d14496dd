"""The PDF's text layer gives back the Thai typed: measured with poppler's pdftotext."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from ita.documents import engine, extract
from ita.documents.textlayer import GlyphText, canonical_order

# The module fixtures read the database: pytest-django sets it up only for marked tests.
pytestmark = pytest.mark.django_db

FONT = Path(__file__).resolve().parents[2] / "static" / "fonts" / "Laksaman.ttf"


@pytest.fixture(scope="module")
def laksaman() -> tuple[GlyphText, dict[str, int]]:
    font = TTFont(FONT)
    return GlyphText.from_font(font), {n: i for i, n in enumerate(font.getGlyphOrder())}


def test_every_thai_word_of_the_demo_memo_and_report_extracts_exactly(rendered) -> None:  # noqa: ANN001
    words = extract.thai_words(extract.document_texts(rendered.memo, rendered.report))
    # Content order (as copy-paste and search read it): every word, exactly.
    raw = extract.word_share(words, extract.pdftotext(rendered.pdf, "-raw"))
    print(f"pdftotext -raw: {raw.exact}/{raw.total} Thai words exact")
    assert raw.missing == ()
    assert raw.total > 300


def test_the_memo_reads_back_exactly_in_pdftotexts_default_layout(rendered) -> None:  # noqa: ANN001
    words = extract.thai_words(extract.document_texts(rendered.memo))
    share = extract.word_share(words, rendered.text)
    print(f"pdftotext (layout): {share.exact}/{share.total} Thai words of the memo exact")
    assert share.missing == ()


def test_the_whole_document_in_default_layout_loses_only_table_cells_read_across(rendered) -> None:  # noqa: ANN001
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


def test_without_the_fix_weasyprint_loses_thai_characters(rendered) -> None:  # noqa: ANN001
    """The measurement that motivates the fix (it also shows the check can fail)."""
    words = extract.thai_words(extract.document_texts(rendered.memo, rendered.report))
    plain = engine.render_document(rendered.html, fix_text_layer=False)
    share = extract.word_share(words, extract.pdftotext(plain.pdf, "-raw"))
    print(f"WeasyPrint alone, pdftotext -raw: {share.exact}/{share.total} = {share.share:.1%}")
    assert share.share < 0.8
    assert "สำนักปลัด" in share.missing


def test_the_fix_changes_nothing_that_is_drawn(rendered) -> None:  # noqa: ANN001
    plain = engine.render_document(rendered.html, fix_text_layer=False)
    pictures = []
    for pdf in (plain.pdf, rendered.pdf):
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "doc.pdf").write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "3", "doc.pdf", "page"],
                cwd=tmp,
                check=True,
            )
            pictures.append([p.read_bytes() for p in sorted(Path(tmp).glob("page*.pgm"))])
    assert len(pictures[0]) == 3
    assert pictures[0] == pictures[1]


def _gids(names: dict[str, int], *glyphs: str) -> list[int]:
    return [names[g] for g in glyphs]


def test_sara_am_drawn_as_nikhahit_and_sara_aa_reads_as_sara_am(laksaman) -> None:  # noqa: ANN001
    reader, names = laksaman
    # น้ำ is drawn น, NIKHAHIT, MAI THO, SARA AA (HarfBuzz moves NIKHAHIT before the tone mark).
    texts = reader.read(_gids(names, "uni0E19", "uni0E4D", "uni0E49", "uni0E32"), {})
    assert "".join(texts) == "น้ำ"
    assert texts[-1] == "ำ"  # on the spacing glyph, so no gap splits the word


def test_sara_aa_alone_still_reads_as_sara_aa(laksaman) -> None:  # noqa: ANN001
    reader, names = laksaman
    assert "".join(reader.read(_gids(names, "uni0E07", "uni0E32", "uni0E19"), {})) == "งาน"


def test_a_lowered_tone_mark_drawn_before_the_vowel_below_reads_in_typed_order(laksaman) -> None:  # noqa: ANN001
    reader, names = laksaman
    # ปู่ is drawn ป, MAI EK (lowered variant), SARA UU.
    texts = reader.read(_gids(names, "uni0E1B", "uni0E48.low", "uni0E39"), {})
    assert "".join(texts) == "ปู่"
    assert texts[1:] == ["", ""]  # marks read nothing: their own baseline would split words


def test_variant_glyphs_read_as_their_base_letters_not_private_use_codes(laksaman) -> None:  # noqa: ANN001
    reader, names = laksaman
    assert reader.text[names["uni0E48.low"]] == "\u0e48"
    assert reader.text[names["uni0E0D.descless"]] == "ญ"


def test_canonical_order_sorts_marks_by_combining_class_only() -> None:
    assert canonical_order("ป\u0e48\u0e39") == "ป\u0e39\u0e48"
    assert canonical_order("กา") == "กา"
