"""The correspondence regulation's layout, rule by rule, on the demo memo and its report."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import override_settings

from ita.documents import engine
from ita.documents import render as documents
from ita.documents.render import CatalogueMissing
from memos.documents import report_enclosure
from tests.pdf import extract

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]


def _flat(text: str) -> str:
    """Without spaces and line breaks: a Thai line may break anywhere between words."""
    return "".join(text.split())


def _pages(pdf: bytes) -> list[str]:
    """Each page's text, in content order, flattened."""
    return [_flat(p) for p in extract.pdftotext(pdf, "-raw").split("\f")]


def _in_order(text: str, needles: list[str]) -> None:
    start = 0
    for needle in map(_flat, needles):
        found = text.find(needle, start)
        assert found >= 0, f"{needle!r} missing after …{text[max(0, start - 60) : start]!r}"
        start = found + len(needle)


def test_the_enclosures_line_lists_the_report_and_every_attached_file(demo_docs) -> None:
    memo, _report = demo_docs
    files = (report_enclosure(2564), "ภาพกิจกรรม ITA 2564.pdf", "คำสั่งแต่งตั้ง.docx")
    pdf = documents.memo_pdf(dataclasses.replace(memo, enclosures=files))
    _in_order(
        " ".join(_pages(pdf)),
        [
            "จึงเรียนมาเพื่อโปรดทราบและพิจารณา",
            "สิ่งที่ส่งมาด้วย",
            "๑. รายงานผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๔",
            "๒. ภาพกิจกรรม ITA 2564.pdf",  # a file's name keeps its digits: it names a file
            "๓. คำสั่งแต่งตั้ง.docx",
            "ลงชื่อ",
        ],
    )


def test_a_single_enclosure_is_not_numbered(rendered) -> None:
    text = " ".join(_pages(rendered.pdf))
    assert _flat("สิ่งที่ส่งมาด้วย รายงานผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๔") in text


@pytest.mark.parametrize("extra", range(0, 10, 2))
def test_the_authors_signature_never_starts_a_page_alone(demo_docs, extra: int) -> None:
    """However long the body, the signature's page also holds the body's last lines."""
    memo, _report = demo_docs
    body = memo.body + "\n\n" + "\n\n".join(["ทั้งนี้ได้ดำเนินการตามมาตรการที่กำหนดไว้แล้ว"] * extra)
    pages = _pages(documents.memo_pdf(dataclasses.replace(memo, body=body)))
    signed = [p for p in pages if "(นายณัชพลรังสิปการ)" in p]
    assert len(signed) == 1
    before_signature = signed[0].split("ลงชื่อ")[0]
    assert _flat(body.split("\n\n")[-1]) in before_signature


def test_the_comment_blocks_share_the_page_two_by_two(rendered) -> None:
    """As on a paper memo: no executive's block (the mayor's last) fills a page by itself."""
    headings = ["ความเห็นหัวหน้าสำนักปลัด", "ความเห็นรองปลัด", "ความเห็นปลัด", "ความเห็นนายก"]
    pages = _pages(rendered.pdf)
    for heading in headings:
        page = next(p for p in pages if heading in p)
        assert sum(h in page for h in headings) >= 2, heading
    assert len([p for p in pages if any(h in p for h in headings)]) == 1


def test_a_measures_row_moves_whole_to_the_next_page(rendered) -> None:
    """No measure is printed without its responsible unit and its follow-up."""
    pages = _pages(rendered.pdf)
    for measure in rendered.report.measures:
        page = next(p for p in pages if _flat(measure.title) in p)
        assert _flat(measure.responsible) in page, measure.title
        assert _flat(measure.follow_up) in page, measure.title


def test_published_scores_keep_their_two_decimals(rendered) -> None:
    text = " ".join(_pages(rendered.pdf))
    assert "องค์การบริหารส่วนตำบลท่าสะบ้าวังวิเศษ๘๙.๐๐" in text  # published 89.00
    assert "๙๓.๒๖" in text


def test_the_annex_names_its_source(rendered) -> None:
    text = " ".join(_pages(rendered.pdf))
    assert (
        _flat(
            "ที่มา: เอกสารแนบท้ายประกาศสำนักงาน ป.ป.ช. เรื่อง ผลการประเมินคุณธรรม"
            "และความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. ๒๕๖๔"
        )
        in text
    )


def test_a_draft_says_when_the_organisation_has_no_garuda(demo_docs) -> None:
    memo, _report = demo_docs
    assert memo.emblem is None  # the demo has none
    draft = " ".join(_pages(documents.memo_pdf(dataclasses.replace(memo, draft=True))))
    assert "หน่วยงานนี้ยังไม่มีตราครุฑ" in draft
    sent = " ".join(_pages(documents.memo_pdf(memo)))
    assert "ตราครุฑ" not in sent


def test_no_document_renders_without_the_thai_catalogue(demo_docs, tmp_path) -> None:
    """Without compilemessages the labels would print in English: rendering refuses."""
    memo, report = demo_docs
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        with pytest.raises(CatalogueMissing, match="compilemessages"):
            documents.memo_html(memo)
        with pytest.raises(CatalogueMissing):
            documents.report_html(report)
    assert "บันทึกข้อความ" in documents.memo_html(memo)


def test_english_labels_never_reach_the_paper(rendered) -> None:
    text = extract.pdftotext(engine.render_document(rendered.html).pdf, "-raw")
    for label in ("Internal memo", "Subject", "Signed", "Enclosures", "Comment of"):
        assert label not in text
