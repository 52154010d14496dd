"""The memo PDF: fields in order, the executives in chain order, Thai digits, fonts, pages."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from PIL import Image

from ita.documents import engine
from ita.documents import render as documents
from ita.documents.data import Emblem
from tests.pdf import extract

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]

CHAIN_NAMES = [
    "นางศิริยศ บิลดาวูด",
    "นายธีรศักดิ์ ศรีโกศา",
    "นายเด่นทยา วุ่นแก้ว",
    "นายสมคิด ร่องเดช",
]


def _in_order(text: str, needles: list[str]) -> list[int]:
    """Each needle found after the previous one (lines joined: long values wrap)."""
    text = text.replace("\n", "")
    positions, start = [], 0
    for needle in needles:
        found = text.find(needle, start)
        assert found >= 0, f"{needle!r} missing after position {start}"
        positions.append(found)
        start = found + len(needle)
    return positions


@pytest.fixture(scope="module")
def memo_only(demo_docs) -> engine.RenderResult:
    memo, _report = demo_docs
    return engine.render_document(documents.memo_html(memo))


def test_the_fields_come_in_the_regulations_order(memo_only) -> None:
    text = extract.pdftotext(memo_only.pdf, "-raw")
    _in_order(
        text,
        [
            "บันทึกข้อความ",
            "ส่วนราชการ",
            "งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ",
            "โทร. ๐๗๕-๒๘๙๖๘๙",
            "ที่",
            "ตง ๗๘๒๐๑/๑๒๓",
            "วันที่",
            "๒๕ สิงหาคม ๒๕๖๔",
            "เรื่อง",
            "รายงานผลการประเมินคุณธรรมและความโปร่งใส",
            "เรียน",
            "นายกองค์การบริหารส่วนตำบลสุโสะ",
            "ตามที่คณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ",
            "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
            "ลงชื่อ",
            "(นายณัชพล รังสิปการ)",
            "นิติกรปฏิบัติการ",
        ],
    )


def test_the_executives_sign_in_chain_order_with_their_headings(memo_only) -> None:
    text = extract.pdftotext(memo_only.pdf, "-raw")
    blocks = []
    for heading, name in zip(
        ["ความเห็นหัวหน้าสำนักปลัด", "ความเห็นรองปลัด อบต.", "ความเห็นปลัด อบต.", "ความเห็นนายก อบต."],
        CHAIN_NAMES,
        strict=True,
    ):
        blocks += [heading, "ลงชื่อ", f"({name})"]
    _in_order(text, ["(นายณัชพล รังสิปการ)", *blocks])


def test_signed_steps_print_comment_and_date_pending_steps_print_empty_lines(memo_only) -> None:
    text = extract.pdftotext(memo_only.pdf, "-raw")
    _in_order(
        text,
        [
            "ความเห็นหัวหน้าสำนักปลัด",
            "เห็นควรเสนอปลัดเพื่อโปรดพิจารณา",
            "(นางศิริยศ บิลดาวูด)",
            "วันที่ ๒๖ สิงหาคม ๒๕๖๔",
            "ความเห็นรองปลัด อบต.",
            "ทราบ เห็นควรนำเสนอนายกเพื่อโปรดทราบ",
            "วันที่ ๒๗ สิงหาคม ๒๕๖๔",
        ],
    )
    clerk = text[text.index("ความเห็นปลัด อบต.") :]
    # Pending: the heading, then straight to the signature line and an undated date line.
    assert re.match(r"ความเห็นปลัด อบต.\s*ลงชื่อ\s*\(นายเด่นทยา วุ่นแก้ว\)", clerk)
    assert re.search(r"ปลัดองค์การบริหารส่วนตำบลสุโสะ\s*วันที่\s*ความเห็นนายก", clerk)


def test_every_number_and_date_is_in_thai_digits(rendered) -> None:
    assert re.findall(r"[0-9]", rendered.text) == []
    assert "๒๕ สิงหาคม ๒๕๖๔" in rendered.text
    assert "ตง ๗๘๒๐๑/๑๒๓" in rendered.text


def test_the_font_is_embedded_subset_with_a_unicode_map(rendered) -> None:
    fonts = extract.pdffonts(rendered.pdf)
    assert {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in fonts} == {
        "ITA-Laksaman",
        "ITA-Laksaman-Bold",
    }
    for font in fonts:
        assert (font["type"], font["emb"], font["sub"], font["uni"]) == (
            "CID TrueType",
            "yes",
            "yes",
            "yes",
        )


def test_page_counts(memo_only, rendered) -> None:
    # The memo: its body and author's signature, then the four executives' blocks.
    assert memo_only.pages == 2
    # With the report: its cover, three pages of results (a row moves whole to the next page),
    # the seed's two measures tables from the last of them on two more (a measure longer than
    # what is left of a page breaks, its column headers repeated), the 85-row annex on three.
    assert rendered.result.pages == 11
    assert extract.pdfinfo_pages(rendered.pdf) == rendered.result.pages


def test_memo_pages_after_the_first_carry_a_thai_page_number_at_the_top(memo_only) -> None:
    first = [word for _y, word in _bbox_words(memo_only.pdf, page=1)]
    second = [word for _y, word in _bbox_words(memo_only.pdf, page=2)]
    assert first[0] == "บันทึกข้อความ"
    assert second[:3] == ["-", "๒", "-"]


def test_html_typed_into_a_memo_prints_as_text_and_fetches_nothing(demo_docs) -> None:
    memo, _report = demo_docs
    hostile = (
        'ดูไฟล์ <img src="file:///etc/passwd"> และ <script>alert("x")</script>'
        ' <link rel="stylesheet" href="http://example.com/x.css"> จบ'
    )
    memo = dataclasses.replace(memo, body=hostile, subject="<b>ตัวหนา</b>")
    html = documents.memo_html(memo)
    assert "<script>" not in html
    result = engine.render_document(html)
    assert result.refused == []
    text = extract.pdftotext(result.pdf, "-raw")
    flat = " ".join(text.split())
    assert '<img src="file:///etc/passwd">' in flat
    assert '<script>alert("x")</script>' in flat
    assert "<b>ตัวหนา</b>" in flat
    assert "root:" not in text


def _png(width: int = 120, height: int = 150) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _bbox_words(pdf: bytes, page: int = 1) -> list[tuple[str, str]]:
    """(top y, word) of a page's words, from pdftotext -bbox."""
    html = extract.pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    return re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', html)


def test_the_emblem_is_drawn_and_without_it_the_layout_keeps_its_place(demo_docs) -> None:
    memo, _report = demo_docs
    without = engine.render_document(documents.memo_html(memo)).pdf
    with_emblem = documents.memo_pdf(dataclasses.replace(memo, emblem=Emblem(_png(), "image/png")))
    assert extract.pdfimages_count(with_emblem) == 1
    assert extract.pdfimages_count(without) == 0
    assert _bbox_words(with_emblem) == _bbox_words(without)
