"""A text layer that survives any text: a Chinese or a Khmer word in a memo no longer switches
the Thai fix off for the whole document; every engine gives back every word, and the file
stays PDF/A."""

from __future__ import annotations

import dataclasses

import pytest
from weasyprint import HTML

from ita.documents import engine, render
from ita.documents.textlayer import TextLayerFixer
from tests import hostile, readers
from tests.pdf import extract
from tests.pdfa import assert_pdfa

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]

WORDS = (hostile.CJK_WORD, hostile.KHMER_WORD)
THAI = ("สำนักปลัด", "คำสั่ง", "ผู้บริหาร", "ดำเนินงาน", "น้ำท่วม", "กิ่งไม้")


@pytest.fixture(scope="module")
def mixed(demo_docs):
    """The demo memo with a Chinese and a Khmer word in its body and its subject."""
    memo, _report = demo_docs
    memo = dataclasses.replace(
        memo,
        subject=f"{memo.subject} {hostile.CJK_WORD}",
        body=f"{memo.body}\n\nชื่อในภาษาอื่น {hostile.CJK_WORD} และ {hostile.KHMER_WORD} ในเอกสาร",
    )
    return memo, render.memo_pdf(memo)


def test_every_engine_gives_back_every_thai_word_and_the_others(demo_docs, mixed) -> None:
    """Every word of the memo, as every engine reads the same memo in Thai alone (pdfminer
    reads the two columns of comment blocks across, in both: layout, not the text layer)."""
    memo, pdf = mixed
    thai_only = render.memo_pdf(demo_docs[0])
    words = extract.thai_words(extract.document_texts(memo))
    for name, read in readers.ENGINES.items():
        text = read(pdf)
        share = extract.word_share(words, text)
        alone = extract.word_share(words, read(thai_only))
        print(
            f"{name}: {share.exact}/{share.total} Thai words (Thai alone: {alone.exact}), {WORDS}"
        )
        assert set(share.missing) <= set(alone.missing), (name, share.missing)
        assert share.share >= 0.97, (name, share.missing)
        for word in WORDS:
            assert word in readers.joined(text), (name, word)


def test_a_memo_with_cjk_and_khmer_stays_pdf_a(mixed) -> None:
    _memo, pdf = mixed
    assert_pdfa(pdf)
    fonts = {f["name"].split("+")[-1] for f in extract.pdffonts(pdf)}
    assert "ITA-Fallback" in fonts  # drawn from the shipped face, not a system one


def test_a_memo_in_thai_alone_does_not_load_the_fallback_face(demo_docs) -> None:
    memo, report = demo_docs
    html = render.memo_html(memo, report)
    assert engine.with_fallback(html) == html


def test_a_character_no_face_draws_prints_as_a_replacement_never_notdef(demo_docs) -> None:
    memo, _report = demo_docs
    memo = dataclasses.replace(memo, body=f"{memo.body}\n\nยิ้ม \U0001f600 ท้าย")
    pdf = render.memo_pdf(memo)
    assert_pdfa(pdf)
    text = readers.joined(readers.pdfminer(pdf))
    assert "ยิ้ม \ufffd ท้าย" in text or "ยิ้ม\ufffdท้าย" in text.replace(" ", "")
    assert "สำนักปลัด" in text


def test_the_fix_works_glyph_by_glyph_even_beside_a_glyph_a_face_lacks() -> None:
    """WeasyPrint writes its own encoding for a font with a missing glyph; the Thai fix still
    applies to every other glyph of that font (it used to turn off for the whole file)."""
    html = (
        '<html lang="th"><style>@font-face { font-family: T; src: url(fonts/Laksaman.ttf) }'
        " p { font-family: T; font-size: 16pt }</style>"
        f"<p>{' '.join(THAI)} {hostile.CJK_WORD} {' '.join(THAI)}</p></html>"
    )
    base = engine.static_dir().as_uri() + "/"
    plain = HTML(string=html, base_url=base).write_pdf()
    fixed = HTML(string=html, base_url=base).write_pdf(
        finisher=TextLayerFixer(engine.font_registry())
    )
    engines = (readers.poppler, readers.pdfium, readers.mupdf, readers.pdfminer)
    lost = [w for read in engines for w in THAI if w not in readers.joined(read(plain))]
    assert lost  # the finding: without the fix, words come back broken
    for read in engines:
        text = readers.joined(read(fixed))
        assert [w for w in THAI if w not in text] == [], read.__name__
